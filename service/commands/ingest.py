"""`unea-mandates ingest PATH...`: extract, classify and index files and folders (idempotent)."""

from __future__ import annotations

import argparse
import sys

from service.settings import Settings
from service.usecases.documents import ingest_files
from service.usecases.services import Services


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ingest", help="extract, classify and index documents (files or folders)")
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="PDF, DOCX, text or registry JSON files, or folders"
    )
    parser.add_argument("--no-classify", action="store_true", help="index document-stated labels only")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    with Services(settings) as services:
        report = ingest_files(
            services, args.paths, classify=not args.no_classify, progress=not args.no_progress
        )
    print(report.summary(), file=sys.stderr)
    return 0 if report.ok else 1
