"""`unea-mandates search QUERY [filters] [--mode …] [--format jsonl|table]`."""

from __future__ import annotations

import argparse
import json
import sys

from index.base import QuerySyntaxError, SearchHit, SearchQuery
from service.commands._index_common import open_configured_index

# CLI option → filter field (extractors.schema.FILTER_FIELDS)
_FILTER_OPTIONS = {
    "actor": "actor",
    "area": "action_area",
    "resolution": "resolution",
    "session": "session",
    "lang": "language",
    "document": "document",
    "with_partners": "with_partners",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "search",
        help="search the indexed mandates",
        description='Query syntax: words, "quoted phrases", AND/OR/NOT, prefix*, (parentheses).',
    )
    parser.add_argument("query", nargs="?", default="", metavar="QUERY", help="empty: browse (filters only)")
    parser.add_argument(
        "--actor", action="append", help="unep | member_states | un_system | stakeholders (repeatable)"
    )
    parser.add_argument(
        "--area", action="append", help="knowledge | implementation | infrastructure | awareness | leadership"
    )
    parser.add_argument("--resolution", action="append", help="e.g. UNEP/EA.4/Res.6")
    parser.add_argument("--session", action="append", help="UNEA session number")
    parser.add_argument("--lang", action="append", help="en | zh")
    parser.add_argument("--document", action="append", help="document id (SHA-256)")
    parser.add_argument("--with-partners", dest="with_partners", choices=("true", "false"))
    parser.add_argument("--mode", choices=("keyword", "semantic", "hybrid"), default="keyword")
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--offset", type=int, default=0)
    parser.add_argument("--format", choices=("jsonl", "table"), default="table")
    parser.set_defaults(func=run)


def hit_record(hit: SearchHit) -> dict:
    record = hit.mandate.model_dump(mode="json")
    record.update(score=hit.score, highlight=hit.highlight, citation=hit.mandate.citation)
    return record


def run(args: argparse.Namespace) -> int:
    filters: dict[str, list[str]] = {}
    for option, field in _FILTER_OPTIONS.items():
        value = getattr(args, option)
        if value:
            filters[field] = [value] if isinstance(value, str) else value
    try:
        query = SearchQuery(
            q=args.query, mode=args.mode, filters=filters, limit=args.limit, offset=args.offset
        )
    except ValueError as exc:
        print(f"unea-mandates search: {exc}", file=sys.stderr)
        return 2
    index = open_configured_index()
    try:
        result = index.search(query)
    except QuerySyntaxError as exc:
        print(f"unea-mandates search: malformed query: {exc}", file=sys.stderr)
        return 2
    finally:
        index.close()
    if args.format == "jsonl":
        for hit in result.hits:
            sys.stdout.write(json.dumps(hit_record(hit), ensure_ascii=False) + "\n")
    else:
        for rank, hit in enumerate(result.hits, start=args.offset + 1):
            m = hit.mandate
            text = m.text if len(m.text) <= 100 else m.text[:99] + "…"
            sys.stdout.write(
                f"{rank:>3}. {hit.score:7.3f}  {m.citation}  [{m.actor or '-'}/{m.action_area or '-'}]  {text}\n"
            )
    print(
        f"{result.total} mandates match; showing {len(result.hits)} from {args.offset + 1}", file=sys.stderr
    )
    return 0
