"""The FastAPI application: API under /v1, the search page at /, errors as JSON.

`create_app(settings=None, index=None, classifier=None, embedder=None)` builds it; tests inject
their own index/classifier. Heavy things (jieba, the classifier, the index) are imported and
loaded lazily, once: at start-up when `settings.preload` (the server), else on first use.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from index.base import IndexBusy, MandateIndex, QuerySyntaxError, is_unavailable
from service.security_headers import SecurityHeaders
from service.settings import Settings
from service.usecases.errors import (
    InvalidLabel,
    InvalidRequest,
    NotFound,
    NotSwapped,
    RetrainRunning,
    TooLarge,
    UnknownFilterValue,
    Unreadable,
    UseCaseError,
)
from service.usecases.services import Services

if TYPE_CHECKING:
    from models.classifiers import MandateClassifier
    from models.embedders import Embedder

log = logging.getLogger("unea_mandates.service")

UPLOAD_PATH = "/v1/documents"


class BodySizeLimit:
    """Refuse upload bodies over the limit while they stream in, before they are all read.

    Starlette parses multipart bodies itself; this pure-ASGI wrapper answers 413 on a too-large
    Content-Length at once, and otherwise counts bytes as they arrive (chunked uploads).
    """

    def __init__(self, app: ASGIApp, max_bytes: int, path: str = UPLOAD_PATH):
        self.app = app
        self.max_bytes = max_bytes
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"].rstrip("/") != self.path:
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await _too_large(limit, send)
                    return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise StarletteHTTPException(413, _too_large_message(limit))
            return message

        await self.app(scope, counting_receive, send)


def _too_large_message(limit: int) -> str:
    return f"upload is larger than the limit of {limit} bytes ({limit / 1024 / 1024:.1f} MiB)"


async def _too_large(limit: int, send: Send) -> None:
    response = JSONResponse({"error": _too_large_message(limit)}, status_code=413)
    await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:  # pragma: no cover - JSONResponse never reads the body
    return {"type": "http.disconnect"}


def _install_error_handlers(app: FastAPI) -> None:
    """Every error is {"error": message}; nothing ever answers with a stack trace."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and _wants_a_page(request):  # a person's browser: a page, not JSON
            from service.web import templates

            return templates.TemplateResponse(request, "not_found.html", {"page": "not-found"}, status_code=404)
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
            problems.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg")))
        return JSONResponse({"error": "invalid request: " + "; ".join(problems)}, status_code=422)

    @app.exception_handler(QuerySyntaxError)
    async def query_error(_request: Request, exc: QuerySyntaxError) -> JSONResponse:
        return JSONResponse({"error": f"malformed query: {exc}"}, status_code=400)

    @app.exception_handler(IndexBusy)
    async def index_busy(_request: Request, exc: IndexBusy) -> JSONResponse:
        return JSONResponse({"error": f"the index is busy: {exc}"}, status_code=409)

    @app.exception_handler(UseCaseError)
    async def refused(_request: Request, exc: UseCaseError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=_STATUS.get(type(exc), 500))

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        if is_unavailable(exc):  # the backend is down or hung: say so, without its address; retry later
            log.warning("index backend unavailable on %s %s: %s", request.method, request.url.path, type(exc).__name__)
            return JSONResponse({"error": "the search index is unavailable or did not answer in time; try again "
                                 "shortly"}, status_code=503, headers={"Retry-After": "10"})
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"error": "internal error; the server log has the details"}, status_code=500)


def _wants_a_page(request: Request) -> bool:
    """A browser asking for a page (HTML first in Accept), outside the API."""
    accept = request.headers.get("accept", "")
    return not request.url.path.startswith(("/v1/", "/v1", "/health", "/openapi")) and accept.startswith("text/html")


# A use case's refusal → its HTTP status.
_STATUS: dict[type[UseCaseError], int] = {
    InvalidRequest: 422,
    UnknownFilterValue: 400,
    InvalidLabel: 400,
    NotFound: 404,
    TooLarge: 413,
    Unreadable: 422,
    NotSwapped: 500,
    RetrainRunning: 409,
}


def create_app(
    settings: Settings | None = None,
    index: MandateIndex | None = None,
    classifier: MandateClassifier | None = None,
    embedder: Embedder | None = None,
    freeze_after_start: bool = False,
) -> FastAPI:
    """The API and pages. `freeze_after_start` (the server's processes, not tests): after preload,
    what start-up loaded is kept out of the cyclic collector (gc.freeze): a full collection over it
    (~380k objects: spaCy, the classifier's vocabulary, the index's arrays) took 250 ms, and one
    landing in a request stalled it and every request queued behind it."""
    settings = settings or Settings.from_env()
    services = Services(settings, index=index, classifier=classifier, embedder=embedder)
    services.background_jobs = True  # a server lives on: a retrain after N corrections may run beside requests

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.preload:
            services.preload()
            if freeze_after_start:
                gc.collect()  # start-up's garbage goes now; only what lives on is frozen
                gc.freeze()
        yield
        services.close()

    app = FastAPI(
        title="unea-mandates",
        version="0.1.0",
        summary="Mandates in UN Environment Assembly resolutions: classify drafts, search precedents.",
        docs_url=None,  # served by service.docs from the fastapi-offline package: no CDN
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.settings = settings
    _install_error_handlers(app)

    from service import web_plan
    from service.api import classify, documents, export, health, mandates, plan, resolutions, review
    from service.docs import mount_docs
    from service.web import mount_web

    app.include_router(health.router)
    for module in (classify, mandates, documents, export, plan, resolutions, review):
        app.include_router(module.router, prefix="/v1")
    mount_docs(app)
    mount_web(app)
    app.include_router(web_plan.router)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes)
    app.add_middleware(SecurityHeaders)  # outermost: every response, errors included
    return app


def create_served_app() -> FastAPI:
    """The app each `serve --workers N` process builds (from the environment), collector frozen after start."""
    return create_app(freeze_after_start=True)
