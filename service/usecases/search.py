"""Search the indexed mandates: one way to build a request from a request's parameters, one answer shape.

`build_query` cleans the filters once (trims, drops blanks, reads with_partners as a boolean, takes
the page's labels for codes: `actor=UNEP`) for the API and the CLI alike; the index checks the
query's syntax when it runs it (a QuerySyntaxError says what is wrong). Highlights leave here as
plain text with <mark>…</mark>.

On top of the index: a symbol typed as the query opens that resolution in paragraph order;
semantic and hybrid hits are those above the relevance floor (index.fields.RELEVANCE_FLOOR); sort
by date or paragraph, filter by year; a keyword search with no hit offers spellings and the closest
mandates by meaning.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, Field

from extractors.schema import FILTER_FIELDS
from index.base import MandateIndex, QuerySyntaxError, SearchHit, SearchMode, SearchQuery
from index.fields import RELEVANCE_FLOOR
from service.usecases.browse import AdoptionDates, adoption_dates, reading_order, resolution_of_query
from service.usecases.errors import InvalidRequest, UnknownFilterValue
from service.usecases.labels import CLOSED_FIELDS, code_of
from service.usecases.results import CitedMandate, Hit, SearchResponse, SortOrder
from service.usecases.suggest import closest_by_meaning, spelling_suggestions

_MARK = re.compile(r"(</?mark>)")
_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")
_PAGE = 1000  # SearchQuery.limit's ceiling
SORT_CAP = 10_000  # hits read to sort by date or paragraph
NO_RESOLUTION = "\x00none"  # a filter value no mandate has: a year or a kind of document with nothing indexed


class SearchRequest(BaseModel):
    """What a person asks: the index's query plus the ordering and years the use case applies."""

    query: SearchQuery
    sort: SortOrder = "relevance"
    years: list[int] = Field(default_factory=list)
    uploaded: bool | None = Field(None, description="false: leave uploads out; true: only uploads")
    official: bool | None = Field(None, description="true: only documents whose symbol they state")


def build_query(
    q: str = "",
    mode: SearchMode = "keyword",
    filters: Mapping[str, Sequence[str] | None] | None = None,
    limit: int = 10,
    offset: int = 0,
    sort: SortOrder = "relevance",
    years: Sequence[int | str] | None = None,
    uploaded: str | bool | None = None,
    official: str | bool | None = None,
) -> SearchRequest:
    """A SearchRequest from a request's parameters; InvalidRequest for values no index could take."""
    cleaned: dict[str, list[str]] = {}
    for field, values in (filters or {}).items():
        if field not in FILTER_FIELDS:
            raise UnknownFilterValue(f"unknown filter {field!r}: filter on one of {', '.join(FILTER_FIELDS)}")
        kept = [v.strip() for v in values or [] if v and v.strip()]
        if field == "with_partners":
            kept = [_boolean(v) for v in kept]
        elif field in CLOSED_FIELDS:
            kept = [_code(field, v) for v in kept]
        if kept:
            cleaned[field] = kept
    try:
        wanted_years = sorted({int(y) for y in years or []})
        query = SearchQuery(q=q.strip(), mode=mode, filters=cleaned, limit=limit, offset=offset)
        return SearchRequest(
            query=with_floor(query), sort=sort, years=wanted_years, uploaded=_flag("uploaded", uploaded),
            official=_flag("official", official),
        )
    except ValueError as exc:  # pydantic's: a negative offset, a limit over the page size, a year not a number…
        raise InvalidRequest(str(exc)) from exc


def with_floor(query: SearchQuery) -> SearchQuery:
    """Semantic and hybrid hits are those above the relevance floor (unless the query sets one)."""
    if query.mode == "keyword" or query.min_similarity is not None:
        return query
    return query.model_copy(update={"min_similarity": RELEVANCE_FLOOR})


def _boolean(value: str, name: str = "with_partners") -> str:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return "true"
    if lowered in _FALSE:
        return "false"
    raise InvalidRequest(f"{name} must be true or false, got {value!r}")


def _flag(name: str, value: str | bool | None) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if not value.strip():
        return None
    return _boolean(value, name) == "true"


def _code(field: str, value: str) -> str:
    code = code_of(field, value)
    if code is None:
        raise UnknownFilterValue(f"{field} must be one of {', '.join(CLOSED_FIELDS[field])} (or their labels), got {value!r}")
    return code


@dataclass
class Prepared:
    query: SearchQuery  # what the index runs (a symbol query became a resolution filter)
    sort: SortOrder
    resolution: str | None
    dates: AdoptionDates


