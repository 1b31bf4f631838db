"""Security headers on every response: nosniff everywhere; on every HTML response a Content-Security-
Policy, Referrer-Policy and framing refused (frame-ancestors and X-Frame-Options for old browsers).

Three policies, by what the HTML is:
- the app's pages (templates + /static): only their own scripts and styles, so injected markup could
  not run even if it got past the escaping;
- an HTML document the API hands out (it comes with a Content-Disposition, inline or attachment:
  the printable plan): no scripts at all, its own inline styles only;
- the API docs (/docs, /redoc): Swagger UI and ReDoc served from this server (service/docs.py, no
  CDN), configured by an inline script.
A route that sets its own Content-Security-Policy keeps it.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
DOCUMENT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")

HTML_HEADERS = {
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def policy_for(path: str, disposition: str) -> str:
    if path.startswith(DOCS_PATHS):
        return DOCS_CSP
    if disposition:
        return DOCUMENT_CSP
    return PAGE_CSP


class SecurityHeaders:
    """Pure ASGI (streams pass through untouched): adds the headers when the response starts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if headers.get("content-type", "").lower().startswith("text/html"):
                    csp = policy_for(scope["path"], headers.get("content-disposition", ""))
                    headers.setdefault("Content-Security-Policy", csp)
                    for name, value in HTML_HEADERS.items():
                        headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
