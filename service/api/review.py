"""The review queue and the classifier's releases: GET /v1/review-queue, GET /v1/model, POST /v1/model/retrain."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from service.api.deps import Services, Writer
from service.api.schemas import ERROR_RESPONSES
from service.usecases.retrain import ModelStatus, model_status, start_retrain
from service.usecases.review_queue import ReviewQueue, review_queue

router = APIRouter(tags=["review"])


@router.get(
    "/review-queue",
    response_model=ReviewQueue,
    dependencies=[Writer],
    responses={k: ERROR_RESPONSES[k] for k in (401, 403, 422)},
    summary="Mandates whose model-made action area is least certain, first (maintainers)",
)
async def queue(
    services: Services,
    session: Annotated[list[str] | None, Query(description="UNEA session number (repeatable)")] = None,
    document: Annotated[list[str] | None, Query(description="document id (repeatable)")] = None,
    resolution: Annotated[list[str] | None, Query(description="e.g. UNEP/EA.4/Res.6 (repeatable)")] = None,
    language: Annotated[list[str] | None, Query(description="ar | en | es | fr | ru | zh (repeatable)")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> ReviewQueue:
    filters = {"session": session, "document": document, "resolution": resolution, "language": language}
    return await run_in_threadpool(review_queue, services, {k: v for k, v in filters.items() if v}, limit, offset)


@router.get("/model", response_model=ModelStatus, summary="The classifier release serving now, its figures and log")
async def model(services: Services) -> ModelStatus:
    return await run_in_threadpool(model_status, services)


@router.post(
    "/model/retrain",
    response_model=ModelStatus,
    status_code=202,
    dependencies=[Writer],
    responses={**{k: ERROR_RESPONSES[k] for k in (401, 403)}, 409: {"description": "a retrain is already running"}},
    summary="Retrain from the reviewed labels in the background; promoted only if not worse on the held folds",
)
async def retrain(services: Services) -> JSONResponse:
    status = await run_in_threadpool(start_retrain, services, "on demand")
    return JSONResponse(status.model_dump(mode="json"), status_code=202)
