"""`unea-mandates reindex`: rebuild the index from the stored originals into a new version and
swap it in only when complete (Ctrl-C or a crash midway leaves the old version serving)."""

from __future__ import annotations

import argparse
import sys

from index.base import IndexBusy
from service.settings import Settings
from service.usecases.documents import reindex_documents
from service.usecases.errors import NotSwapped
from service.usecases.services import Services


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


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        with Services(settings) as services:
            done = reindex_documents(
                services,
                classify=not args.no_classify,
                progress=not args.no_progress,
                allow_failures=args.allow_failures,
            )
    except IndexBusy as exc:
        print(f"unea-mandates reindex: {exc}", file=sys.stderr)
        return 3
    except NotSwapped as exc:
        print(exc, file=sys.stderr)
        return 1
    print(done.summary, file=sys.stderr)
    return 1 if done.failed else 0
