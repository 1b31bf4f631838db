"""GET /v1/export: the current search, all hits up to a cap, as CSV (for Excel) or JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from service.api.deps import SearchParams, Services
from service.api.schemas import ERROR_RESPONSES
from service.usecases.export import ExportFormat, export_mandates

router = APIRouter(tags=["export"])


@router.get(
    "/export",
    responses={
        200: {"content": {"text/csv": {}, "application/json": {}}, "description": "the hits as a file"},
        **{k: ERROR_RESPONSES[k] for k in (400, 422)},
    },
    summary="Download the current search (same parameters as /v1/mandates) as CSV or JSON",
)
async def export(
    query: SearchParams,
    services: Services,
    format: Annotated[ExportFormat, Query(description="csv (UTF-8 with BOM, for Excel) | json")] = "csv",
) -> Response:
    file = await run_in_threadpool(
        export_mandates, services.index, query, services.settings.export_cap, format
    )
    return Response(
        content=file.body,
        media_type=file.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )
