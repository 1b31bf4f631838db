"""GET /v1/resolutions/{symbol}: one resolution's operative part with its mandates marked."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from service.api.deps import Services
from service.api.schemas import ERROR_RESPONSES
from service.usecases.resolution import resolution_page
from service.usecases.results import ResolutionPage

router = APIRouter(tags=["resolutions"])


@router.get(
    "/resolutions/{symbol:path}",
    response_model=ResolutionPage,
    responses={404: ERROR_RESPONSES[404]},
    summary="A resolution (UNEP/EA.4/Res.6, 4/6, A/RES/79/211): operative part, mandates, adoption date, official link",
)
async def get_resolution(symbol: str, services: Services) -> ResolutionPage:
    return await run_in_threadpool(resolution_page, services.index, services.store, symbol)
