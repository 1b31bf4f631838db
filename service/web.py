"""The pages for legal officers and maintainers (search, a resolution, a mandate, the review queue; the plan's are
service/web_plan.py): Jinja2 templates whose plain JS calls the /v1 API.

No build step: templates in service/templates, JS/CSS in service/static.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from extractors.schema import ACTION_AREAS, ACTORS
from service.i18n import ui_strings

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))

# Every HTML response gets its security headers (CSP …) from service.security_headers, a middleware.


@cache
def _strings_script() -> str:
    return f'"use strict";\nconst STRINGS = {json.dumps(ui_strings(), ensure_ascii=False)};\n'


def mount_web(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.get("/i18n/strings.js", include_in_schema=False)
    def interface_strings() -> Response:
        # the six languages' tables (service/i18n) as one script every page loads before common.js,
        # so a language switch redraws at once; a script file, not an inline one (the pages' CSP)
        return Response(_strings_script(), media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=3600"})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "search.html", {"page": "search"})

    @app.get("/resolutions/{symbol:path}", response_class=HTMLResponse, include_in_schema=False)
    def resolution_page(request: Request, symbol: str) -> HTMLResponse:
        # The symbol reaches the page through Jinja2's autoescaping; the JS fetches the resolution.
        return templates.TemplateResponse(request, "resolution.html", {"page": "resolution", "symbol": symbol})

    @app.get("/review", response_class=HTMLResponse, include_in_schema=False)
    def review_page(request: Request) -> HTMLResponse:
        # The page is public markup; its queue and every action need the maintainer token (the API's).
        return templates.TemplateResponse(request, "review.html", {"page": "review", "action_areas": ACTION_AREAS})

    @app.get("/mandates/{mandate_id}", response_class=HTMLResponse, include_in_schema=False)
    def mandate_page(request: Request, mandate_id: str) -> HTMLResponse:
        # The id goes to the page through Jinja2's autoescaping; the JS fetches the mandate. The
        # correction form offers the schema's label sets (defined once, in extractors.schema).
        context = {"page": "mandate", "mandate_id": mandate_id, "actors": ACTORS, "action_areas": ACTION_AREAS}
        return templates.TemplateResponse(request, "mandate.html", context)
