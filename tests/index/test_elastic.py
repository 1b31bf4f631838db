"""The contract suite on Elasticsearch: on the noida-db stand-in started by tests/conftest.py, or
on the server $ELASTICSEARCH_URL names (a real node: see index/README.md), e.g.

    docker run -d -p 9200:9200 -e discovery.type=single-node -e xpack.security.enabled=false \\
        docker.elastic.co/elasticsearch/elasticsearch:9.1.5
    ELASTICSEARCH_URL=http://localhost:9200 .venv/bin/python -m pytest -m elasticsearch
"""

from __future__ import annotations

from pathlib import Path

import pytest

from index.base import MandateIndex
from tests.elasticsearch_server import ElasticsearchServer
from tests.index.backends import open_backend
from tests.index.contract import MandateIndexContract

pytestmark = pytest.mark.elasticsearch


class TestElasticMandateIndex(MandateIndexContract):
    backend_name = "elasticsearch"
    server: ElasticsearchServer

    @pytest.fixture(scope="class", autouse=True)
    def _on_server(self, elasticsearch_server: ElasticsearchServer) -> None:
        type(self).server = elasticsearch_server  # class-scoped: set before corpus_index opens

    def open_backend(self, home: Path) -> MandateIndex:
        return open_backend("elasticsearch", home, url=self.server.url)

    def worker_env(self) -> dict[str, str]:
        return {"ELASTICSEARCH_URL": self.server.url}
