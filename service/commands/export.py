"""`unea-mandates export QUERY [filters] [--mode …] --format csv|json [-o FILE]`: the whole search
(up to UNEA_MANDATES_EXPORT_CAP hits) as the file `GET /v1/export` gives; stdout by default."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from index.base import QuerySyntaxError
from service.commands._search_options import add_search_options, query_of
from service.settings import Settings
from service.usecases.errors import InvalidRequest
from service.usecases.export import export_mandates
from service.usecases.services import Services


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("export", help="write a whole search as CSV or JSON")
    add_search_options(parser)
    parser.add_argument(
        "--format", choices=("csv", "json"), default="csv", help="csv (UTF-8 with BOM) | json"
    )
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        query = query_of(args)
        with Services(settings) as services:
            file = export_mandates(services.index, query, settings.export_cap, args.format)
    except InvalidRequest as exc:
        print(f"unea-mandates export: {exc}", file=sys.stderr)
        return 2
    except QuerySyntaxError as exc:
        print(f"unea-mandates export: malformed query: {exc}", file=sys.stderr)
        return 2
    if args.output is None:
        sys.stdout.buffer.write(file.body)
        sys.stdout.buffer.flush()
    else:
        args.output.write_bytes(file.body)
        print(f"unea-mandates export: wrote {args.output}", file=sys.stderr)
    return 0
