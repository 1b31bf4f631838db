"""The search options `search` and `export` share, read into a SearchRequest by the search use case."""

from __future__ import annotations

import argparse

from extractors.schema import ACTORS
from service.usecases.search import SearchRequest, build_query

# CLI option → filter field (extractors.schema.FILTER_FIELDS)
FILTER_OPTIONS = {
    "actor": "actor",
    "area": "action_area",
    "resolution": "resolution",
    "session": "session",
    "lang": "language",
    "document": "document",
    "with_partners": "with_partners",
}


def add_search_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="?", default="", metavar="QUERY", help="empty: browse (filters only)")
    parser.add_argument(
        "--actor", action="append", help=" | ".join(ACTORS) + " (repeatable)"
    )
    parser.add_argument(
        "--area", action="append", help="knowledge | implementation | infrastructure | awareness | leadership"
    )
    parser.add_argument("--resolution", action="append", help="e.g. UNEP/EA.4/Res.6")
    parser.add_argument("--session", action="append", help="UNEA session number")
    parser.add_argument("--lang", action="append", help="ar | en | es | fr | ru | zh (repeatable)")
    parser.add_argument("--document", action="append", help="document id (SHA-256)")
    parser.add_argument("--with-partners", dest="with_partners", choices=("true", "false"))
    parser.add_argument("--mode", choices=("keyword", "semantic", "hybrid"), default="keyword")
    parser.add_argument("--sort", choices=("relevance", "date", "paragraph"), default="relevance")
    parser.add_argument("--year", type=int, action="append", help="year the resolution was adopted (repeatable)")


def query_of(args: argparse.Namespace, limit: int = 10, offset: int = 0) -> SearchRequest:
    """InvalidRequest for values no index could take."""
    filters = {}
    for option, field in FILTER_OPTIONS.items():
        value = getattr(args, option)
        if value:
            filters[field] = [value] if isinstance(value, str) else value
    return build_query(args.query, args.mode, filters, limit, offset, sort=args.sort, years=args.year)
