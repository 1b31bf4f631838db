"""The Elasticsearch backend: store (the MandateIndex), compiler (query AST → query DSL),
mapping (index template), locks (the re-index lock)."""

from index.elastic.mapping import index_template
from index.elastic.store import ElasticMandateIndex

__all__ = ["ElasticMandateIndex", "index_template"]
