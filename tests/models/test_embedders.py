"""Embedders on real mandates: shapes, normalisation, cross-lingual sense, the cache, offline loading."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from models.embedders import CachedEmbedder, SentenceTransformerEmbedder, UseEmbedder, get_default_embedder


class CountingEmbedder:
    """Passes through to a real embedder and counts the texts it had to encode."""

    def __init__(self, inner):
        self.inner, self.name, self.dim, self.encoded = inner, inner.name, inner.dim, 0

    def encode(self, texts):
        self.encoded += len(texts)
        return self.inner.encode(texts)


def test_default_embedder_is_multilingual_and_cached_per_process(embedder):
    assert get_default_embedder() is embedder
    assert embedder.dim == 512


def test_vectors_are_normalised_float32_and_cross_lingual(embedder):
    from models.training_data import load_en_pairs

    pair = load_en_pairs()[0]
    other = load_en_pairs()[-1]
    v = embedder.encode([pair["zh"], pair["en"], other["en"]])
    assert v.dtype == np.float32 and v.shape == (3, 512)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    # a Chinese bullet is closer to the English paragraph it summarises than to another paragraph
    assert v[0] @ v[1] > v[0] @ v[2]


def test_cache_serves_repeated_texts_without_encoding(tmp_path, annex_mandates):
    texts = [m.text for m in annex_mandates[:5]]
    counting = CountingEmbedder(UseEmbedder())
    cached = CachedEmbedder(counting, cache_path=tmp_path / "vectors.sqlite")
    first = cached.encode(texts + texts[:2])
    assert counting.encoded == 5  # duplicates inside one call are encoded once
    again = cached.encode(list(reversed(texts)))
    assert counting.encoded == 5
    assert np.allclose(again, first[:5][::-1])
    cached.close()
    # a new process-like instance reads the vectors from disk
    counting2 = CountingEmbedder(counting.inner)
    reopened = CachedEmbedder(counting2, cache_path=tmp_path / "vectors.sqlite")
    assert np.allclose(reopened.encode(texts), first[:5])
    assert counting2.encoded == 0
    reopened.close()


def test_encode_rejects_a_bare_string(embedder):
    with pytest.raises(TypeError):
        embedder.encode("one string")


def test_sentence_transformer_loads_packaged_minilm_offline(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    st = SentenceTransformerEmbedder()
    v = st.encode(["Requests the Executive Director to report to the Assembly", "Urges Member States to act"])
    assert v.shape == (2, st.dim) and st.dim == 384
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
