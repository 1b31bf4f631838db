"""Rebuild the training set, the shipped weights and the model card's figures (`unea-mandates train`)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from extractors.schema import ACTION_AREAS
from models.calibration import UNCERTAIN_MARGIN
from models.classifiers import DEFAULT_CONFIG, WEIGHTS_DIR, FeatureConfig, train_classifier
from models.embedders import CachedEmbedder, Embedder, UseEmbedder
from models.evaluate import cross_validate, format_report, prototype_texts, sample_weights
from models.evaluate_questions import Corpus, ask_all, format_questions, known_mandate, session_of
from models.precedents import PrecedentSet
from models.training_data import (
    DATA_DIR,
    Example,
    annex_iv_examples,
    build_training_set,
    guideline_examples,
    guideline_un_examples,
    rule_actor_examples,
    write_training_set,
)

MODEL_CARD = Path(__file__).resolve().parent / "MODEL_CARD.md"
EVAL_REPORT = DATA_DIR / "eval_report.json"
_FIGURES_START = "<!-- figures:start (written by `unea-mandates train`) -->"
_FIGURES_END = "<!-- figures:end -->"


# The seed's Annex IV (what each chemicals MEA does, by area) was tried as training text and lowered both
# figures (MODEL_CARD.md, fourth round): it stays readable (annex_iv_examples) but out of training.
ANNEX_IV_IN_TRAINING = False


def all_examples(annex_iv: bool = ANNEX_IV_IN_TRAINING) -> list[Example]:
    """Annex II + English pairs + area descriptions + rule-labelled English actors + the guideline-labelled
    English mandates + the guideline-labelled GA and UN Parallel mandates (+ the seed's Annex IV when asked)."""
    rows = build_training_set() + rule_actor_examples() + guideline_examples() + guideline_un_examples()
    return rows + annex_iv_examples() if annex_iv else rows


def training_embedder(cache_path: Path | None = None) -> Embedder:
    """A fresh encoder (training runs apart from the service), its vectors cached in `cache_path`
    when given (the CLI passes its home's cache file), else in memory."""
    return CachedEmbedder(UseEmbedder(), cache_path=cache_path)


def examples_without_session(examples: list[Example], session: int | None) -> list[Example]:
    """Every example except those of UNEA-`session` (Annex II bullets, English pairs, guideline labels and
    rule-labelled actors of its resolutions); descriptions and Annex IV belong to no session and stay."""
    if session is None:
        return examples
    return [e for e in examples if session_of(e.group) != session]


def fit_confidence(examples: list[Example], embedder: Embedder, config: FeatureConfig) -> dict:
    """Temperature and multi-area threshold from pooled out-of-fold probabilities (Annex II folds + the
    guideline set's folds), and the known-mandate threshold from the English pairs."""
    from models.calibration import apply_temperature, best_threshold, fit_temperature
    from models.evaluate import fold_plan, listed_areas
    from models.training_data import guideline_areas

    corpus = Corpus.of(examples, embedder)
    probas, gold, sets = [], [], []
    names: list[str] = []
    new_rows: list[int] = []
    new_area: list[str] = []
    annex_groups = {e.group for e in examples if e.origin == "annex_ii"}
    for origin in ("annex_ii", "guideline"):
        target = corpus.rows(lambda e, origin=origin: e.origin == origin)
        if not target:
            continue
        rows = [corpus.examples[i] for i in target]
        proba, _ = corpus.out_of_fold(target, fold_plan([e.group for e in rows]).test_groups, config)
        listed = listed_areas(rows) if origin == "annex_ii" else {
            t: set(a) for t, a in guideline_areas().items()}
        probas.append(proba)
        names.append("annex_ii_zh_macro_f1" if origin == "annex_ii" else "guideline_en_macro_f1")
        if origin == "guideline":  # mandates UNEP never placed: what the precedent rule would do to them
            keep = [k for k, e in enumerate(rows) if e.group not in annex_groups]
            new_rows = [target[k] for k in keep]
            new_area = [ACTION_AREAS[int(proba[k].argmax())] for k in keep]
        gold += [ACTION_AREAS.index(e.action_area) for e in rows]
        sets += [{ACTION_AREAS.index(a) for a in listed.get(e.text, {e.action_area})} for e in rows]
    proba = np.vstack(probas)
    held = _held_figures(names, probas, gold)
    temperature = fit_temperature(proba, gold)
    threshold = best_threshold(apply_temperature(proba, temperature), sets, len(ACTION_AREAS))
    out = {"area_calibration": {"temperature": temperature, "threshold": threshold, "margin": UNCERTAIN_MARGIN,
                                "fitted_on": f"out-of-fold probabilities of {len(gold)} rows (Annex II + guideline)"},
           "held_figures": held}
    if corpus.rows(lambda e: e.origin == "en_pair"):
        out["precedent_threshold"] = known_mandate(corpus, config, new_rows, new_area)["threshold_on_all_pairs"]
    return out


def _held_figures(names: list[str], probas: list[np.ndarray], gold: list[int]) -> dict[str, float]:
    """Macro-F1 of the out-of-fold top area on the Annex II rows (UNEP's labels) and the guideline rows: what a
    retrained release is judged by (models.releases.not_worse). Same folds as `eval`'s."""
    from models.evaluate import scores_for

    out, start = {}, 0
    for name, proba in zip(names, probas, strict=True):
        rows = gold[start:start + len(proba)]
        start += len(proba)
        predicted = [ACTION_AREAS[int(k)] for k in proba.argmax(axis=1)]
        out[name] = float(scores_for([ACTION_AREAS[g] for g in rows], predicted, ACTION_AREAS)["macro_f1"])
    return out


def precedent_set(examples: list[Example], embedder: Embedder, threshold: float) -> PrecedentSet:
    rows = [e for e in examples if e.origin == "annex_ii"]
    return PrecedentSet.of([e.text for e in rows], [e.action_area for e in rows],
                           [f"UNEP/EA.4/3 Annex II, resolution {e.group} ({e.action_area})" for e in rows],
                           embedder.encode([e.text for e in rows]), threshold)


def train(
    weights_dir: Path = WEIGHTS_DIR,
    evaluate: bool = True,
    config: FeatureConfig = DEFAULT_CONFIG,
    embedder: Embedder | None = None,
    reviewed: Sequence[Example] = (),
    exclude_session: int | None = None,
    report: bool = True,
) -> dict:
    """Fit on every example (minus one session's when asked), calibrate, save the weights, and (by default)
    cross-validate. The shipped weights update the model card; weights elsewhere get a card beside them.
    `reviewed`: maintainers' reviewed labels (models.training_data.reviewed_examples), extra rows.
    `report=False`: calibrate (and measure the held figures) but skip the full evaluation (a retrain)."""
    report_wanted = report
    embedder = embedder or training_embedder()
    examples = examples_without_session(all_examples() + list(reviewed), exclude_session)
    shipped = weights_dir.resolve() == WEIGHTS_DIR.resolve()
    if shipped:
        write_training_set(examples)
    vectors = embedder.encode([e.text for e in examples])
    model = train_classifier(
        [e.text for e in examples], [e.action_area for e in examples], [e.actor for e in examples],
        prototype_texts(examples), embedder, config, sample_weight=sample_weights(examples), embeddings=vectors,
    )
    # Calibration and the precedent threshold are chosen by cross-validation: `evaluate=False` (--no-eval)
    # skips them, and the weights say so (identity temperature, top area only, no precedents).
    confidence = fit_confidence(examples, embedder, config) if evaluate else {
        "area_calibration": {"temperature": 1.0, "threshold": 1.01, "margin": UNCERTAIN_MARGIN,
                             "fitted_on": "nothing: trained with --no-eval (no cross-validation)"}}
    if "precedent_threshold" in confidence:
        model.precedents = precedent_set(examples, embedder, confidence["precedent_threshold"])
    counts = Counter(e.origin for e in examples)
    model.meta.update({
        "trained": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "examples": dict(counts),
        "excluded_session": exclude_session,
        "area_calibration": confidence["area_calibration"],
        "held_figures": confidence.get("held_figures", {}),
        "reviewed_rows": counts.get("reviewed", 0),
    })
    model.save(weights_dir)
    summary: dict = {"weights": str(weights_dir), "examples": dict(counts), "confidence": confidence}
    report = None
    if evaluate and report_wanted:
        keep: dict = {}
        report = cross_validate(examples, embedder, config, keep_proba=keep)
        report["questions"] = ask_all(examples, embedder, config, keep, report["folds"])
        summary["report"] = report
    if shipped:
        if report is not None:
            EVAL_REPORT.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=float), encoding="utf-8")
            update_model_card(report, counts)
    else:
        write_side_card(weights_dir, counts, exclude_session, confidence, report)
    return summary


