"""Action-area, actor and with-partners classifiers on top of sentence embeddings.

Features (models/features.py; one design for both heads, chosen by grouped cross-validation, see MODEL_CARD.md):
  [character 1–3-gram TF-IDF of the text | span embedding × w_emb | cosine to each area prototype × w_proto]
and a class-weighted multinomial logistic regression. Area prototypes are mean embeddings of the seed's
own descriptions of the five areas (models/training_data.py).

Weights are small plain files (JSON + .npz, no pickle): the TF-IDF vocabulary and idf, the regression
coefficients, and the prototypes. Inference is numpy + scikit-learn's vectoriser; nothing is downloaded.

Actor and with_partners: the mandate's own subject wins ("Requests the Executive Director" → unep,
actor_source="rule", read by extractors.mandates); the actor model only speaks for subject-less texts
(table bullets, draft fragments). with_partners has no labelled data (Annex II marks it by cell colour,
which the text does not keep), so it is the extractor's partner-phrase rule.

Confidence (models.calibration, fitted by `unea-mandates train` on out-of-fold probabilities): `scores` are
temperature-scaled, `action_areas` lists every area above a cross-validated threshold, `uncertain` marks
labels whose top two areas are close. Known mandates (models.precedents): a text close enough to an
Annex II bullet takes UNEP's own label (`action_area_source` "precedent", with the bullet's citation).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

from extractors.readings import RuleReading, read_text, reading_of
from extractors.schema import ACTION_AREAS, Mandate
from models import calibration
from models.embedders import Embedder, get_default_embedder
from models.features import DEFAULT_CONFIG, FeatureConfig, TextFeatures
from models.precedents import Precedent, PrecedentSet

__all__ = ["DEFAULT_CONFIG", "FeatureConfig", "LinearHead", "MandateClassifier", "Prediction", "TextFeatures",
           "WEIGHTS_DIR", "get_default_classifier", "train_classifier"]

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"



@dataclass
class Prediction:
    action_area: str
    scores: dict[str, float]
    actor: str | None
    actor_scores: dict[str, float]
    actor_source: str | None  # "rule" (the text's own subject) or "model"
    actor_text: str | None
    with_partners: bool
    is_mandate: bool | None = None
    extra: dict = field(default_factory=dict)
    action_areas: list[str] = field(default_factory=list)  # every area above the calibrated threshold
    uncertain: bool = False  # top two areas close (calibrated gap < margin)
    action_area_source: str = "model"  # or "precedent"
    precedent: Precedent | None = None


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class LinearHead:
    """A fitted (multinomial or binary) logistic regression kept as plain arrays."""

    classes: list[str]
    coef: np.ndarray  # (n_classes or 1, n_features)
    intercept: np.ndarray
    # column widths of feature blocks → the coefficients' matching columns, transposed (proba_of_parts)
    _slices: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def fit(cls, X, y: Sequence[str], C: float, sample_weight: np.ndarray | None = None) -> LinearHead:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=C, class_weight="balanced", solver="newton-cg", max_iter=500)
        model.fit(X, list(y), sample_weight=sample_weight)
        return cls([str(c) for c in model.classes_], model.coef_.astype(np.float32), model.intercept_.astype(np.float32))

    def proba(self, X) -> np.ndarray:
        return self._proba_of(np.asarray(X @ self.coef.T) + self.intercept)

    def proba_of_parts(self, parts: list) -> np.ndarray:
        """proba() of the column blocks `parts` side by side, without stacking them: the sum of
        each block's product with its columns of the coefficients."""
        widths = tuple(part.shape[1] for part in parts)
        if sum(widths) != self.coef.shape[1]:
            raise ValueError(f"feature blocks of {sum(widths)} columns for a head of {self.coef.shape[1]}")
        slices = self._slices.get(widths)
        if slices is None:
            bounds = np.cumsum((0, *widths))
            slices = [np.ascontiguousarray(self.coef[:, a:b].T) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
            self._slices[widths] = slices
        z = np.zeros((parts[0].shape[0], self.coef.shape[0]), dtype=np.float64) + self.intercept
        for part, block in zip(parts, slices, strict=True):
            z += np.asarray(part @ block)
        return self._proba_of(z)

    def _proba_of(self, z: np.ndarray) -> np.ndarray:
        if len(self.classes) == 2 and self.coef.shape[0] == 1:
            p1 = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.stack([1.0 - p1, p1], axis=1)
        return _softmax(z)


class MandateClassifier:
    """Predicts action area (with a probability per area), actor and with_partners for texts."""

    def __init__(self, features: TextFeatures, area_head: LinearHead, actor_head: LinearHead | None,
                 meta: dict | None = None, precedents: PrecedentSet | None = None,
                 labelled_vectors: np.ndarray | None = None):
        self.features = features
        self.area_head = area_head
        self.actor_head = actor_head
        self.meta = meta or {}
        self.precedents = precedents
        # the span vectors of the rows the area head learnt from: how far a new text is from anything
        # labelled (models.review_queue.novelty); None for weights saved before they were kept
        self.labelled_vectors = labelled_vectors

    @property
    def area_calibration(self) -> dict:
        """temperature / threshold / margin; identity, top area only and the default margin when absent."""
        c = self.meta.get("area_calibration") or {}
        return {"temperature": c.get("temperature", 1.0), "threshold": c.get("threshold", 1.01),
                "margin": c.get("margin", calibration.UNCERTAIN_MARGIN)}

    # --- prediction -------------------------------------------------------------------
    def area_proba(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        X = self.features.transform(texts, embeddings)
        return self._area_columns(self.area_head.proba(self.features.area_transform(texts, X)))

    def actor_proba(self, texts: Sequence[str], X: csr_matrix) -> np.ndarray | None:
        """Actor probabilities (columns in actor_head.classes) from the shared features X of these texts."""
        if self.actor_head is None:
            return None
        return self.actor_head.proba(self.features.actor_transform(texts, X))

    def _area_columns(self, proba: np.ndarray) -> np.ndarray:
        order = [self.area_head.classes.index(a) if a in self.area_head.classes else None for a in ACTION_AREAS]
        out = np.zeros((proba.shape[0], len(ACTION_AREAS)), dtype=np.float64)
        for j, k in enumerate(order):
            if k is not None:
                out[:, j] = proba[:, k]
        return out

    def predict(self, texts: Sequence[str], readings: Sequence[RuleReading] | None = None,
                embeddings: np.ndarray | None = None) -> list[Prediction]:
        """`readings`: what the extractor's rules read off each text (read here when not given);
        `embeddings`: the texts' vectors from this classifier's embedder model, when the caller has them."""
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        if not texts:
            return []
        readings = list(readings) if readings is not None else [read_text(t) for t in texts]
        if embeddings is None:
            embeddings = self.features.embedder.encode(texts)
        parts = self.features.parts(texts, self.features.span_vectors(texts, embeddings), embeddings)
        cal = self.area_calibration
        area = calibration.apply_temperature(
            self._area_columns(self.area_head.proba_of_parts(self.features.area_parts(texts, parts))), cal["temperature"])
        sets = calibration.area_sets(area, cal["threshold"], cal["margin"])
        unsure = calibration.uncertain(area, cal["margin"])
        known = self.precedents.nearest(embeddings) if self.precedents is not None else [None] * len(texts)
        actor_p = (self.actor_head.proba_of_parts(self.features.actor_parts(texts, parts))
                   if self.actor_head is not None else None)
        out = []
        for i, reading in enumerate(readings):
            scores = {a: round(float(area[i, j]), 4) for j, a in enumerate(ACTION_AREAS)}
            ranked = sorted(sets[i], key=lambda j, i=i: -area[i, j])
            top = known[i].action_area if known[i] else ACTION_AREAS[ranked[0]]
            areas = [top] + [ACTION_AREAS[j] for j in ranked if ACTION_AREAS[j] != top]
            rule_actor, actor_text = reading.actor, reading.actor_text
            actor_scores = ({c: round(float(actor_p[i, k]), 4) for k, c in enumerate(self.actor_head.classes)}
                            if actor_p is not None else {})
            if rule_actor is not None:
                actor, source = rule_actor, "rule"
            elif actor_scores:
                actor, source = max(actor_scores, key=actor_scores.get), "model"
            else:
                actor, source = None, None
            out.append(Prediction(
                action_area=top, scores=scores, actor=actor, actor_scores=actor_scores,
                actor_source=source, actor_text=actor_text, with_partners=reading.with_partners,
                action_areas=areas, uncertain=bool(unsure[i]) and known[i] is None,
                action_area_source="precedent" if known[i] else "model", precedent=known[i],
            ))
        return out

    @property
    def embedder_name(self) -> str:
        """The sentence encoder the classifier was fitted on: `embeddings` passed in must be its."""
        return self.features.embedder.name

    def label(self, mandates: list[Mandate], embeddings: np.ndarray | None = None) -> list[Mandate]:
        """Fill what the document and the extractor's rules left open; their labels always win.
        `embeddings`: the mandates' texts' vectors (see predict), when the caller has them."""
        if not mandates:
            return []
        predictions = self.predict([m.text for m in mandates], [reading_of(m) for m in mandates], embeddings)
        out = []
        for m, p in zip(mandates, predictions, strict=True):
            update: dict = {}
            if m.action_area is None:
                update.update(action_area=p.action_area, action_area_source=p.action_area_source,
                              action_areas=p.action_areas, uncertain=p.uncertain,
                              action_area_precedent=p.precedent.citation if p.precedent else None)
            if m.scores is None:
                update["scores"] = p.scores
            if m.actor is None and m.actor_source != "none":  # "none": no addressee could be read, none invented
                if p.actor_source == "rule":
                    update.update(actor=p.actor, actor_source="rule", actor_text=m.actor_text or p.actor_text)
                elif p.actor is not None:
                    update.update(actor=p.actor, actor_source="model", actor_confidence=p.actor_scores.get(p.actor))
            if not m.with_partners and m.actor_source != "document" and p.with_partners:
                update["with_partners"] = True
            out.append(m.model_copy(update=update) if update else m)
        return out

    # --- persistence ---------------------------------------------------------------------
    def save(self, directory: Path = WEIGHTS_DIR) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        meta, arrays = self.features.state()
        heads = {"area": self.area_head, "actor": self.actor_head}
        for name, head in heads.items():
            if head is not None:
                arrays[f"{name}_coef"] = head.coef
                arrays[f"{name}_intercept"] = head.intercept
                meta[f"{name}_classes"] = head.classes
        meta.update(self.meta)
        if self.labelled_vectors is not None:
            arrays["labelled_vectors"] = np.asarray(self.labelled_vectors, dtype=np.float16)
        if self.precedents is not None:
            extra_meta, extra_arrays = self.precedents.state()
            meta.update(extra_meta)
            arrays.update(extra_arrays)
        np.savez_compressed(directory / "classifier.npz", **arrays)
        (directory / "classifier.json").write_text(json.dumps(meta, ensure_ascii=False, indent=0), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path = WEIGHTS_DIR, embedder: Embedder | None = None) -> MandateClassifier:
        meta = json.loads((directory / "classifier.json").read_text(encoding="utf-8"))
        with np.load(directory / "classifier.npz", allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        embedder = embedder or get_default_embedder()
        if meta.get("embedder") and meta["embedder"] != embedder.name:
            raise ValueError(f"weights were trained on {meta['embedder']!r}, not {embedder.name!r}")
        features = TextFeatures.from_state(meta, arrays, embedder)
        area = LinearHead(meta["area_classes"], arrays["area_coef"], arrays["area_intercept"])
        actor = (LinearHead(meta["actor_classes"], arrays["actor_coef"], arrays["actor_intercept"])
                 if "actor_coef" in arrays else None)
        extra = {k: v for k, v in meta.items() if k not in {"terms", "config", "precedents"}}
        return cls(features, area, actor, extra, PrecedentSet.from_state(meta, arrays), arrays.get("labelled_vectors"))


def train_classifier(
    texts: Sequence[str],
    areas: Sequence[str],
    actors: Sequence[str | None],
    prototype_texts: dict[str, list[str]],
    embedder: Embedder,
    config: FeatureConfig = DEFAULT_CONFIG,
    sample_weight: np.ndarray | None = None,
    embeddings: np.ndarray | None = None,
) -> MandateClassifier:
    """Fit features and both heads. Rows whose actor is None train the area head only; rows whose area is
    empty train the actor head only."""
    texts = list(texts)
    features = TextFeatures(config, embedder).fit(texts, prototype_texts)
    if embeddings is None:
        embeddings = embedder.encode(texts)
    X = features.transform(texts, embeddings)
    weights = np.ones(len(texts)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    has_area = np.array([bool(a) for a in areas])  # rule-labelled actor rows carry no area
    X_area = features.area_transform(texts, X)
    area_labels = [a for a in areas if a]
    area_head = LinearHead.fit(X_area[has_area], area_labels, config.C, weights[has_area])
    if config.self_train and (~has_area).any():
        unlabelled = np.flatnonzero(~has_area)
        proba = area_head.proba(X_area[unlabelled])
        sure = proba.max(axis=1) >= config.self_train
        if sure.any():
            pseudo = [area_head.classes[k] for k in proba[sure].argmax(axis=1)]
            rows = np.concatenate([np.flatnonzero(has_area), unlabelled[sure]])
            area_head = LinearHead.fit(X_area[rows], area_labels + pseudo, config.C, weights[rows])
    has_actor = np.array([a is not None for a in actors])
    actor_head = None
    if has_actor.sum() and len({a for a in actors if a}) > 1:
        X_actor = features.actor_transform(texts, X)
        actor_head = LinearHead.fit(X_actor[has_actor], [a for a in actors if a is not None], config.C,
                                    weights[has_actor])
    labelled = features.span_vectors(texts, embeddings)[has_area].astype(np.float16)
    return MandateClassifier(features, area_head, actor_head, {"feature_config": config.__dict__},
                             labelled_vectors=labelled)


_loaded: dict[Path, MandateClassifier] = {}
_default_lock = threading.Lock()


def get_default_classifier(directory: Path | None = None) -> MandateClassifier:
    """The model in `directory` (weights written by `unea-mandates train --out DIR`; default: the shipped
    models/weights), loaded once per process and directory, offline."""
    directory = Path(directory or WEIGHTS_DIR).resolve()
    if not (directory / "classifier.json").is_file() or not (directory / "classifier.npz").is_file():
        raise FileNotFoundError(f"{directory}: no classifier.json + classifier.npz there "
                                "(write them with `unea-mandates train --out DIR`)")
    with _default_lock:
        if directory not in _loaded:
            _loaded[directory] = MandateClassifier.load(directory)
        return _loaded[directory]
