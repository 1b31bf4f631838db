"""GET /v1/export: the current search, all hits up to a cap, as CSV (for Excel) or JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from extractors.schema import Mandate
from index.base import SearchQuery
from service.api.deps import SearchParams, Services
from service.api.schemas import ERROR_RESPONSES

router = APIRouter(tags=["export"])

COLUMNS = (
    "citation", "resolution", "resolution_title", "session", "paragraph", "language", "text", "verb",
    "actor", "actor_text", "actor_source", "with_partners", "action_area", "action_area_source",
    "deadline", "id", "document",
)  # fmt: skip
_PAGE = 1000  # SearchQuery.limit's ceiling


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
    format: Annotated[
        Literal["csv", "json"], Query(description="csv (UTF-8 with BOM, for Excel) | json")
    ] = "csv",
) -> Response:
    cap = services.settings.export_cap
    mandates = await run_in_threadpool(all_hits, services.index, query, cap)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    if format == "json":
        body = json.dumps([_row(m) for m in mandates], ensure_ascii=False, indent=1).encode("utf-8")
        return _download(body, "application/json; charset=utf-8", f"mandates-{stamp}.json")
    return _download(to_csv(mandates), "text/csv; charset=utf-8", f"mandates-{stamp}.csv")


def all_hits(index: Any, query: SearchQuery, cap: int) -> list[Mandate]:
    """Page through the search from its first hit (the export ignores the page's offset/limit)."""
    out: list[Mandate] = []
    offset = 0
    while len(out) < cap:
        page = index.search(query.model_copy(update={"offset": offset, "limit": min(_PAGE, cap - len(out))}))
        out.extend(hit.mandate for hit in page.hits)
        offset += len(page.hits)
        if not page.hits or offset >= page.total:
            break
    return out


def _row(mandate: Mandate) -> dict[str, Any]:
    data = mandate.model_dump()
    data["citation"] = mandate.citation
    return {column: data.get(column) for column in COLUMNS}


def to_csv(mandates: list[Mandate]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for mandate in mandates:
        writer.writerow(_row(mandate))
    # The BOM is what makes Excel read UTF-8 (and so Chinese) correctly.
    return buffer.getvalue().encode("utf-8-sig")


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content=body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