def prepare(index: MandateIndex, request: SearchRequest | SearchQuery) -> Prepared:
    if isinstance(request, SearchQuery):
        request = SearchRequest(query=request)
    query, sort = with_floor(request.query), request.sort
    resolution = resolution_of_query(index, query.q) if query.q else None
    if resolution is not None:
        filters = {**query.filters, "resolution": [resolution]}
        query = query.model_copy(update={"q": "", "filters": filters, "mode": "keyword", "min_similarity": None})
        sort = "paragraph" if sort == "relevance" else sort
    documents = index.list_documents()
    dates = adoption_dates(index, documents)
    if request.uploaded is not None or request.official is not None:
        wanted = [
            d.id for d in documents
            if request.uploaded in (None, d.uploaded) and request.official in (None, d.official)
        ]
        chosen = query.filters.get("document")
        kept = [d for d in wanted if chosen is None or d in chosen] or [NO_RESOLUTION]
        query = query.model_copy(update={"filters": {**query.filters, "document": kept}})
    if request.years:
        allowed = dates.resolutions_in(request.years, index.facets(SearchQuery()).get("resolution", {}))
        chosen = query.filters.get("resolution")
        kept = [r for r in allowed if chosen is None or r in chosen] or [NO_RESOLUTION]
        query = query.model_copy(update={"filters": {**query.filters, "resolution": kept}})
    return Prepared(query, sort, resolution, dates)


def ordered_hits(index: MandateIndex, prepared: Prepared, cap: int) -> list[SearchHit]:
    """Every hit (up to `cap`) from the first, in the requested order."""
    query = prepared.query
    out: list[SearchHit] = []
    offset = 0
    while len(out) < cap:
        page = index.search(query.model_copy(update={"offset": offset, "limit": min(_PAGE, cap - len(out))}))
        out.extend(page.hits)
        offset += len(page.hits)
        if not page.hits or offset >= page.total:
            break
    if prepared.sort == "paragraph":
        out.sort(key=lambda h: reading_order(h.mandate))
    elif prepared.sort == "date":
        out.sort(key=lambda h: reading_order(h.mandate))
        out.sort(key=lambda h: prepared.dates.of(h.mandate) or "", reverse=True)  # stable: newest first
    return out


def search_mandates(index: MandateIndex, request: SearchRequest | SearchQuery) -> SearchResponse:
    prepared = prepare(index, request)
    query = prepared.query
    if prepared.sort == "relevance":
        result = index.search(query)
        page = result.hits
    else:
        result = index.search(query.model_copy(update={"limit": 0, "offset": 0}))
        page = ordered_hits(index, prepared, SORT_CAP)[query.offset : query.offset + query.limit]
    # constructed: every part is validated already (the facets can hold thousands of values); every
    # field given, since model_construct calls each default_factory through inspect.signature (~1 ms)
    response = SearchResponse.model_construct(
        total=result.total,
        total_relation=result.total_relation,
        relevance_floor=query.min_similarity if query.mode != "keyword" and query.q else None,
        hits=[_hit(h, prepared.dates) for h in page],
        facets=result.facets or index.facets(query),
        sort=prepared.sort,
        resolution=prepared.resolution,
        suggestions=[],
        related=[],
        related_by=None,
    )
    if result.total == 0 and query.q:
        if query.mode == "keyword":
            response.suggestions = spelling_suggestions(index, query)
            related = closest_by_meaning(index, query, RELEVANCE_FLOOR)
            response.related, response.related_by = [_hit(h, prepared.dates) for h in related.hits], "meaning"
        else:
            # nothing reaches the floor by meaning under these filters: never "nothing" where the words match
            # (hybrid already counts word matches as hits; semantic shows them apart, as word matches)
            try:
                words = index.search(query.model_copy(update={"mode": "keyword", "min_similarity": None, "offset": 0}))
            except QuerySyntaxError:  # semantic text need not parse as a keyword query: no word matches then
                words = None
            if words is not None and words.hits:
                response.related, response.related_by = [_hit(h, prepared.dates) for h in words.hits], "words"
            else:
                response.suggestions = spelling_suggestions(index, query)
    return response


# Read at start-up: one English and one Chinese word, so the first user's search finds the documents'
# list, the index's arrays and the highlighters' patterns loaded (at 100k mandates the first search
# had cost 178 ms, 100 of them reading the documents' list, 33 compiling the highlight patterns).
_WARM_UP_QUERY = "environment OR 环境"


def warm_up_search(index: MandateIndex) -> None:
    """Run the search use case once, as a server does before its first request."""
    search_mandates(index, SearchQuery(q=_WARM_UP_QUERY, mode="keyword", limit=20))


def _hit(hit: SearchHit, dates: AdoptionDates) -> Hit:
    return Hit.model_construct(  # from the index's validated mandate: nothing to check again
        mandate=CitedMandate.of(hit.mandate),
        score=hit.score,
        similarity=hit.similarity,
        highlight=plain_with_marks(hit.highlight),
        citation=hit.mandate.citation,
        adopted=dates.of(hit.mandate),
        adopted_source=dates.source_of(hit.mandate),
    )


def plain_with_marks(highlight: str) -> str:
    """The index's highlight (HTML-escaped, with <mark>) as plain text keeping only the <mark> tags,
    so every client escapes exactly once, where it writes HTML (the page re-allows only <mark>)."""
    if "&" not in highlight:
        return highlight
    return "".join(p if _MARK.fullmatch(p) else html.unescape(p) for p in _MARK.split(highlight))


__all__ = ["SearchRequest", "build_query", "ordered_hits", "prepare", "search_mandates", "warm_up_search", "with_floor"]
