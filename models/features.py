"""The features both heads share: character n-gram TF-IDF of the whole text, the sentence embedding of the
text's span (extractors.spans: a sub-item's own words) and its cosine to each area's prototype; plus each head's
own cue block. Fit once, saved as plain arrays (MandateClassifier.save), read back by `from_state`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, hstack

from extractors.schema import ACTION_AREAS
from models.embedders import Embedder


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
