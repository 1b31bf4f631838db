"""The /plan page: a search's implementation-plan table on screen, with downloads and a print view."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from index.base import QuerySyntaxError
from service.api.deps import SearchParams, Services
from service.plan_formats.html import plan_context
from service.usecases.errors import InvalidRequest
from service.usecases.plan import (
    PLAN_FORMATS,
    Plan,
    build_plan,
    plan_from_index,
    plan_query,
)
from service.usecases.search import SearchRequest
from service.web import templates

router = APIRouter(include_in_schema=False)

# Filters the form shows; any other filter of the URL (actor, action_area… from the search page)
# travels along as a hidden field.
_SHOWN = ("session", "resolution")


@router.get("/plan", response_class=HTMLResponse)
async def plan_page(
    request: Request,
    query: SearchParams,
    services: Services,
    lang: Annotated[Literal["ar", "en", "es", "fr", "ru", "zh"], Query()] = "en",
    columns: Annotated[Literal["seed", "all"], Query()] = "seed",
) -> HTMLResponse:
    error = None
    plan: Plan = build_plan([], lang)
    try:
        selection = plan_query(base=query)
        if selection.query.q or selection.query.filters or selection.years:
            plan = await run_in_threadpool(
                plan_from_index, services.index, selection, lang, services.settings.export_cap, columns
            )
    except (InvalidRequest, QuerySyntaxError) as exc:
        error = str(exc)
    context = {
        "page": "plan",
        **plan_context(plan, link_mandates=True),
        "error": error,
        "form": _form_values(query),
        "hidden": _hidden_filters(query),
        "downloads": {fmt: f"/v1/plan?{_query_string(request, fmt)}" for fmt in PLAN_FORMATS},
    }
    return templates.TemplateResponse(
        request, "plan.html", context, status_code=422 if error else 200
    )


def _form_values(request: SearchRequest) -> dict[str, str]:
    query = request.query
    return {"q": query.q, **{f: ", ".join(query.filters.get(f, [])) for f in _SHOWN}}


def _hidden_filters(request: SearchRequest) -> list[tuple[str, str]]:
    hidden = [(f, v) for f, values in request.query.filters.items() if f not in _SHOWN for v in values]
    return hidden + [("year", str(y)) for y in request.years] + [("mode", request.query.mode)]


def _query_string(request: Request, fmt: str) -> str:
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "format"]
    return urlencode([*pairs, ("format", fmt)])
