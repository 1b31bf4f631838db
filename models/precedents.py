"""Known mandates: reuse UNEP's own label of the nearest labelled mandate.

The seed's Annex II bullets summarise real resolution paragraphs, and every resolution exists in six
languages, so a paragraph whose multilingual embedding is close enough to a labelled bullet gets that
bullet's area (`action_area_source: "precedent"`, with the bullet's citation) instead of the model's guess.
The similarity threshold is chosen by leave-one-resolution-out over the English pairs
(models.evaluate_questions.known_mandate); the weights keep the bullets' vectors (float16), areas and
citations, so nothing is recomputed or downloaded at inference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class Precedent:
    citation: str
    text: str
    action_area: str
    similarity: float


@dataclass
class PrecedentSet:
    vectors: np.ndarray  # (n, dim), unit length
    areas: list[str]
    citations: list[str]
    texts: list[str]
    threshold: float

    def nearest(self, vectors: np.ndarray) -> list[Precedent | None]:
        """The nearest labelled mandate of each vector when its cosine passes the threshold, else None."""
        if not len(self.areas):
            return [None] * len(vectors)
        sims = np.asarray(vectors, dtype=np.float32) @ self.vectors.astype(np.float32).T
        best = sims.argmax(axis=1)
        out: list[Precedent | None] = []
        for i, j in enumerate(best):
            s = float(sims[i, j])
            out.append(Precedent(self.citations[j], self.texts[j], self.areas[j], round(s, 4))
                       if s >= self.threshold else None)
        return out

    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        meta = {"precedents": {"areas": self.areas, "citations": self.citations, "texts": self.texts,
                               "threshold": self.threshold}}
        return meta, {"precedent_vectors": self.vectors.astype(np.float16)}

    @classmethod
    def from_state(cls, meta: dict, arrays: dict[str, np.ndarray]) -> PrecedentSet | None:
        p = meta.get("precedents")
        if not p or "precedent_vectors" not in arrays:
            return None
        return cls(arrays["precedent_vectors"].astype(np.float32), p["areas"], p["citations"], p["texts"],
                   float(p["threshold"]))

    @classmethod
    def of(cls, texts: Sequence[str], areas: Sequence[str], citations: Sequence[str], vectors: np.ndarray,
           threshold: float) -> PrecedentSet:
        return cls(np.asarray(vectors, dtype=np.float32), list(areas), list(citations), list(texts), threshold)
