"""Probabilities that mean what they say, several areas per mandate, and an `uncertain` flag.

All three are read off out-of-fold probabilities (grouped cross-validation by resolution, never the rows
a model was fitted on):
- temperature scaling (one scalar T: p = softmax(log p / T)), fitted by minimising the log-loss of the
  out-of-fold probabilities (scipy's bounded scalar minimiser); it keeps the argmax, so the area never
  changes, only how sure the model says it is;
- `action_areas`: every area whose calibrated probability is at least a threshold chosen to maximise the
  mean per-mandate F1 of the predicted set against the listed areas (the top area is always in);
- `uncertain`: the top two calibrated probabilities are less than `margin` apart.
The expected calibration error (ECE) and the reliability table use equal-width bins of the top probability.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

THRESHOLDS = tuple(round(float(x), 2) for x in np.arange(0.10, 0.61, 0.05))
UNCERTAIN_MARGIN = 0.15  # top-two gap (calibrated) under which a label is flagged; fixed before measuring


def apply_temperature(proba: np.ndarray, temperature: float) -> np.ndarray:
    logits = np.log(np.clip(proba, 1e-12, 1.0)) / max(temperature, 1e-6)
    logits -= logits.max(axis=1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(proba: np.ndarray, gold: Sequence[int]) -> float:
    from scipy.optimize import minimize_scalar

    gold = np.asarray(gold)

    def loss(t: float) -> float:
        p = apply_temperature(proba, t)
        return float(-np.log(np.clip(p[np.arange(len(gold)), gold], 1e-12, 1.0)).mean())

    return round(float(minimize_scalar(loss, bounds=(0.05, 10.0), method="bounded").x), 4)


def reliability(proba: np.ndarray, gold: Sequence[int], bins: int = 10) -> dict:
    """ECE and the reliability table (per bin of top probability: count, mean confidence, accuracy)."""
    gold = np.asarray(gold)
    conf = proba.max(axis=1)
    right = proba.argmax(axis=1) == gold
    edges = np.linspace(0.0, 1.0, bins + 1)
    table, ece = [], 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        inside = (conf > lo) & (conf <= hi) if lo > 0 else (conf >= lo) & (conf <= hi)
        if not inside.any():
            continue
        c, a = float(conf[inside].mean()), float(right[inside].mean())
        ece += inside.sum() / len(conf) * abs(c - a)
        table.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": int(inside.sum()), "confidence": round(c, 3),
                      "accuracy": round(a, 3)})
    return {"ece": round(float(ece), 3), "table": table, "most_confident": most_confident(proba, gold)}


def most_confident(proba: np.ndarray, gold: Sequence[int], share: float = 0.2, bins: int = 10) -> dict:
    """The answers a reader trusts most: the `share` most confident ones, their mean confidence, accuracy and
    ECE (equal-width bins of their own top probability). A well-calibrated whole can hide an overconfident top."""
    gold = np.asarray(gold)
    conf = proba.max(axis=1)
    n = max(1, int(round(len(conf) * share)))
    top = np.argsort(-conf, kind="stable")[:n]
    c, right = conf[top], proba[top].argmax(axis=1) == gold[top]
    edges = np.linspace(c.min(), c.max() + 1e-9, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        inside = (c >= lo) & (c < hi)
        if inside.any():
            ece += inside.sum() / n * abs(float(c[inside].mean()) - float(right[inside].mean()))
    return {"share": share, "n": n, "confidence": round(float(c.mean()), 3), "accuracy": round(float(right.mean()), 3),
            "ece": round(float(ece), 3)}


def area_sets(proba: np.ndarray, threshold: float, margin: float | None = None) -> list[set[int]]:
    """Every area at or above the threshold; the top area always; with `margin`, the second area too where
    the top two are closer than it (an uncertain label names both candidates, not one)."""
    out = [set(np.flatnonzero(row >= threshold)) | {int(row.argmax())} for row in proba]
    if margin is not None and proba.shape[1] > 1:
        close = uncertain(proba, margin)
        for i in np.flatnonzero(close):
            out[i].add(int(np.argsort(proba[i])[-2]))
    return out


def multilabel_scores(predicted: Sequence[set[int]], gold: Sequence[set[int]], n_labels: int) -> dict:
    """Mean per-mandate F1 and Jaccard, exact-set accuracy, and micro/macro F1 over the label columns."""
    from sklearn.metrics import f1_score

    def f1(p: set[int], g: set[int]) -> float:
        return 2 * len(p & g) / (len(p) + len(g)) if p or g else 1.0

    P = np.zeros((len(gold), n_labels), dtype=int)
    G = np.zeros_like(P)
    for i, (p, g) in enumerate(zip(predicted, gold, strict=True)):
        P[i, list(p)] = 1
        G[i, list(g)] = 1
    return {
        "n": len(gold),
        "sample_f1": round(float(np.mean([f1(p, g) for p, g in zip(predicted, gold, strict=True)])), 3),
        "jaccard": round(float(np.mean([len(p & g) / len(p | g) for p, g in zip(predicted, gold, strict=True)])), 3),
        "exact_set": round(float(np.mean([p == g for p, g in zip(predicted, gold, strict=True)])), 3),
        "micro_f1": round(float(f1_score(G, P, average="micro", zero_division=0)), 3),
        "macro_f1": round(float(f1_score(G, P, average="macro", zero_division=0)), 3),
        "mean_areas_predicted": round(float(P.sum(axis=1).mean()), 2),
        "mean_areas_gold": round(float(G.sum(axis=1).mean()), 2),
    }


def best_threshold(proba: np.ndarray, gold: Sequence[set[int]], n_labels: int) -> float:
    scores = {t: multilabel_scores(area_sets(proba, t), gold, n_labels)["sample_f1"] for t in THRESHOLDS}
    return float(max(scores, key=lambda t: (scores[t], t)))


def uncertain(proba: np.ndarray, margin: float = UNCERTAIN_MARGIN) -> np.ndarray:
    top2 = np.sort(proba, axis=1)[:, -2:]
    return (top2[:, 1] - top2[:, 0]) < margin


def uncertain_scores(proba: np.ndarray, gold: Sequence[int], margin: float = UNCERTAIN_MARGIN) -> dict:
    """How many labels the flag marks, and how often flagged vs unflagged labels are right."""
    flag = uncertain(proba, margin)
    right = proba.argmax(axis=1) == np.asarray(gold)
    return {
        "margin": margin,
        "flagged": int(flag.sum()),
        "share_flagged": round(float(flag.mean()), 3),
        "accuracy_flagged": round(float(right[flag].mean()), 3) if flag.any() else None,
        "accuracy_unflagged": round(float(right[~flag].mean()), 3) if (~flag).any() else None,
    }


def cross_fitted(proba: np.ndarray, gold: Sequence[int], gold_sets: Sequence[set[int]], groups: Sequence[str],
                 n_labels: int, margin: float | None = UNCERTAIN_MARGIN) -> dict:
    """Temperature and threshold chosen on the other folds' out-of-fold rows, applied to each fold's rows
    (so neither is picked on the rows it is scored on). Returns calibrated probabilities and the sets (as
    the service makes them: with the second area of an uncertain label, `margin`)."""
    groups = np.asarray(groups)
    gold = np.asarray(gold)
    out = np.zeros_like(proba)
    sets: list[set[int]] = [set()] * len(gold)
    for g in np.unique(groups):
        here = groups == g
        t = fit_temperature(proba[~here], gold[~here])
        calibrated_rest = apply_temperature(proba[~here], t)
        threshold = best_threshold(calibrated_rest, [gold_sets[i] for i in np.flatnonzero(~here)], n_labels)
        out[here] = apply_temperature(proba[here], t)
        for i, s in zip(np.flatnonzero(here), area_sets(out[here], threshold, margin), strict=True):
            sets[i] = s
    return {"proba": out, "sets": sets}
