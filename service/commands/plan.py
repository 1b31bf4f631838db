"""`unea-mandates plan PATH... | --session N | --resolution 6/5 [--format html|docx|csv|jsonl]
[--language ar|en|es|fr|ru|zh] [--columns seed|all] [--out FILE]`: the implementation-plan annex (mandates by action area and actor)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from index.base import QuerySyntaxError
from service.settings import Settings
from service.usecases.errors import InvalidRequest
from service.usecases.plan import (
    COLUMN_LAYOUTS,
    HEADING_LANGUAGES,
    PLAN_FORMATS,
    Plan,
    plan_from_index,
    plan_from_paths,
    plan_query,
    render_plan,
)
from service.usecases.services import Services


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="draft the implementation-plan annex: mandates by action area and actor (files or the index)",
        description="From files or folders (extracted and classified now), or from the index with "
        "--session / --resolution. A first draft for a person to review.",
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="PDF, DOCX, text or registry JSON files, or folders"
    )
    parser.add_argument(
        "--session", action="append", default=[], help="UNEA session number (index; repeatable)"
    )
    parser.add_argument(
        "--resolution", action="append", default=[], help="6/5 or UNEP/EA.6/Res.5 (index; repeatable)"
    )
    parser.add_argument("--format", choices=PLAN_FORMATS, default="html")
    parser.add_argument(
        "--language", choices=HEADING_LANGUAGES, default="en", help="language of the headings and the bullets (each paragraph's version in it when the selection holds one; a bullet in another language is marked)"
    )
    parser.add_argument(
        "--columns", choices=COLUMN_LAYOUTS, default="seed",
        help="seed: UNEP, Member States, Other addressees (the seed's Annex II); all: one column per actor",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, help="write here instead of standard output (needed for docx)")
    parser.add_argument(
        "--no-classify", action="store_true", help="PATH mode: document-stated and rule labels only"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from_index = bool(args.session or args.resolution)
    if bool(args.paths) == from_index:
        print(
            "unea-mandates plan: give files/folders, or --session / --resolution (the index), not both",
            file=sys.stderr,
        )
        return 2
    if args.format == "docx" and args.out is None and sys.stdout.isatty():
        print("unea-mandates plan: a DOCX is binary; use --out FILE", file=sys.stderr)
        return 2
    try:
        with Services(settings) as services:
            plan = _index_plan(args, services) if from_index else _files_plan(args, services)
    except (InvalidRequest, QuerySyntaxError) as exc:
        print(f"unea-mandates plan: {exc}", file=sys.stderr)
        return 2
    rendered = render_plan(plan, args.format)
    if args.out is not None:
        args.out.write_bytes(rendered.body)
    else:
        sys.stdout.buffer.write(rendered.body)
        sys.stdout.flush()
    print(_summary(plan, args.out), file=sys.stderr)
    for line in plan.skipped:
        print(f"error: {line}", file=sys.stderr)
    return 1 if plan.skipped else 0


def _files_plan(args: argparse.Namespace, services: Services) -> Plan:
    return plan_from_paths(
        args.paths, args.language, columns=args.columns, labeller=services.labeller(not args.no_classify)
    )


def _index_plan(args: argparse.Namespace, services: Services) -> Plan:
    query = plan_query(args.session, args.resolution)
    return plan_from_index(services.index, query, args.language, services.settings.export_cap, args.columns)


def _summary(plan: Plan, out: Path | None) -> str:
    where = f" → {out}" if out else ""
    cells = sum(1 for s in plan.sections for r in s.rows for b in r.cells.values() if b)
    return (
        f"{len(plan.resolutions)} resolutions, {len(plan.sections)} action areas, {cells} cells, "
        f"{plan.bullet_count} bullets{where}"
    )
