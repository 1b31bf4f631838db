"""`unea-mandates train [--no-eval]`: rebuild models/data, models/weights and the model card figures."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.settings import Settings


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "train", help="rebuild the training set, the shipped weights and the model card"
    )
    parser.add_argument("--no-eval", action="store_true", help="skip the cross-validation (faster)")
    add_reviewed_options(parser)
    parser.set_defaults(func=run)


def add_reviewed_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reviewed", type=Path, action="append", default=[], metavar="FILE",
                        help="reviewed labels exported by `labels export --format jsonl` (repeatable); "
                        "the home's own reviewed labels are always read too")
    parser.add_argument("--no-home-reviewed", action="store_true",
                        help="do not read the reviewed labels stored under UNEA_MANDATES_HOME")


def reviewed_rows(args: argparse.Namespace, settings: Settings) -> list:
    """Training rows (origin "reviewed") from --reviewed files and the home's corrections."""
    from service.usecases.reviews import reviewed_training_examples
    from service.usecases.services import Services

    return reviewed_training_examples(Services(settings), args.reviewed, home=not args.no_home_reviewed)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from models.evaluate import format_report
    from models.train import train, training_embedder

    try:
        reviewed = reviewed_rows(args, settings)
    except (OSError, ValueError, TypeError) as exc:
        print(f"unea-mandates train: reviewed labels: {exc}", file=sys.stderr)
        return 2
    summary = train(
        evaluate=not args.no_eval, embedder=training_embedder(settings.vector_cache), reviewed=reviewed
    )
    print(f"weights written to {summary['weights']}; rows: {summary['examples']}", file=sys.stderr)
    if "report" in summary:
        sys.stdout.write(format_report(summary["report"]) + "\n")
    return 0
