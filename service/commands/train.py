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
    parser.add_argument("--no-eval", action="store_true", help="skip the cross-validation (faster; the weights "
                        "are then not calibrated and use no precedents)")
    parser.add_argument("--exclude-session", type=int, metavar="N",
                        help="leave out every training row of UNEA-N (all sources); needs --out")
    parser.add_argument("--out", metavar="DIR", help="write the weights (and a model card) to DIR instead of "
                        "the shipped models/weights")
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
    from models.classifiers import WEIGHTS_DIR
    from models.evaluate import format_report
    from models.evaluate_questions import format_questions
    from models.train import train, training_embedder

    if args.exclude_session is not None and not args.out:
        print("train: --exclude-session needs --out DIR (the shipped weights keep every session)", file=sys.stderr)
        return 2
    if args.exclude_session is not None and args.exclude_session < 1:
        print(f"train: --exclude-session {args.exclude_session}: a session is 1, 2, 3, …", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else WEIGHTS_DIR
    if out.exists() and not out.is_dir():
        print(f"train: --out {out}: not a directory", file=sys.stderr)
        return 2
    try:
        reviewed = reviewed_rows(args, settings)
    except (OSError, ValueError, TypeError) as exc:
        print(f"unea-mandates train: reviewed labels: {exc}", file=sys.stderr)
        return 2
    summary = train(
        weights_dir=out, evaluate=not args.no_eval, embedder=training_embedder(settings.vector_cache),
        reviewed=reviewed, exclude_session=args.exclude_session,
    )
    print(f"weights written to {summary['weights']}; rows: {summary['examples']}", file=sys.stderr)
    if "report" in summary:
        sys.stdout.write(format_report(summary["report"]) + "\n")
        sys.stdout.write(format_questions(summary["report"]["questions"]) + "\n")
    return 0
