"""Search the indexed mandates: one way to build a query from a request's parameters, one answer shape.

`build_query` cleans the filters once (trims, drops blanks, reads with_partners as a boolean) for the
API and the CLI alike; the index checks the query's syntax and the filter fields when it runs it
(a QuerySyntaxError says what is wrong). Highlights leave here as plain text with <mark>…</mark>.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from index.base import MandateIndex, SearchMode, SearchQuery
from service.usecases.errors import InvalidRequest
from service.usecases.results import CitedMandate, Hit, SearchResponse

_MARK = re.compile(r"(</?mark>)")
_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")


def build_query(
    q: str = "",
    mode: SearchMode = "keyword",
    filters: Mapping[str, Sequence[str] | None] | None = None,
    limit: int = 10,
    offset: int = 0,
) -> SearchQuery:
    """A SearchQuery from a request's parameters; InvalidRequest for values no index could take."""
    cleaned: dict[str, list[str]] = {}
    for field, values in (filters or {}).items():
        kept = [v.strip() for v in values or [] if v and v.strip()]
        if field == "with_partners":
            kept = [_boolean(v) for v in kept]
        if kept:
            cleaned[field] = kept
    try:
        return SearchQuery(q=q.strip(), mode=mode, filters=cleaned, limit=limit, offset=offset)
    except ValueError as exc:  # pydantic's: a negative offset, a limit over the page size…
        raise InvalidRequest(str(exc)) from exc


def _boolean(value: str) -> str:
    lowered = value.lower()
    if lowered in _TRUE:
        return "true"
    if lowered in _FALSE:
        return "false"
    raise InvalidRequest(f"with_partners must be true or false, got {value!r}")


def search_mandates(index: MandateIndex, query: SearchQuery) -> SearchResponse:
    result = index.search(query)
    hits = [
        Hit(
            mandate=CitedMandate.of(hit.mandate),
            score=hit.score,
            highlight=plain_with_marks(hit.highlight),
            citation=hit.mandate.citation,
        )
        for hit in result.hits
    ]
    facets = result.facets or index.facets(query)
    return SearchResponse(total=result.total, hits=hits, facets=facets)


def plain_with_marks(highlight: str) -> str:
    """The index's highlight (HTML-escaped, with <mark>) as plain text keeping only the <mark> tags,
    so every client escapes exactly once, where it writes HTML (the page re-allows only <mark>)."""
    if "&" not in highlight:
        return highlight
    return "".join(p if _MARK.fullmatch(p) else html.unescape(p) for p in _MARK.split(highlight))
