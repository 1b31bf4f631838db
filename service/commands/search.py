"""`unea-mandates search QUERY [filters] [--mode …] [--format jsonl|table]`.

jsonl: one hit per line, the mandate's fields with `score`, `highlight` (plain text with <mark>,
as the API gives it) and `citation`.
"""

from __future__ import annotations

import argparse
import json
import sys

from index.base import QuerySyntaxError
from service.commands._search_options import add_search_options, query_of
from service.settings import Settings
from service.usecases.errors import InvalidRequest
from service.usecases.results import Hit
from service.usecases.search import search_mandates
from service.usecases.services import Services


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "search",
        help="search the indexed mandates",
        description='Query syntax: words, "quoted phrases", AND/OR/NOT, prefix*, (parentheses).',
    )
    add_search_options(parser)
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--offset", type=int, default=0)
    parser.add_argument("--format", choices=("jsonl", "table"), default="table")
    parser.set_defaults(func=run)


def hit_record(hit: Hit) -> dict:
    """A hit as one flat JSON object: the mandate's fields, its score, highlight and citation."""
    record = hit.mandate.model_dump(mode="json")
    record.update(score=hit.score, highlight=hit.highlight, citation=hit.citation)
    return record


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        query = query_of(args, limit=args.limit, offset=args.offset)
        with Services(settings) as services:
            result = search_mandates(services.index, query)
            empty = result.total == 0 and services.index.stats().mandates == 0
    except InvalidRequest as exc:
        print(f"unea-mandates search: {exc}", file=sys.stderr)
        return 2
    except QuerySyntaxError as exc:
        print(f"unea-mandates search: malformed query: {exc}", file=sys.stderr)
        return 2
    if args.format == "jsonl":
        for hit in result.hits:
            sys.stdout.write(json.dumps(hit_record(hit), ensure_ascii=False) + "\n")
    else:
        for rank, hit in enumerate(result.hits, start=args.offset + 1):
            m = hit.mandate
            text = m.text if len(m.text) <= 100 else m.text[:99] + "…"
            sys.stdout.write(
                f"{rank:>3}. {hit.score:7.3f}  {hit.citation}  [{m.actor or '-'}/{m.action_area or '-'}]  {text}\n"
            )
    if empty:
        where = settings.elasticsearch_url if settings.backend == "elasticsearch" else settings.home / "index"
        print(
            f"unea-mandates search: the index is empty ({settings.backend} at {where}); "
            "add documents with `unea-mandates ingest PATH…` or `unea-mandates serve --ingest-bundled`",
            file=sys.stderr,
        )
        return 1
    bound = "at least " if result.total_relation == "gte" else ""
    print(
        f"{bound}{result.total} mandates match; showing {len(result.hits)} from {args.offset + 1}", file=sys.stderr
    )
    if result.resolution:
        print(f"{result.resolution}: its mandates in paragraph order", file=sys.stderr)
    if result.suggestions:
        print("did you mean: " + " | ".join(result.suggestions), file=sys.stderr)
    if result.related:
        print("nothing close enough by meaning under these filters. Mandates that contain the words:"
              if result.related_by == "words" else "no exact match. Closest by meaning:", file=sys.stderr)
        for hit in result.related:
            print(f"  {hit.score:5.2f}  {hit.citation}  {hit.mandate.text[:90]}", file=sys.stderr)
    return 0
