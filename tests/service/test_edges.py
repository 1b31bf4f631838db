"""Issue 27's defects, each on both backends (the session's `client`/`index`, or a home of its own):
a refused upload or correction leaves no trace, a backend that is down answers 503 without its address,
and a query that would recurse or cost without bound is a 400 naming its limit."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from index.query import MAX_NESTING, MAX_PREFIXES, MAX_TERMS

REPO = Path(__file__).resolve().parents[2]
DOCUMENT = REPO / "corpus" / "bundled" / "UNEP_EA.5_RES.14.json"


@pytest.mark.parametrize("path", ["/v1/mandates", "/v1/export", "/v1/plan"])
@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_a_deeply_nested_query_is_a_400_naming_the_limit(client, path, mode) -> None:
    q = "(" * 300 + "plastic" + ")" * 300  # 607 characters: under the length limit
    r = client.get(path, params={"q": q, "mode": mode})
    if mode == "semantic":  # meaning reads the text as it is: no parser, nothing to nest
        assert r.status_code == 200, r.text
        return
    assert r.status_code == 400, r.text
    assert f"more than {MAX_NESTING} deep" in r.json()["error"]
    fine = client.get(path, params={"q": "(" * 5 + "plastic" + ")" * 5, "mode": mode})
    assert fine.status_code == 200


def test_a_query_of_too_many_terms_or_prefixes_is_refused_before_the_backend(client) -> None:
    many = " OR ".join(f"term{i}" for i in range(MAX_TERMS + 1))
    r = client.get("/v1/mandates", params={"q": many})
    assert r.status_code == 400 and f"more than {MAX_TERMS} words" in r.json()["error"]
    prefixes = " ".join(f"p{i}*" for i in range(MAX_PREFIXES + 1))
    r = client.get("/v1/mandates", params={"q": prefixes})
    assert r.status_code == 400 and "prefix words" in r.json()["error"]
    assert client.get("/v1/mandates", params={"q": " OR ".join(["plastic"] * MAX_TERMS)}).status_code == 200


def test_an_upload_refused_during_a_reindex_is_409_and_not_kept(client, auth, index, settings) -> None:
    from corpus.registry import OriginalStore
    from labelling.ingest import content_hash

    data = DOCUMENT.read_bytes() + b"\n"  # not yet indexed: same text, other bytes
    doc_id = content_hash(data)
    builder = index.start_rebuild()
    try:
        r = client.post("/v1/documents", headers=auth, files={"file": ("busy.json", data, "application/json")})
    finally:
        index.abort_rebuild(builder)
    assert r.status_code == 409, r.text
    assert "busy" in r.json()["error"]
    assert doc_id not in OriginalStore(settings.home)  # a later re-index cannot bring it back
    assert not index.has_document(doc_id)


def test_a_correction_refused_during_a_reindex_leaves_no_trace(client, auth, index, settings) -> None:
    from corpus.corrections import CorrectionStore
    from index.base import SearchQuery

    hit = next(h for h in index.search(SearchQuery(limit=200)).hits if h.mandate.action_area_source == "model")
    before = len(CorrectionStore(settings.home).all())
    builder = index.start_rebuild()
    try:
        r = client.patch(f"/v1/mandates/{hit.mandate.id}", headers=auth,
                         json={"reviewer": "Edge Tester", "action_area": "awareness"})
    finally:
        index.abort_rebuild(builder)
    assert r.status_code == 409, r.text
    assert len(CorrectionStore(settings.home).all()) == before
    assert index.get(hit.mandate.id).action_area_source != "reviewed"
    history = client.get(f"/v1/mandates/{hit.mandate.id}").json()["history"]
    assert not any(entry.get("reviewer") == "Edge Tester" for entry in history)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_elasticsearch_down_answers_503_without_its_address(tmp_path, classifier) -> None:
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.settings import Settings

    port = _closed_port()  # nothing listens there: the node is down
    settings = Settings(home=tmp_path, backend="elasticsearch", elasticsearch_url=f"http://127.0.0.1:{port}",
                        token="down-token", preload=False)
    with TestClient(create_app(settings, classifier=classifier), raise_server_exceptions=False) as client:
        for method, path in (("get", "/v1/mandates?q=plastic"), ("get", "/v1/export?q=plastic"),
                             ("get", "/v1/mandates/abc")):
            r = getattr(client, method)(path)
            assert r.status_code == 503, (path, r.status_code, r.text)
            assert r.headers["Retry-After"] and str(port) not in r.text and "127.0.0.1" not in r.text
        r = client.post("/v1/documents", headers={"Authorization": "Bearer down-token"},
                        files={"file": ("r.json", DOCUMENT.read_bytes(), "application/json")})
        assert r.status_code == 503 and str(port) not in r.text, r.text
        from corpus.registry import OriginalStore

        assert OriginalStore(tmp_path).list() == []  # refused: nothing kept
        assert client.get("/health").status_code == 503


def test_a_pdf_over_the_page_limit_is_413_before_anything_is_read(index, classifier, settings, auth) -> None:
    from fastapi.testclient import TestClient

    from corpus.registry import OriginalStore
    from extractors.formats.pdf import page_count
    from labelling.ingest import content_hash
    from service.app import create_app
    from tests.shared_corpus import SHARED

    data = (SHARED / "corpus" / "un-ga-pdfs" / "A_RES_79_206.pdf").read_bytes()  # a real UN PDF
    pages = page_count(data)
    assert pages and pages > 2
    strict = settings.model_copy(update={"max_pdf_pages": 2})
    with TestClient(create_app(strict, index=index, classifier=classifier), raise_server_exceptions=False) as client:
        r = client.post("/v1/documents", headers=auth, files={"file": ("long.pdf", data, "application/pdf")})
    assert r.status_code == 413, r.text
    assert f"the PDF has {pages} pages" in r.json()["error"] and "MAX_PDF_PAGES" in r.json()["error"]
    assert content_hash(data) not in OriginalStore(settings.home) and not index.has_document(content_hash(data))


def test_an_unknown_page_is_a_page_for_a_browser_and_json_for_the_api(client) -> None:
    page = client.get("/resolutoins/4/6/x", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Page not found" in page.text and 'href="/"' in page.text
    assert page.headers["content-security-policy"]  # the same headers as every page
    api = client.get("/v1/no-such-endpoint", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.json() == {"error": "Not Found"}
    assert client.get("/no-such-page").json() == {"error": "Not Found"}  # a client that asks for no page


@pytest.mark.parametrize(("items", "said"), [
    ('[{"text": ["Requests the Executive Director to report on lead paint;"]}]', "field 'text' must be a string, not list"),
    ('[{"text": 5}, {"text": "Requests the Executive Director to report;"}]', "item 1: field 'text' must be a string, not int"),
    ('[{"text": "Requests the Executive Director to report;", "type": {"a": 1}}]', "field 'type' must be a string, not dict"),
    ('[{"text": "Requests the Executive Director \\ud800 to report;"}]', "lone surrogate (U+D800)"),
])
def test_registry_json_of_the_wrong_shape_is_a_422_naming_the_field_and_is_not_kept(client, auth, index, settings,
                                                                                       items, said) -> None:
    from corpus.registry import OriginalStore
    from labelling.ingest import content_hash

    data = items.encode()
    r = client.post("/v1/documents", headers=auth, files={"file": ("bad.json", data, "application/json")})
    assert r.status_code == 422, r.text
    assert said in r.json()["error"]
    assert content_hash(data) not in OriginalStore(settings.home) and not index.has_document(content_hash(data))


def test_a_query_at_the_length_limit_is_not_refused_for_its_spelling_suggestion(client) -> None:
    from index.query import MAX_QUERY_CHARS

    q = 'plastk "' + "z" * (MAX_QUERY_CHARS - 9) + '"'  # 2,000 characters; "plastic" would make it 2,001
    assert len(q) == MAX_QUERY_CHARS
    r = client.get("/v1/mandates", params={"q": q})
    assert r.status_code == 200, r.text
    assert all(len(s) <= MAX_QUERY_CHARS for s in r.json()["suggestions"])


@pytest.mark.parametrize("mark", ["\u202e", "\u200f", "\u2067", "\u202b\u200e"])
def test_a_direction_mark_before_the_lead_verb_hides_no_mandate(client, mark) -> None:
    text = "Requests the Executive Director to report to the Environment Assembly on lead paint."
    plain = client.post("/v1/classify", json={"text": text}).json()
    marked = client.post("/v1/classify", json={"text": mark + text}).json()
    assert len(plain["mandates"]) == len(marked["mandates"]) == 1
    assert marked["mandates"][0]["text"] == plain["mandates"][0]["text"]  # the marks say how to show, not what
    assert marked["mandates"][0]["actor"] == "unep"
