"""Rebuild the training set, the shipped weights and the model card's figures (`unea-mandates train`)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from models.classifiers import DEFAULT_CONFIG, WEIGHTS_DIR, FeatureConfig, train_classifier
from models.embedders import CachedEmbedder, Embedder, UseEmbedder
from models.evaluate import cross_validate, format_report, prototype_texts, sample_weights
from models.training_data import (
    DATA_DIR,
    Example,
    annex_iv_examples,
    build_training_set,
    guideline_examples,
    rule_actor_examples,
    write_training_set,
)

MODEL_CARD = Path(__file__).resolve().parent / "MODEL_CARD.md"
EVAL_REPORT = DATA_DIR / "eval_report.json"
_FIGURES_START = "<!-- figures:start (written by `unea-mandates train`) -->"
_FIGURES_END = "<!-- figures:end -->"


def all_examples() -> list[Example]:
    """Annex II + English pairs + area descriptions + rule-labelled English actors + the guideline-labelled
    English mandates + the seed's Annex IV."""
    return build_training_set() + rule_actor_examples() + guideline_examples() + annex_iv_examples()


def training_embedder(cache_path: Path | None = None) -> Embedder:
    """A fresh encoder (training runs apart from the service), its vectors cached in `cache_path`
    when given (the CLI passes its home's cache file), else in memory."""
    return CachedEmbedder(UseEmbedder(), cache_path=cache_path)


def train(
    weights_dir: Path = WEIGHTS_DIR,
    evaluate: bool = True,
    config: FeatureConfig = DEFAULT_CONFIG,
    embedder: Embedder | None = None,
    reviewed: Sequence[Example] = (),
) -> dict:
    """Fit on every example, save the weights, and (by default) cross-validate and update the card.
    `reviewed`: maintainers' reviewed labels (models.training_data.reviewed_examples), extra rows."""
    embedder = embedder or training_embedder()
    examples = all_examples() + list(reviewed)
    write_training_set(examples)
    vectors = embedder.encode([e.text for e in examples])
    model = train_classifier(
        [e.text for e in examples], [e.action_area for e in examples], [e.actor for e in examples],
        prototype_texts(examples), embedder, config, sample_weight=sample_weights(examples), embeddings=vectors,
    )
    counts = Counter(e.origin for e in examples)
    model.meta.update({
        "trained": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "examples": dict(counts),
    })
    model.save(weights_dir)
    summary: dict = {"weights": str(weights_dir), "examples": dict(counts)}
    if evaluate:
        report = cross_validate(examples, embedder, config)
        EVAL_REPORT.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        update_model_card(report, counts)
        summary["report"] = report
    return summary


def update_model_card(report: dict, counts: Counter, card: Path = MODEL_CARD) -> None:
    """Replace the figures block of the model card with this run's cross-validation tables."""
    block = "\n".join([
        _FIGURES_START,
        f"Run {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}; training rows by origin: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ".",
        "",
        "```",
        format_report(report),
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
