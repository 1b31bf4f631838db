"""GET /v1/mandates (search with facets) and GET /v1/mandates/{id} (one mandate in context)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool

from extractors.schema import Mandate
from index.base import SearchQuery
from service.api.deps import SearchParams, Services
from service.api.highlight import plain_with_marks
from service.api.schemas import (
    ERROR_RESPONSES,
    CitedMandate,
    ContextEntry,
    Hit,
    MandateDetail,
    OtherLanguageVersion,
    SearchResponse,
)

router = APIRouter(tags=["mandates"])

# How many neighbours on each side of a mandate its page shows.
CONTEXT_WINDOW = 3
# How many nearest other-language mandates to offer when no paragraph number matches.
CLOSEST = 2


@router.get(
    "/mandates",
    response_model=SearchResponse,
    responses={k: ERROR_RESPONSES[k] for k in (400, 422)},
    summary="Search mandates (keyword, semantic or hybrid) with filters and facet counts",
)
async def search_mandates(query: SearchParams, services: Services) -> SearchResponse:
    return await run_in_threadpool(run_search, services.index, query)


def run_search(index: Any, query: SearchQuery) -> SearchResponse:
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


@router.get(
    "/mandates/{mandate_id}",
    response_model=MandateDetail,
    responses={404: ERROR_RESPONSES[404]},
    summary="One mandate, its paragraph in context and its other-language versions",
)
async def get_mandate(mandate_id: str, services: Services) -> MandateDetail:
    return await run_in_threadpool(mandate_detail, services.index, mandate_id)


def mandate_detail(index: Any, mandate_id: str) -> MandateDetail:
    mandate = index.get(mandate_id)
    if mandate is None:
        raise HTTPException(404, f"no mandate with id {mandate_id!r}")
    return MandateDetail(
        mandate=CitedMandate.of(mandate),
        document=index.get_document(mandate.document),
        context=_context(index, mandate),
        other_languages=_other_languages(index, mandate),
    )


def _context(index: Any, mandate: Mandate) -> list[ContextEntry]:
    siblings = [m for m in index.mandates_of(mandate.document) if m.resolution == mandate.resolution]
    position = next((i for i, m in enumerate(siblings) if m.id == mandate.id), None)
    if position is None:
        return []
    window = siblings[max(0, position - CONTEXT_WINDOW) : position + CONTEXT_WINDOW + 1]
    return [
        ContextEntry(
            id=m.id, paragraph=m.paragraph, citation=m.citation, text=m.text, current=m.id == mandate.id
        )
        for m in window
    ]


def _other_languages(index: Any, mandate: Mandate) -> list[OtherLanguageVersion]:
    """The mandate in the resolution's other indexed languages.

    The same resolution symbol and paragraph number is the same paragraph. Without one (a mandate
    table's bullet has no number; numbering can differ between versions) the nearest mandates by
    meaning within that resolution's other-language mandates are offered, marked "closest".
    """
    same_resolution = {"resolution": [mandate.resolution]}
    languages = index.facets(SearchQuery(filters=same_resolution)).get("language", {})
    others = sorted(lang for lang in languages if lang != mandate.language)
    if not others:
        return []
    filters = {**same_resolution, "language": others}
    if mandate.paragraph:
        found = index.search(SearchQuery(filters=filters, limit=1000))
        exact = [h.mandate for h in found.hits if h.mandate.paragraph == mandate.paragraph]
        if exact:
            return [OtherLanguageVersion(match="paragraph", mandate=CitedMandate.of(m)) for m in exact]
    closest = index.search(SearchQuery(q=mandate.text, mode="semantic", filters=filters, limit=CLOSEST))
    return [
        OtherLanguageVersion(match="closest", score=h.score, mandate=CitedMandate.of(h.mandate))
        for h in closest.hits
    ]
