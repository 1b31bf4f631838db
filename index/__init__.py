"""Floor 3: the searchable mandate index (protocol in index.base, backends in index.sqlite and
index.elastic, batch ingestion in index.ingest)."""

from __future__ import annotations

import os
from typing import Any

from index.base import MandateIndex

BACKENDS = ("sqlite", "elasticsearch")


def open_index(backend: str | None = None, home: str | os.PathLike[str] | None = None, embedder: Any = None) -> MandateIndex:
    """The configured MandateIndex.

    backend: "sqlite" (default) or "elasticsearch", else $UNEA_MANDATES_BACKEND.
    home: where the embedded index lives, else $UNEA_MANDATES_HOME, else ./data (created on use).
    Elasticsearch reads $ELASTICSEARCH_URL (and optional $ELASTICSEARCH_API_KEY,
    $UNEA_MANDATES_ES_PREFIX, $UNEA_MANDATES_ES_ZH_ANALYZER).
    embedder: models.embedders.Embedder; the project default is loaded on first need.
    """
    backend = (backend or os.environ.get("UNEA_MANDATES_BACKEND") or "sqlite").lower()
    if backend in ("sqlite", "embedded"):
        from index.sqlite import SqliteMandateIndex

        return SqliteMandateIndex(home=home, embedder=embedder)
    if backend in ("elasticsearch", "elastic", "es"):
        from index.elastic import ElasticMandateIndex

        url = os.environ.get("ELASTICSEARCH_URL")
        if not url:
            raise RuntimeError("UNEA_MANDATES_BACKEND=elasticsearch needs ELASTICSEARCH_URL (e.g. http://localhost:9200)")
        return ElasticMandateIndex(url=url, embedder=embedder)
    raise ValueError(f"unknown index backend {backend!r}: choose one of {', '.join(BACKENDS)}")


__all__ = ["BACKENDS", "MandateIndex", "open_index"]
