"""The contract suite on Elasticsearch: runs when ELASTICSEARCH_URL names a server, else is
skipped with the reason shown (`pytest -rs`). Run it with, e.g.:

    docker run -d -p 9200:9200 -e discovery.type=single-node -e xpack.security.enabled=false \\
        docker.elastic.co/elasticsearch/elasticsearch:9.1.5
    ELASTICSEARCH_URL=http://localhost:9200 .venv/bin/python -m pytest tests/index/test_elastic.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from index.base import MandateIndex
from tests.index.backends import open_backend
from tests.index.contract import MandateIndexContract

pytestmark = [
    pytest.mark.elasticsearch,
    pytest.mark.skipif(
        not os.environ.get("ELASTICSEARCH_URL"),
        reason="Elasticsearch contract suite needs a server: set ELASTICSEARCH_URL (e.g. http://localhost:9200)",
    ),
]


class TestElasticMandateIndex(MandateIndexContract):
    backend_name = "elasticsearch"

    def open_backend(self, home: Path) -> MandateIndex:
        return open_backend("elasticsearch", home)
