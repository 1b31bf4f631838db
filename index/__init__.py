"""Floor 3: the searchable mandate index, storage and search only (protocol in index.base, backends in
index.sqlite and index.elastic); batch ingestion and the agreement of language versions, which decide
labels, are labelling.ingest and labelling.versions."""

from __future__ import annotations

import os
from typing import Any

from index.base import MandateIndex

BACKENDS = ("sqlite", "elasticsearch")


def open_index(
    backend: str | None = None,
    home: str | os.PathLike[str] | None = None,
    embedder: Any = None,
    elasticsearch_url: str | None = None,
    elasticsearch_api_key: str | None = None,
    es_prefix: str | None = None,
    es_zh_analyzer: str | None = None,
) -> MandateIndex:
    """The MandateIndex the caller configured (service.settings reads the environment; this does not).

    backend: "sqlite" (default) or "elasticsearch".
    home: where the embedded index lives, else ./data (created on use).
    elasticsearch_*, es_*: the Elasticsearch backend's URL (required), API key, alias prefix and
    Chinese analyzer.
    embedder: models.embedders.Embedder, the one the index's vectors are made with: required to write or to search
    by meaning (the index layer never picks an encoder itself).
    """
    backend = (backend or "sqlite").lower()
    if backend in ("sqlite", "embedded"):
        from index.sqlite import SqliteMandateIndex

        return SqliteMandateIndex(home=home, embedder=embedder)
    if backend in ("elasticsearch", "elastic", "es"):
        from index.elastic import ElasticMandateIndex

        if not elasticsearch_url:
            raise RuntimeError("UNEA_MANDATES_BACKEND=elasticsearch needs ELASTICSEARCH_URL (e.g. http://localhost:9200)")
        return ElasticMandateIndex(
            url=elasticsearch_url, prefix=es_prefix, embedder=embedder, zh_analyzer=es_zh_analyzer,
            api_key=elasticsearch_api_key,
        )
    raise ValueError(f"unknown index backend {backend!r}: choose one of {', '.join(BACKENDS)}")


__all__ = ["BACKENDS", "MandateIndex", "open_index"]
