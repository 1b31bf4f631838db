"""GET /v1/mandates (search with facets) and GET /v1/mandates/{id} (one mandate in context)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool

from service.api.cpu import run_cpu_bound
from service.api.deps import SearchParams, Services, Writer
from service.api.schemas import ERROR_RESPONSES, CorrectionRequest, MandateDetail, SearchResponse
from service.usecases.context import mandate_in_context
from service.usecases.reviews import correct_mandate, reviewed_labels
from service.usecases.search import search_mandates

router = APIRouter(tags=["mandates"])


@router.get(
    "/mandates",
    response_model=SearchResponse,
    responses={k: ERROR_RESPONSES[k] for k in (400, 422)},
    summary="Search mandates (keyword, semantic or hybrid) with filters and facet counts",
)
async def search(query: SearchParams, services: Services) -> Response:
    # serialised once here (response_model documents it): FastAPI would dump and re-validate it
    response = await run_cpu_bound("search", lambda: search_mandates(services.index, query))
    return Response(response.model_dump_json(), media_type="application/json")


@router.get(
    "/mandates/{mandate_id}",
    response_model=MandateDetail,
    responses={404: ERROR_RESPONSES[404]},
    summary="One mandate, its paragraph in context, its other-language versions and its review history",
)
async def get_mandate(mandate_id: str, services: Services) -> MandateDetail:
    return await run_in_threadpool(
        lambda: mandate_in_context(services.index, mandate_id, reviewed_labels(services))
    )


@router.patch(
    "/mandates/{mandate_id}",
    response_model=MandateDetail,
    dependencies=[Writer],
    responses={k: ERROR_RESPONSES[k] for k in (400, 401, 403, 404, 422)},
    summary="Correct a mandate's actor, action area(s) or with_partners (maintainers; kept across re-index)",
)
async def correct(mandate_id: str, body: CorrectionRequest, services: Services) -> MandateDetail:
    return await run_in_threadpool(correct_mandate, services, mandate_id, body)
