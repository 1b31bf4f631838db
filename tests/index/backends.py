"""How the index tests open each backend on an isolated, empty store."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from index.base import MandateIndex
from tests.index.embedding import shared_test_embedder


def es_prefix(home: Path) -> str:
    """One alias/index family per test store, so tests never see each other's data."""
    return "unea-test-" + hashlib.sha256(str(home).encode()).hexdigest()[:12]


def open_backend(name: str, home: Path, url: str | None = None) -> MandateIndex:
    """`url`: the Elasticsearch server (tests/conftest.py's elasticsearch_server fixture)."""
    if name == "sqlite":
        from index.sqlite import SqliteMandateIndex

        return SqliteMandateIndex(home=home, embedder=shared_test_embedder())
    if name == "elasticsearch":
        from index.elastic import ElasticMandateIndex

        url = url or os.environ.get("ELASTICSEARCH_URL")  # a worker process gets it from its parent
        if not url:
            raise ValueError("the Elasticsearch backend needs the server's url (the elasticsearch_server fixture)")
        return ElasticMandateIndex(url=url, prefix=es_prefix(home), embedder=shared_test_embedder(), refresh=True)
    raise ValueError(name)
