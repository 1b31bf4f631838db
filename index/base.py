"""The one store protocol every search backend implements (Haystack's DocumentStore pattern).

Backends: `index.sqlite.SqliteMandateIndex` (embedded default) and
`index.elastic.ElasticMandateIndex`. One contract suite (tests/index/contract.py) runs on both.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from extractors.schema import FILTER_FIELDS, Document, Mandate

SearchMode = Literal["keyword", "semantic", "hybrid"]


class QuerySyntaxError(ValueError):
    """A malformed user query (unbalanced quotes, dangling AND…): the API answers 400 with this message."""


class IndexBusy(RuntimeError):
    """A re-index is already running on this index (a second one is refused, never interleaved)."""


class IndexUnavailable(RuntimeError):
    """The backend cannot be reached or did not answer in time (the API answers 503 with Retry-After)."""


# The Elasticsearch client's transport errors that mean "the node is down or hung", not "this request is wrong".
_TRANSPORT_UNAVAILABLE = {("elastic_transport", "ConnectionError"), ("elastic_transport", "ConnectionTimeout"),
                          ("elastic_transport", "TransportError")}


def is_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the index backend is unavailable (down, hung, overloaded), by either backend."""
    if isinstance(exc, IndexUnavailable):
        return True
    for cls in type(exc).__mro__:
        if (cls.__module__.split(".")[0], cls.__name__) in _TRANSPORT_UNAVAILABLE:
            return True
    status = getattr(getattr(exc, "meta", None), "status", None)  # elasticsearch.ApiError
    return type(exc).__module__.startswith("elasticsearch") and status in (429, 502, 503, 504)


class SearchQuery(BaseModel):
    q: str = ""
    mode: SearchMode = "keyword"
    # field (one of FILTER_FIELDS) → accepted values (OR within a field, AND across fields)
    filters: dict[str, list[str]] = Field(default_factory=dict)
    limit: int = Field(10, ge=0, le=1000)
    offset: int = Field(0, ge=0)
    min_similarity: float | None = Field(
        None,
        description="semantic/hybrid: only mandates whose cosine similarity to the query reaches this "
        "count as semantic hits (total and facets are counted over them); None: every mandate is ranked",
    )
    highlight: bool = Field(
        True, description="False: each hit's highlight is its text, escaped, with no marks (for callers that only "
        "rank the hits, e.g. precedents, which ask `highlighted` for the few they show)",
    )
    vector: list[float] | None = Field(
        None,
        description="semantic/hybrid: rank by this vector (from the index's embedder) instead of embedding q, "
        "e.g. a draft mandate its caller has already embedded; q still gives hybrid's words",
    )


class SearchHit(BaseModel):
    mandate: Mandate
    score: float = Field(description="what ranks the hit: BM25 (keyword), the semantic rank score (the cosine "
                         "read with its resolution's best, index.fields.RESOLUTION_WEIGHT), or the fused score (hybrid)")
    similarity: float | None = Field(
        None, description="semantic/hybrid: the cosine between the query and this mandate's vector (what the "
        "relevance floor compares); None in keyword mode")
    highlight: str = Field(description="mandate text with matched words wrapped in <mark>…</mark>")


TotalRelation = Literal["eq", "gte"]


class SearchResult(BaseModel):
    total: int
    total_relation: TotalRelation = Field(
        "eq", description="eq: total is the exact number of hits; gte: a lower bound (a ranked list was cut)"
    )
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]] = Field(default_factory=dict)


class IndexStats(BaseModel):
    backend: str
    documents: int
    mandates: int
    version: int = Field(description="physical index version currently serving")
    by_language: dict[str, int] = Field(default_factory=dict)


def mandates_of_document(document: Document, mandates: list[Mandate]) -> list[Mandate]:
    """What every backend's replace_document stores: the mandates deduplicated by id, each checked
    to belong to `document` (a mandate of another document would be silently re-parented)."""
    unique: dict[str, Mandate] = {}
    for m in mandates:
        if m.document != document.id:
            raise ValueError(f"mandate {m.id} belongs to document {m.document}, not {document.id}")
        unique.setdefault(m.id, m)
    return list(unique.values())


@runtime_checkable
class MandateIndex(Protocol):
    """Add/replace a document's mandates, delete a document, get, search, facets, stats."""

    def replace_document(self, document: Document, mandates: list[Mandate], replaces: str | None = None) -> None:
        """Atomically make `mandates` the document's only mandates (idempotent by document id).

        `replaces`: id of an older version of the same source file, removed in the same step."""

    def replace_documents(self, items: Iterable[tuple[Document, list[Mandate], str | None]]) -> None:
        """replace_document for many (document, mandates, replaces) items, as ingest and re-index write
        them: the same end state; every item is checked before the first write; the Elasticsearch
        backend sends them as a few _bulk requests with one refresh."""

    def delete_document(self, document_id: str) -> bool: ...

    def has_document(self, document_id: str) -> bool: ...

    def get_document(self, document_id: str) -> Document | None: ...

    def list_documents(self) -> list[Document]: ...

    def document_for_source(self, source_file: str) -> Document | None:
        """The indexed document that came from `source_file` (so a changed file replaces it)."""

    def get(self, mandate_id: str) -> Mandate | None: ...

    def mandates_of(self, document_id: str) -> list[Mandate]: ...

    def iter_mandates(self) -> Iterator[Mandate]:
        """Every mandate, read as it goes (e.g. the suggestion vocabulary): on Elasticsearch one scroll,
        never a request per document."""

    def search(self, query: SearchQuery) -> SearchResult: ...

    def facets(self, query: SearchQuery) -> dict[str, dict[str, int]]: ...

    def match_counts(self, queries: list[str]) -> list[int]:
        """How many mandates each keyword query matches (its unfiltered search total), in one call:
        e.g. a draft's words' document frequencies."""

    def highlighted(self, q: str, mandate_ids: list[str]) -> dict[str, str]:
        """The highlight a keyword search for `q` gives each of these mandates (an unknown id is left
        out): for the few hits of a `highlight=False` search that are shown."""

    def similarities(self, text: str, mandate_ids: list[str], vector: list[float] | None = None) -> dict[str, float]:
        """Cosine similarity of `text` (or of `vector`, its embedding when the caller has it) to each
        of these mandates, as semantic search scores it (an unknown id is left out)."""

    def stats(self) -> IndexStats: ...

    def close(self) -> None: ...

    # Re-index without downtime: build a new physical version, swap it in only when complete.
    def start_rebuild(self) -> MandateIndex:
        """A writable index on a new, not-yet-serving version (refuses if a rebuild is running)."""

    def finish_rebuild(self, builder: MandateIndex) -> int:
        """Make the builder's version durable and serving (atomic swap); returns its number."""

    def abort_rebuild(self, builder: MandateIndex) -> None:
        """Drop an unfinished version; the serving one is untouched."""


__all__ = [
    "FILTER_FIELDS",
    "IndexBusy",
    "IndexUnavailable",
    "is_unavailable",
    "IndexStats",
    "MandateIndex",
    "QuerySyntaxError",
    "SearchHit",
    "SearchMode",
    "SearchQuery",
    "SearchResult",
    "TotalRelation",
    "mandates_of_document",
]