def write_side_card(directory: Path, counts: Counter, exclude_session: int | None, confidence: dict,
                    report: dict | None) -> Path:
    """MODEL_CARD.md beside weights written with --out: what they were trained on and without."""
    lines = [
        "# Model card (weights trained with `unea-mandates train --out`)",
        "",
        f"Trained {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')} by models/train.py, same features and "
        "settings as the shipped model (models/MODEL_CARD.md).",
        "",
        (f"**Excluded: every row of UNEA-{exclude_session}** (its Annex II bullets, English pairs, guideline "
         "labels and rule-labelled actors); no training source holds a row of that session."
         if exclude_session is not None else "No session excluded."),
        "",
        "Training rows by origin: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ".",
        f"Calibration: {confidence['area_calibration']}; known-mandate threshold: "
        f"{confidence.get('precedent_threshold', 'none (no English pairs in training: precedents off)')}.",
    ]
    if report is not None:
        lines += ["", "```", format_report(report), format_questions(report["questions"]), "```"]
    path = directory / "MODEL_CARD.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def update_model_card(report: dict, counts: Counter, card: Path = MODEL_CARD) -> None:
    """Replace the figures block of the model card with this run's cross-validation tables."""
    block = "\n".join([
        _FIGURES_START,
        f"Run {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}; training rows by origin: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ".",
        "",
        "```",
        format_report(report),
        format_questions(report.get("questions") or {}),
        "```",
        _FIGURES_END,
    ])
    text = card.read_text(encoding="utf-8") if card.exists() else f"# Model card\n\n{_FIGURES_START}\n{_FIGURES_END}\n"
    pattern = re.compile(re.escape(_FIGURES_START) + r".*?" + re.escape(_FIGURES_END), re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text + "\n" + block + "\n"
    card.write_text(text, encoding="utf-8")


def train_without(groups: set[str], embedder: Embedder, config: FeatureConfig = DEFAULT_CONFIG):
    """The shipped recipe fitted without the examples of these resolutions (their Annex II rows and
    English pairs): a model that has never seen them, for evaluating on them. Not saved."""
    examples = [e for e in all_examples() if e.group not in groups]
    return train_classifier(
        [e.text for e in examples], [e.action_area for e in examples], [e.actor for e in examples],
        prototype_texts(examples), embedder, config, sample_weight=sample_weights(examples),
    )
