"""`unea-mandates labels export --format jsonl [-o FILE]`: maintainers' reviewed labels as training rows.

One JSON object per reviewed mandate text, in the training-set row shape (text, language, group,
action_area, actor, origin "reviewed", with_partners) plus where it came from (mandate_id, citation,
reviewers, last_reviewed) and `orphaned: true` when no indexed mandate matches it any more.
`unea-mandates train --reviewed FILE` reads such a file back.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from service.settings import Settings
from service.usecases.reviews import export_reviewed
from service.usecases.services import Services


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("labels", help="maintainers' reviewed labels (export them as training rows)")
    sub = parser.add_subparsers(dest="labels_command", required=True, metavar="ACTION")
    export = sub.add_parser("export", help="write every reviewed label as a training row")
    export.add_argument("--format", choices=("jsonl",), default="jsonl", help="jsonl: one JSON object per line")
    export.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    with Services(settings) as services:
        rows = export_reviewed(services)
    body = "".join(json.dumps(row.model_dump(), ensure_ascii=False) + "\n" for row in rows)
    if args.output is None:
        sys.stdout.write(body)
        sys.stdout.flush()
    else:
        args.output.write_text(body, encoding="utf-8")
    orphaned = sum(row.orphaned for row in rows)
    where = f" to {args.output}" if args.output else ""
    print(f"unea-mandates labels: {len(rows)} reviewed labels written{where} ({orphaned} orphaned)", file=sys.stderr)
    return 0
