"""`unea-mandates reindex`: rebuild the index from the stored originals into a new version and
swap it in only when complete (Ctrl-C or a crash midway leaves the old version serving)."""

from __future__ import annotations

import argparse
import sys

from service.commands._index_common import load_classifier, open_configured_index, open_store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reindex", help="rebuild the index from stored documents, swap when complete"
    )
    parser.add_argument("--no-classify", action="store_true", help="index document-stated labels only")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    parser.add_argument(
        "--allow-failures", action="store_true", help="swap in even if some stored documents fail to extract"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from index.base import IndexBusy
    from index.ingest import reindex

    index = open_configured_index()
    try:
        report = reindex(
            index,
            open_store(),
            classifier=load_classifier(not args.no_classify),
            progress=not args.no_progress,
            allow_failures=args.allow_failures,
        )
    except IndexBusy as exc:
        print(f"unea-mandates reindex: {exc}", file=sys.stderr)
        return 3
    finally:
        index.close()
    print(report.summary(), file=sys.stderr)
    return 0 if report.version is not None and not report.errors else 1
