"""The replicated corpus bench_search.py indexes: the bundled real mandates, copied with varied text.

Copy 0 of every document is the real extraction (the seed's Annex II and every bundled registry
resolution, English and Chinese as the corpus has them). Copy k > 0 gets new ids, a distinct
resolution symbol (`…~k`) and varied text: about one word in eight (English) or one Han character
in eight (Chinese) is swapped for one drawn from the corpus's own vocabulary of that language, so
posting lists, bigrams and BM25 scores spread as in a larger corpus instead of repeating 100 times.

Embedding 100k distinct texts would take ~15 minutes on this machine, so `ReplicaEmbedder` embeds
each real text once with the real model and gives a copy the real vector plus seeded Gaussian
noise (σ = 0.02 per dimension, cosine ≈ 0.9 to its original: what one word in eight changes),
re-normalised. The vectors are then as distinct as the texts, so recall@10 of a compact vector
format is measured against neighbours that are not exact ties.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence

import numpy as np

from extractors.schema import Document, Mandate

VARY_EVERY = 8  # one word / Han character in this many is swapped in a copy
NOISE_SIGMA = 0.017  # measured: real USE vectors of varied texts, residual std 0.0173 per dim
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z]{3,}")


def base_corpus() -> list[tuple[Document, list[Mandate]]]:
    """The real mandates of every bundled file that has any, through extractors.pipeline."""
    from corpus.registry import bundled_paths
    from extractors.pipeline import extract_path

    corpus = []
    for path in bundled_paths():
        result = extract_path(path)
        if result.mandates:
            corpus.append((result.document, list(result.mandates)))
    return corpus


class Vocabulary:
    """English words and Han characters of the corpus, drawn with their corpus frequency."""

    def __init__(self, texts: Sequence[str]):
        self.words = [w for t in texts for w in _WORD.findall(t)]
        self.han = [c for t in texts for c in _HAN.findall(t)]

    def vary(self, text: str, seed: str) -> str:
        rng = random.Random(seed)
        if _HAN.search(text):
            return "".join(
                rng.choice(self.han) if _HAN.fullmatch(c) and rng.randrange(VARY_EVERY) == 0 else c for c in text
            )
        return _WORD.sub(lambda m: rng.choice(self.words) if rng.randrange(VARY_EVERY) == 0 else m.group(0), text)


class ReplicaEmbedder:
    """The real embedder for real texts; a copy's varied text gets its original's vector + noise."""

    def __init__(self, inner):  # type: ignore[no-untyped-def]
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.origin: dict[str, str] = {}  # varied text → the real text it was made from

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        real = [self.origin.get(t, t) for t in texts]
        out = np.asarray(self.inner.encode(real), dtype=np.float32).copy()
        for i, (text, source) in enumerate(zip(texts, real, strict=True)):
            if text != source:
                out[i] = self.noisy(out[i], text)
        return out

    def noisy(self, vector: np.ndarray, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        noisy = vector + np.random.default_rng(seed).normal(0.0, NOISE_SIGMA, self.dim).astype(np.float32)
        return (noisy / np.linalg.norm(noisy)).astype(np.float32)


def replica(document: Document, mandates: list[Mandate], copy: int, vocabulary: Vocabulary,
            embedder: ReplicaEmbedder) -> tuple[Document, list[Mandate]]:
    """Copy `copy` of a real document: new ids, a distinct resolution symbol, varied text."""
    if copy == 0:
        return document, mandates
    doc_id = hashlib.sha256(f"{document.id}:{copy}".encode()).hexdigest()
    doc = document.model_copy(update={"id": doc_id, "source_file": f"copy{copy}-{document.source_file}"})
    out = []
    for m in mandates:
        text = vocabulary.vary(m.text, f"{m.id}:{copy}")
        if text != m.text:
            embedder.origin[text] = m.text
        out.append(m.model_copy(update={
            "id": hashlib.sha256(f"{m.id}:{copy}".encode()).hexdigest()[:20],
            "document": doc_id,
            "resolution": f"{m.resolution}~{copy}",
            "text": text,
        }))
    return doc, out


def replicated(corpus, size: int, vocabulary: Vocabulary, embedder: ReplicaEmbedder):  # type: ignore[no-untyped-def]
    """(document, mandates) pairs, real corpus first then its copies, `size` mandates in all."""
    written, copy = 0, 0
    while written < size:
        for document, mandates in corpus:
            if written >= size:
                return
            doc, ms = replica(document, mandates, copy, vocabulary, embedder)
            ms = ms[: size - written]
            written += len(ms)
            yield doc, ms
        copy += 1
