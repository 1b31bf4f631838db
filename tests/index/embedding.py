"""The embedder the index tests use: the project default, wrapped in a per-session cache by text."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np


class CachedEmbedder:
    """Encodes each distinct text once per test session (tests build many small indexes)."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for text, vec in zip(missing, self.inner.encode(missing), strict=True):
                self._cache[text] = np.asarray(vec, dtype=np.float32)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])


def base_embedder():  # type: ignore[no-untyped-def]
    from models.embedders import get_default_embedder

    return get_default_embedder()


@cache
def shared_test_embedder() -> CachedEmbedder:
    return CachedEmbedder(base_embedder())
