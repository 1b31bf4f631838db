"""`unea-mandates eval [--format table|jsonl] [--aligned PATH] [--agreement-only]`: grouped cross-validation
beside the baselines, and the cross-language agreement of the labels on aligned lines."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from service.commands.train import add_reviewed_options, reviewed_rows
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
    parser.add_argument("--aligned", default=None, help="sentence-aligned JSONL (document + ar/en/es/fr/ru/zh): "
                        "cross-language agreement of the labels on its operative lines (default: "
                        "../shared/corpus/un-parallel/un-parallel-sample.jsonl beside the repository, when there)")
    parser.add_argument("--agreement-only", action="store_true", help="only the cross-language agreement")
    parser.add_argument("--review-simulation", action="store_true",
                        help="a maintainer reviewing a session the model never saw: macro-F1 on the rest of it "
                        "after k = 0, 10, 25, 50 reviewed labels, review-queue order against random order "
                        "(leave-one-session-out, guideline labels as the oracle; two minutes)")
    add_reviewed_options(parser)
    parser.set_defaults(func=run)


def _aligned_path(args: argparse.Namespace) -> Path | None:
    if args.aligned:
        return Path(args.aligned)
    default = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "un-parallel" / "un-parallel-sample.jsonl"
    return default if default.exists() else None


def _agreement(args: argparse.Namespace) -> int:
    """The same operative paragraph in the six languages: do the labels agree with the English version?"""
    from models.classifiers import get_default_classifier
    from service.usecases.language_agreement import aligned_agreement, format_agreement

    path = _aligned_path(args)
    if path is None or not path.exists():
        print(f"unea-mandates eval: no aligned file ({args.aligned or 'none found'}); give --aligned PATH", file=sys.stderr)
        return 2
    result = aligned_agreement(path, get_default_classifier())
    if args.format == "jsonl":
        for language, labels in result.agree.items():
            sys.stdout.write(json.dumps({"agreement_with": "en", "language": language, "lines": result.lines,
                                         **{k: round(v / result.lines, 4) for k, v in labels.items()},
                                         "all_labels": round(result.agree_all_labels[language] / result.lines, 4)})
                             + "\n")
    else:
        sys.stdout.write(f"\n{format_agreement(result)}\n")
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.plan:
        return _plan(args, settings)
    if args.agreement_only:
        return _agreement(args)
    if args.review_simulation:
        return _review_simulation(args, settings)
    from models.evaluate import cross_validate, format_report
    from models.evaluate_questions import ask_all, format_questions
    from models.train import all_examples, training_embedder

    try:
        reviewed = reviewed_rows(args, settings)
    except (OSError, ValueError, TypeError) as exc:
        print(f"unea-mandates eval: reviewed labels: {exc}", file=sys.stderr)
        return 2
    print("cross-validating (a minute or two)…", file=sys.stderr)
    examples, embedder, keep = all_examples(), training_embedder(settings.vector_cache), {}
    report = cross_validate(examples, embedder, n_splits=args.folds, use_english=not args.no_english_pairs,
                            keep_proba=keep)
    # guideline-set CV, leave-one-session-out, known mandate, calibration / multi-label / uncertain
    questions = ask_all(examples, embedder, annex_proba=keep, annex_folds=report["folds"])
    with_reviewed = None
    if reviewed:  # the same folds again, the reviewed rows added to each fold's training rows
        print(f"… and again with {len(reviewed)} reviewed labels", file=sys.stderr)
        with_reviewed = cross_validate(
            examples + reviewed, embedder, n_splits=args.folds, use_english=not args.no_english_pairs
        )
    if args.format == "jsonl":
        for language, parts in report["languages"].items():
            for head in ("action_area", "actor"):
                for system, scores in parts[head].items():
                    sys.stdout.write(
                        json.dumps(
                            {"language": language, "label": head, "system": system, **scores},
                            ensure_ascii=False,
                        )
                        + "\n"
                    )
        if with_reviewed is not None:
            for line in reviewed_comparison(report, with_reviewed, len(reviewed)):
                sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        for name, value in questions.items():
            sys.stdout.write(json.dumps({"question": name, **value}, ensure_ascii=False, default=float) + "\n")
    else:
        sys.stdout.write(format_report(report) + "\n")
        sys.stdout.write(format_questions(questions) + "\n")
        sys.stdout.write(format_reviewed(report, with_reviewed, len(reviewed)) + "\n")
    if _aligned_path(args) is not None:
        return _agreement(args)
    return 0


def _review_simulation(args: argparse.Namespace, settings: Settings) -> int:
    from models.review_simulation import format_simulation, simulate
    from models.train import all_examples, training_embedder

    print("simulating review of each held-out session (two minutes)…", file=sys.stderr)
    report = simulate(all_examples(), training_embedder(settings.vector_cache))
    if args.format == "jsonl":
        for session, out in report["sessions"].items():
            for k in report["ks"]:
                sys.stdout.write(json.dumps({"question": "review_simulation", "session": int(session), "n": out["n"],
                                             "k": k, **out[str(k)]}) + "\n")
        for k, row in report["mean"].items():
            sys.stdout.write(json.dumps({"question": "review_simulation", "session": "mean", "k": int(k), **row}) + "\n")
        sys.stdout.write(json.dumps({"question": "review_simulation", "retrain_seconds_median":
                                     report["retrain_seconds_median"]}) + "\n")
    else:
        sys.stdout.write(format_simulation(report) + "\n")
    return 0


def _plan(args: argparse.Namespace, settings: Settings) -> int:
    from models.train import train_without
    from service.usecases.plan_eval import (
        ANNEX_II_RESOLUTIONS,
        evaluate_draft,
        format_bullet_figures,
        format_evaluations,
        session_bullet_figures,
    )
    from service.usecases.services import Services

    with Services(settings) as services:
        embedder = services.embedder
        shipped = evaluate_draft("shipped classifier", services.classifier.label, embedder)
        print("drafting every bundled session's plan (bullet length, broken, repeated)…", file=sys.stderr)
        bullets = session_bullet_figures(services.classifier.label)
        print("refitting the classifier without " + ", ".join(ANNEX_II_RESOLUTIONS) + " (half a minute)…",
              file=sys.stderr)  # fmt: skip
        held_out = train_without(set(ANNEX_II_RESOLUTIONS), embedder)
        fair = evaluate_draft("without 2/8, 2/9, 2/11", held_out.label, embedder)
    if args.format == "jsonl":
        for evaluation in (shipped, fair):
            sys.stdout.write(json.dumps(evaluation.figures(), ensure_ascii=False) + "\n")
        for session, figures in bullets.items():
            sys.stdout.write(json.dumps({"session": session, **figures}, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(format_evaluations([shipped, fair]) + "\n")
        sys.stdout.write(format_bullet_figures(bullets) + "\n")
    return 0


def reviewed_comparison(without: dict, with_reviewed: dict, n: int) -> list[dict]:
    """Per language: the model's area macro-F1 and actor accuracy without and with the reviewed rows."""
    out = []
    for language, parts in without["languages"].items():
        other = with_reviewed["languages"].get(language, {})
        for head, figure in (("action_area", "macro_f1"), ("actor", "accuracy")):
            out.append({
                "language": language, "label": head, "figure": figure, "reviewed_rows": n,
                "without_reviewed": parts[head]["model"].get(figure),
                "with_reviewed": other.get(head, {}).get("model", {}).get(figure),
            })
    return out


def format_reviewed(without: dict, with_reviewed: dict | None, n: int) -> str:
    if with_reviewed is None:
        return "\nreviewed labels: none (nothing to compare; `labels export` / --reviewed FILE add them)"
    from models.training_data import REVIEWED_WEIGHT

    lines = [f"\nreviewed labels: {n} training rows (weight {REVIEWED_WEIGHT}); same folds, the model:"]
    for row in reviewed_comparison(without, with_reviewed, n):
        lines.append(f"  {row['language']:3s} {row['label']:12s} {row['figure']:9s} without {_num(row['without_reviewed'])}"
                     f"  with {_num(row['with_reviewed'])}")
    return "\n".join(lines)


def _num(value: float | None) -> str:
    return "   -  " if value is None else f"{value:.3f}"
