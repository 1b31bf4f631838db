"""GET /v1/plan: the implementation-plan annex of a search (session, resolutions, any filter) as a file."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from service.api.deps import SearchParams, Services
from service.api.schemas import ERROR_RESPONSES
from service.usecases.plan import plan_from_index, plan_query, render_plan

router = APIRouter(tags=["plan"])

Format = Literal["html", "docx", "csv", "jsonl"]
HeadingLanguage = Literal["ar", "en", "es", "fr", "ru", "zh"]
Columns = Literal["seed", "all"]


@router.get(
    "/plan",
    responses={
        200: {
            "content": {
                "text/html": {},
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
                "text/csv": {},
                "application/x-ndjson": {},
            },
            "description": "the plan: printable HTML, DOCX, CSV (one row per bullet) or JSON lines (one per cell)",
        },
        **{k: ERROR_RESPONSES[k] for k in (400, 422)},
    },
    summary="Draft the implementation-plan annex (mandates by action area and actor) of the selected resolutions",
)
async def plan(
    query: SearchParams,
    services: Services,
    format: Annotated[Format, Query(description="html (printable) | docx | csv | jsonl")] = "html",
    lang: Annotated[HeadingLanguage, Query(description="language of the headings and the bullets: ar | en | es | fr | ru | zh (each paragraph's version in it when the selection holds one, else English; a bullet in another language is marked)")] = "en",
    columns: Annotated[
        Columns, Query(description="seed: UNEP, Member States, Other addressees | all: one column per actor")
    ] = "seed",
) -> Response:
    selection = plan_query(base=query)  # a PlanRequestError is an InvalidRequest: 422
    drafted = await run_in_threadpool(
        plan_from_index, services.index, selection, lang, services.settings.export_cap, columns
    )
    rendered = render_plan(drafted, format)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    disposition = "inline" if format == "html" else "attachment"
    return Response(
        content=rendered.body,
        media_type=rendered.media_type,
        headers={"Content-Disposition": f'{disposition}; filename="plan-{stamp}.{rendered.extension}"'},
    )
