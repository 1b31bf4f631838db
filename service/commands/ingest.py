"""`unea-mandates ingest PATH...`: extract, classify and index files and folders (idempotent)."""

from __future__ import annotations

import argparse
import sys

from service.commands._index_common import load_classifier, open_configured_index, open_store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ingest", help="extract, classify and index documents (files or folders)")
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="PDF, DOCX, text or registry JSON files, or folders"
    )
    parser.add_argument("--no-classify", action="store_true", help="index document-stated labels only")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from index.ingest import ingest_paths

    index = open_configured_index()
    try:
        report = ingest_paths(
            args.paths,
            index,
            classifier=load_classifier(not args.no_classify),
            store=open_store(),
            progress=not args.no_progress,
        )
    finally:
        index.close()
    print(report.summary(), file=sys.stderr)
    return 0 if report.ok else 1
