"""Every HTML response carries a Content-Security-Policy, nosniff, a Referrer-Policy and refuses to
be framed; the app's pages hold no inline script or style, so their strict policy breaks nothing."""

from __future__ import annotations

import re

import pytest

from service.security_headers import DOCS_CSP, DOCUMENT_CSP, PAGE_CSP
from tests.service.conftest import REPO


def _assert_html_headers(response, csp: str) -> None:
    assert response.headers["content-type"].startswith("text/html"), response.headers
    assert response.headers["content-security-policy"] == csp
    assert "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp
    assert "object-src 'none'" in csp or csp.startswith("default-src 'none'")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"


def test_the_app_pages_get_the_strict_policy(client) -> None:
    mandate = client.get("/v1/mandates", params={"q": "plastic", "limit": 1}).json()["hits"][0]["mandate"]
    for path in ("/", f"/mandates/{mandate['id']}", "/mandates/no-such-id", "/plan"):
        response = client.get(path)
        assert response.status_code in (200, 422), (path, response.status_code)
        _assert_html_headers(response, PAGE_CSP)
    assert "'unsafe-inline'" not in PAGE_CSP and "script-src" not in PAGE_CSP  # scripts: 'self' only


def test_a_printable_document_gets_no_scripts(client) -> None:
    response = client.get("/v1/plan", params={"session": "2", "format": "html"})
    assert response.status_code == 200, response.text
    _assert_html_headers(response, DOCUMENT_CSP)
    assert "script-src" not in DOCUMENT_CSP and DOCUMENT_CSP.startswith("default-src 'none'")


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_api_docs_load_only_from_this_server(client, path) -> None:
    response = client.get(path)
    assert response.status_code == 200
    _assert_html_headers(response, DOCS_CSP)
    assert "https://" not in DOCS_CSP
    assets = re.findall(r'(?:src|href)=["\']([^"\']+)', response.text)
    assert assets and not [a for a in assets if "//" in a]  # no CDN: /docs works offline
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_json_answers_are_not_sniffed(client) -> None:
    for path in ("/health", "/v1/mandates?q=plastic", "/v1/mandates/no-such-id"):
        response = client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "content-security-policy" not in response.headers  # JSON is no page


def test_the_templates_hold_no_inline_script_or_style() -> None:
    for template in sorted((REPO / "service" / "templates").glob("*.html")):
        if template.name.startswith("plan_"):  # the printable plan document: served with DOCUMENT_CSP
            continue
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template.name
        assert "<style" not in text and " style=" not in text and not re.search(r"\son\w+=", text), template.name
