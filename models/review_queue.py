"""Which labels a maintainer should review first: the doubt of each model-made action area.

Three signs of doubt, each in [0, 1], mixed by DOUBT_WEIGHTS:
- `margin`: 1 − (top probability − second probability): the model hesitates between two areas;
- `versions`: the paragraph's language versions were labelled with different areas on their own;
- `novelty`: 1 − the cosine to the nearest labelled mandate (training rows and reviewed labels): nothing
  like it was ever labelled, so the model extrapolates.
The service ranks indexed mandates with it (GET /v1/review-queue); `eval --review-simulation` ranks a
held-out session's mandates with the same function.
"""

from __future__ import annotations

import numpy as np

DOUBT_WEIGHTS = {"margin": 0.5, "versions": 0.2, "novelty": 0.3}


def margins(proba: np.ndarray) -> np.ndarray:
    """Top probability minus the second, per row."""
    proba = np.asarray(proba, dtype=np.float64)
    if proba.shape[1] < 2:
        return np.ones(len(proba))
    top2 = np.sort(proba, axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0]


def novelty(vectors: np.ndarray, labelled: np.ndarray | None) -> np.ndarray:
    """1 − the largest cosine of each (unit) vector to the labelled (unit) vectors; 0.5 when none are known."""
    if labelled is None or not len(labelled) or vectors is None or not len(vectors):
        return np.full(0 if vectors is None else len(vectors), 0.5)
    nearest = np.zeros(len(vectors))
    labelled = np.asarray(labelled, dtype=np.float32)
    for start in range(0, len(vectors), 1024):  # bounded memory for a large index
        block = np.asarray(vectors[start:start + 1024], dtype=np.float32) @ labelled.T
        nearest[start:start + 1024] = block.max(axis=1)
    return np.clip(1.0 - nearest, 0.0, 1.0)


def doubt(proba: np.ndarray, vectors: np.ndarray | None = None, labelled: np.ndarray | None = None,
          disagree: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Each row's doubt (`doubt`) and its three signs (`margin`, `versions`, `novelty`) as arrays."""
    n = len(proba)
    margin = margins(proba)
    versions = np.zeros(n) if disagree is None else np.asarray(disagree, dtype=np.float64)
    new = novelty(vectors, labelled) if vectors is not None else np.full(n, 0.5)
    score = (DOUBT_WEIGHTS["margin"] * (1.0 - margin) + DOUBT_WEIGHTS["versions"] * versions
             + DOUBT_WEIGHTS["novelty"] * new)
    return {"doubt": score, "margin": margin, "versions": versions, "novelty": new}
