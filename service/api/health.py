"""GET /health: is the index reachable, is the model loaded, how much is indexed."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from service.api.deps import Services
from service.api.schemas import HealthResponse

router = APIRouter(tags=["health"])
log = logging.getLogger("unea_mandates.service")


@router.get("/health", response_model=HealthResponse, responses={503: {"model": HealthResponse}})
def health(services: Services) -> JSONResponse:
    settings = services.settings
    body = HealthResponse(
        status="ok",
        index_reachable=False,
        model_loaded=services.classifier_loaded,
        backend=settings.backend,
        writes_enabled=settings.writes_enabled,
    )
    try:
        stats = services.index.stats()
        body.index_reachable = True
        body.backend = stats.backend
        body.documents = stats.documents
        body.mandates = stats.mandates
        body.by_language = dict(stats.by_language)
    except Exception as exc:  # health must answer even when the index is down
        log.warning("health: index unreachable: %s", exc)
        body.status = "degraded"
        body.error = f"index unreachable: {type(exc).__name__}"
    if not body.model_loaded:
        body.status = "degraded"
    return JSONResponse(body.model_dump(), status_code=200 if body.index_reachable else 503)
