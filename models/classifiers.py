"""Action-area, actor and with-partners classifiers on top of sentence embeddings.

Features (one design for both heads, chosen by grouped cross-validation, see MODEL_CARD.md):
  [character 1–3-gram TF-IDF of the text | embedding × w_emb | cosine to each area prototype × w_proto]
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
from scipy.sparse import csr_matrix, hstack

from extractors.readings import RuleReading, read_text, reading_of
from extractors.schema import ACTION_AREAS, Mandate
from models import calibration
from models.embedders import Embedder, get_default_embedder
from models.precedents import Precedent, PrecedentSet

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"


@dataclass(frozen=True)
class FeatureConfig:
    ngram_min: int = 1
    ngram_max: int = 3
    w_emb: float = 1.0
    w_proto: float = 3.0
    C: float = 10.0
    w_cues: float = 0.0  # weight of models.actor_cues columns, actor head only (0: none, as older weights)
    # Self-training of the area head: rows with no area label (the rule-labelled English instructions) are
    # pseudo-labelled by a first fit and added where its top probability is at least this (0: off).
    self_train: float = 0.0
    w_area_cues: float = 0.0  # weight of models.area_cues columns, area head only (0: none, as older weights)
    # What the embedding reads (extractors.spans): "" the whole text (as older weights), "sub_item" a
    # sub-item's own words, "act" those words up to a purpose or report-back clause. N-grams and cues
    # always read the whole text.
    span: str = ""
    w_whole: float = 0.0  # with a span: weight of a second block, the whole text's embedding (0: none)


DEFAULT_CONFIG = FeatureConfig(w_cues=3.0, w_area_cues=3.0, span="sub_item")

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


class TextFeatures:
    """char n-gram TF-IDF + embedding + prototype similarities, fit once, saved as plain arrays."""

    def __init__(self, config: FeatureConfig, embedder: Embedder):
        self.config = config
        self.embedder = embedder
        self.vectorizer = None
        self.prototypes: np.ndarray | None = None  # (n_areas, dim)

    def _new_vectorizer(self, vocabulary: dict[str, int] | None = None):
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(analyzer="char", ngram_range=(self.config.ngram_min, self.config.ngram_max),
                               lowercase=True, sublinear_tf=True, vocabulary=vocabulary)

    def fit(self, texts: Sequence[str], prototype_texts: dict[str, list[str]]) -> TextFeatures:
        self.vectorizer = self._new_vectorizer().fit(texts)
        rows = []
        for area in ACTION_AREAS:
            vectors = self.embedder.encode(prototype_texts.get(area) or [area])
            mean = vectors.mean(axis=0)
            rows.append(mean / (np.linalg.norm(mean) or 1.0))
        self.prototypes = np.asarray(rows, dtype=np.float32)
        return self

    def span_vectors(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """The vectors the features embed: of each text's span (config.span), given the whole texts'
        `embeddings` when the caller has them; only texts whose span differs are encoded again."""
        vectors = self.embedder.encode(list(texts)) if embeddings is None else np.asarray(embeddings)
        if not self.config.span:
            return vectors
        from extractors.spans import act_span

        spans = [act_span(t, self.config.span) for t in texts]
        changed = [i for i, (t, s) in enumerate(zip(texts, spans, strict=True)) if s != t]
        if changed:
            vectors = np.array(vectors, copy=True)
            vectors[changed] = self.embedder.encode([spans[i] for i in changed])
        return vectors

    def transform(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> csr_matrix:
        """The shared features: the blocks of `parts`, stacked into one matrix (fitting, evaluation).
        `embeddings`: the whole texts' vectors, when the caller has them."""
        vectors = self.embedder.encode(list(texts)) if embeddings is None else np.asarray(embeddings)
        lexical, dense = self.parts(texts, self.span_vectors(texts, vectors), vectors)
        return hstack([lexical, csr_matrix(dense)]).tocsr()

    def parts(self, texts: Sequence[str], embeddings: np.ndarray, whole: np.ndarray | None = None) -> list:
        """The shared features as separate blocks (sparse TF-IDF, then one dense block of the weighted
        embedding and prototype similarities), for LinearHead.proba_of_parts: for a few texts,
        stacking them into one sparse matrix cost more than the products themselves. `embeddings`:
        the span vectors (span_vectors); `whole`: the whole texts' vectors (the w_whole block)."""
        vectors = np.asarray(embeddings)
        dense = [vectors * self.config.w_emb]
        if self.config.w_proto:
            dense.append((vectors @ self.prototypes.T) * self.config.w_proto)
        if self.config.w_whole:
            dense.append(np.asarray(vectors if whole is None else whole) * self.config.w_whole)
        # float64, as the stacked matrix is (the TF-IDF block makes it so)
        return [self.vectorizer.transform(texts), np.hstack(dense).astype(np.float64)]

    def area_cues(self, texts: Sequence[str]) -> np.ndarray | None:
        """The area head's own block: the area-definition cues (models.area_cues), weighted; None when unused."""
        if not self.config.w_area_cues:
            return None
        from models.area_cues import area_cue_matrix

        return area_cue_matrix(texts) * self.config.w_area_cues

    def actor_cues(self, texts: Sequence[str]) -> np.ndarray | None:
        """The actor head's own block: the grammatical actor cues (models.actor_cues), weighted; None when unused."""
        if not self.config.w_cues:
            return None
        from models.actor_cues import cue_matrix

        return cue_matrix(texts) * self.config.w_cues

    def area_parts(self, texts: Sequence[str], parts: list) -> list:
        """The area head's blocks: the shared ones plus its own."""
        cues = self.area_cues(texts)
        return parts if cues is None else [*parts, cues]

    def actor_parts(self, texts: Sequence[str], parts: list) -> list:
        """The actor head's blocks: the shared ones plus its own."""
        cues = self.actor_cues(texts)
        return parts if cues is None else [*parts, cues]

    def area_transform(self, texts: Sequence[str], X: csr_matrix) -> csr_matrix:
        """The area head's features: the shared ones plus its own block, stacked."""
        cues = self.area_cues(texts)
        return X if cues is None else hstack([X, csr_matrix(cues)]).tocsr()

    def actor_transform(self, texts: Sequence[str], X: csr_matrix) -> csr_matrix:
        """The actor head's features: the shared ones plus its own block, stacked."""
        cues = self.actor_cues(texts)
        return X if cues is None else hstack([X, csr_matrix(cues)]).tocsr()

    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        vocab = self.vectorizer.vocabulary_
        terms = sorted(vocab, key=vocab.get)
        meta = {"config": self.config.__dict__, "terms": terms, "embedder": self.embedder.name}
        if self.config.w_cues:
            from models.actor_cues import CUE_NAMES

            meta["actor_cues"] = CUE_NAMES
        if self.config.w_area_cues:
            from models.area_cues import AREA_CUES

            meta["area_cues"] = AREA_CUES
        return meta, {"idf": self.vectorizer.idf_.astype(np.float32), "prototypes": self.prototypes}

    @classmethod
    def from_state(cls, meta: dict, arrays: dict[str, np.ndarray], embedder: Embedder) -> TextFeatures:
        features = cls(FeatureConfig(**meta["config"]), embedder)
        if features.config.w_cues:
            from models.actor_cues import CUE_NAMES

            if meta.get("actor_cues") != CUE_NAMES:
                raise ValueError("weights were trained with other actor cues; run `unea-mandates train`")
        if features.config.w_area_cues:
            from models.area_cues import AREA_CUES

            if meta.get("area_cues") != AREA_CUES:
                raise ValueError("weights were trained with other area cues; run `unea-mandates train`")
        vectorizer = features._new_vectorizer({t: i for i, t in enumerate(meta["terms"])})
        vectorizer.idf_ = arrays["idf"].astype(np.float64)
        features.vectorizer = vectorizer
        features.prototypes = arrays["prototypes"]
        return features


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
