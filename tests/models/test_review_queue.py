"""The doubt of a model-made label (models.review_queue) on real mandates and the shipped classifier's own
probabilities and labelled vectors; the most-confident calibration figure (models.calibration)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from models import calibration
from models.review_queue import DOUBT_WEIGHTS, doubt, margins, novelty

REPO = Path(__file__).resolve().parents[2]
TO_LABEL = REPO / "models" / "data" / "en_mandates_to_label.jsonl"


def _texts(n: int = 60) -> list[str]:
    rows = [json.loads(line) for line in TO_LABEL.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["text"] for r in rows[:n]]


def test_the_shipped_classifier_keeps_the_vectors_it_learnt_from(shipped_classifier) -> None:
    labelled = shipped_classifier.labelled_vectors
    assert labelled is not None and labelled.dtype == np.float16
    assert len(labelled) > 1000 and labelled.shape[1] == shipped_classifier.features.prototypes.shape[1]
    assert np.allclose(np.linalg.norm(labelled.astype(np.float32), axis=1), 1.0, atol=0.01)


def test_a_labelled_text_is_not_new_and_an_unrelated_one_is(shipped_classifier) -> None:
    features = shipped_classifier.features
    seen = _texts(5)  # bundled English mandates: every one is a guideline-labelled training row
    unseen = ["The football season opens on Saturday with three home matches and a concert in the park."]
    vectors = features.span_vectors(seen + unseen)
    new = novelty(vectors, shipped_classifier.labelled_vectors)
    assert (new[:5] < 0.02).all(), new
    assert new[5] > 0.3


def test_doubt_ranks_a_close_call_above_a_sure_one(shipped_classifier) -> None:
    texts = _texts()
    predictions = shipped_classifier.predict(texts)
    proba = np.array([[p.scores[a] for a in p.scores] for p in predictions])
    signs = doubt(proba)
    gap = margins(proba)
    assert np.isclose(signs["doubt"], DOUBT_WEIGHTS["margin"] * (1 - gap) + DOUBT_WEIGHTS["novelty"] * 0.5).all()
    assert signs["doubt"][int(gap.argmin())] == signs["doubt"].max()
    # a language-version disagreement raises the doubt by its weight
    flagged = doubt(proba, disagree=np.ones(len(proba)))["doubt"]
    assert np.allclose(flagged - signs["doubt"], DOUBT_WEIGHTS["versions"])


def test_the_most_confident_fifth_has_its_own_calibration_figure() -> None:
    # 10 answers: the two most confident (0.95, 0.9) are one right, one wrong
    proba = np.array([[c, 1 - c] for c in (0.95, 0.9, 0.8, 0.7, 0.6, 0.6, 0.55, 0.55, 0.5, 0.5)])
    gold = [0, 1, 0, 0, 0, 1, 0, 1, 0, 1]
    top = calibration.most_confident(proba, gold)
    assert top["n"] == 2 and top["accuracy"] == 0.5 and top["confidence"] == 0.925
    assert top["ece"] > 0.4  # 0.95 and 0.9 sure, half right
    assert calibration.reliability(proba, gold)["most_confident"] == top
