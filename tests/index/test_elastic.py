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


STAND_IN_WHOLE_PHRASE = (
    "noida-db marks a phrase as one match even with require_field_match=false; Elasticsearch's unified "
    "highlighter switches its weight-matches mode off then and marks each word of the phrase "
    "(CustomUnifiedHighlighter), which is why highlight_spec asks for require_field_match=true"
)


def test_phrase_marks_follow_require_field_match(elasticsearch_server: ElasticsearchServer, tmp_path: Path) -> None:
    from index.elastic.compiler import highlight_spec, to_elasticsearch
    from index.elastic.mapping import TEXT_EN
    from index.highlight import MARK_CLOSE, MARK_OPEN
    from index.query import parse_query

    index = open_backend("elasticsearch", tmp_path, url=elasticsearch_server.url)
    text = "Requests the Executive Director to report."
    index.es.index(index=index.alias, id="m:probe", document={"kind": "mandate", "id": "probe", "text": text}, refresh=True)

    def marks(require_field_match: bool) -> list[str]:
        spec = {**highlight_spec(), "require_field_match": require_field_match}
        hit = index.es.search(index=index.alias, query=to_elasticsearch(parse_query('"Executive Director"')),
                              highlight=spec)["hits"]["hits"][0]
        return [m.split(MARK_CLOSE)[0] for m in hit["highlight"][TEXT_EN][0].split(MARK_OPEN)[1:]]

    try:
        assert marks(True) == ["Executive Director"]  # what the product asks for: the same on both
        if elasticsearch_server.stand_in:
            assert marks(False) == ["Executive Director"]  # the known difference, checked so a change shows
            pytest.xfail(STAND_IN_WHOLE_PHRASE)
        assert marks(False) == ["Executive", "Director"]  # Elasticsearch's documented behaviour
    finally:
        index.es.indices.delete(index=index._serving_index())  # by name: wildcard deletes are refused
        index.close()
