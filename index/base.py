"""The one store protocol every search backend implements (Haystack's DocumentStore pattern).

Backends: `index.sqlite.SqliteMandateIndex` (embedded default) and
`index.elastic.ElasticMandateIndex`. One contract suite (tests/index/contract.py) runs on both.
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from extractors.schema import FILTER_FIELDS, Document, Mandate

SearchMode = Literal["keyword", "semantic", "hybrid"]


class QuerySyntaxError(ValueError):
    """A malformed user query (unbalanced quotes, dangling AND…): the API answers 400 with this message."""


class SearchQuery(BaseModel):
    q: str = ""
    mode: SearchMode = "keyword"
    # field (one of FILTER_FIELDS) → accepted values (OR within a field, AND across fields)
    filters: dict[str, list[str]] = Field(default_factory=dict)
    limit: int = Field(10, ge=0, le=1000)
    offset: int = Field(0, ge=0)


class SearchHit(BaseModel):
    mandate: Mandate
    score: float
    highlight: str = Field(description="mandate text with matched words wrapped in <mark>…</mark>")


class SearchResult(BaseModel):
    total: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]] = Field(default_factory=dict)


class IndexStats(BaseModel):
    backend: str
    documents: int
    mandates: int
    version: int = Field(description="physical index version currently serving")
    by_language: dict[str, int] = Field(default_factory=dict)


@runtime_checkable
class MandateIndex(Protocol):
    """Add/replace a document's mandates, delete a document, get, search, facets, stats."""

    def replace_document(self, document: Document, mandates: list[Mandate]) -> None:
        """Atomically make `mandates` the document's only mandates (idempotent by document id)."""

    def delete_document(self, document_id: str) -> bool: ...

    def has_document(self, document_id: str) -> bool: ...

    def get_document(self, document_id: str) -> Document | None: ...

    def list_documents(self) -> list[Document]: ...

    def get(self, mandate_id: str) -> Mandate | None: ...

    def mandates_of(self, document_id: str) -> list[Mandate]: ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def facets(self, query: SearchQuery) -> dict[str, dict[str, int]]: ...

    def stats(self) -> IndexStats: ...

    def close(self) -> None: ...


__all__ = [
    "FILTER_FIELDS",
    "IndexStats",
    "MandateIndex",
    "QuerySyntaxError",
    "SearchHit",
    "SearchMode",
    "SearchQuery",
    "SearchResult",
]
