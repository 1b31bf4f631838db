"""`unea-mandates train [--no-eval]`: rebuild models/data, models/weights and the model card figures."""

from __future__ import annotations

import argparse
import sys

from service.settings import Settings


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "train", help="rebuild the training set, the shipped weights and the model card"
    )
    parser.add_argument("--no-eval", action="store_true", help="skip the cross-validation (faster)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from models.evaluate import format_report
    from models.train import train, training_embedder

    summary = train(evaluate=not args.no_eval, embedder=training_embedder(settings.vector_cache))
    print(f"weights written to {summary['weights']}; rows: {summary['examples']}", file=sys.stderr)
    if "report" in summary:
        sys.stdout.write(format_report(summary["report"]) + "\n")
    return 0
