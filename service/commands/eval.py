"""`unea-mandates eval [--format table|jsonl]`: grouped cross-validation beside the baselines."""

from __future__ import annotations

import argparse
import json
import sys

from service.settings import Settings


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval", help="accuracy, macro-F1 and confusion per language and label, grouped CV by resolution"
    )
    parser.add_argument("--format", choices=("table", "jsonl"), default="table")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-english-pairs", action="store_true", help="train without the EN pairs")
    parser.add_argument(
        "--plan", action="store_true", help="the drafted plan of 2/8, 2/9, 2/11 against the seed's Annex II"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.plan:
        return _plan(args, settings)
    from models.evaluate import cross_validate, format_report
    from models.train import all_examples, training_embedder

    print("cross-validating (a minute or two)…", file=sys.stderr)
    report = cross_validate(
        all_examples(), training_embedder(settings.vector_cache), n_splits=args.folds, use_english=not args.no_english_pairs
    )
    if args.format == "jsonl":
        for language, parts in report["languages"].items():
            for head, systems in parts.items():
                if head == "origin":
                    continue
                for system, scores in systems.items():
                    sys.stdout.write(
                        json.dumps(
                            {"language": language, "label": head, "system": system, **scores},
                            ensure_ascii=False,
                        )
                        + "\n"
                    )
    else:
        sys.stdout.write(format_report(report) + "\n")
    return 0


def _plan(args: argparse.Namespace, settings: Settings) -> int:
    from models.train import train_without
    from service.usecases.plan_eval import ANNEX_II_RESOLUTIONS, evaluate_draft, format_evaluations
    from service.usecases.services import Services

    with Services(settings) as services:
        embedder = services.embedder
        shipped = evaluate_draft("shipped classifier", services.classifier.label, embedder)
        print("refitting the classifier without " + ", ".join(ANNEX_II_RESOLUTIONS) + " (half a minute)…",
              file=sys.stderr)  # fmt: skip
        held_out = train_without(set(ANNEX_II_RESOLUTIONS), embedder)
        fair = evaluate_draft("without 2/8, 2/9, 2/11", held_out.label, embedder)
    if args.format == "jsonl":
        for evaluation in (shipped, fair):
            sys.stdout.write(json.dumps(evaluation.figures(), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(format_evaluations([shipped, fair]) + "\n")
    return 0
