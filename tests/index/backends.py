"""How the index tests open each backend on an isolated, empty store."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from index.base import MandateIndex
from tests.index.embedding import shared_test_embedder


def open_backend(name: str, home: Path) -> MandateIndex:
    if name == "sqlite":
        from index.sqlite import SqliteMandateIndex

        return SqliteMandateIndex(home=home, embedder=shared_test_embedder())
    if name == "elasticsearch":
        from index.elastic import ElasticMandateIndex

        # one alias/index family per test store, so tests never see each other's data
        prefix = "unea-test-" + hashlib.sha256(str(home).encode()).hexdigest()[:12]
        return ElasticMandateIndex(url=os.environ["ELASTICSEARCH_URL"], prefix=prefix, embedder=shared_test_embedder(), refresh=True)
    raise ValueError(name)
