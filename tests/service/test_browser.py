"""The search page in a real browser: Debian's headless Chromium driven by Playwright.

The real app runs under uvicorn on a free loopback port over the session's index (the seed and
bundled registry resolutions, ingested through the real pipeline). The test searches 微塑料 and
"Executive Director", applies a facet, opens a mandate, and checks what a person sees.
Playwright drives /usr/bin/chromium; it never downloads a browser (`playwright install`).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = Path("/tmp/unea-mandates-search.png")
TIMEOUT_MS = 30_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(app, name: str) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app under uvicorn in a thread on a free loopback port; yields its base URL (every page test's server)."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{name}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def checked_page(browser, width: int, height: int) -> Iterator:  # type: ignore[no-untyped-def]
    """A page in a fresh English context; fails the test if the page raised a JavaScript error."""
    context = browser.new_context(locale="en-GB", viewport={"width": width, "height": height})
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture(scope="module")
def base_url(settings, index, classifier):
    from service.app import create_app

    with serving(create_app(settings, index=index, classifier=classifier), "browser-test") as url:
        yield url


def _search(page, text: str) -> None:
    page.get_by_label("Search mandates").fill(text)
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_function(
        "q => new URLSearchParams(location.search).get('q') === q && document.querySelector('#status').textContent"
        " && !document.querySelector('#status').textContent.includes('…')",
        arg=text,
    )


def _total(page) -> int:
    status = page.locator("#status").inner_text()
    match = re.search(r"(\d+) mandates?\b", status)
    assert match, status
    return int(match.group(1))


def test_search_facet_and_mandate_page(page, base_url) -> None:
    page.goto(base_url + "/")
    page.wait_for_selector(".hit")
    assert page.get_by_label("Search mandates").is_visible()
    assert page.get_by_label("Mode").input_value() == "keyword"

    # 微塑料: Chinese mandates with the word highlighted, cited and badged.
    _search(page, "微塑料")
    assert _total(page) >= 1
    first = page.locator(".hit").first
    marks = first.locator("mark").all_inner_texts()
    assert marks and all(m in "微塑料" or "微塑料" in m for m in marks)
    assert "微塑料" in first.locator(".mandate-text").inner_text()
    assert first.locator(".citation").inner_text().startswith("UNEP/EA.")
    assert first.locator(".badge.lang").inner_text() == "Chinese"
    # the highlight is rendered as markup, never shown as escaped tags
    assert "<mark>" not in first.inner_text()

    # "Executive Director": English mandates, each word highlighted.
    _search(page, "Executive Director")
    total = _total(page)
    assert total >= 3
    marked = {m.lower() for m in page.locator(".hit mark").all_inner_texts()}
    assert {"executive", "director"} <= marked or "executive director" in marked

    # A facet: tick resolution 2/11 (its mandates are also in the seed's Chinese table) and the
    # results narrow to exactly its count.
    facet = page.locator('fieldset[data-field="resolution"] .facet-row').filter(has_text="UNEP/EA.2/Res.11")
    count = int(facet.locator(".count").inner_text())
    facet.locator("input[type=checkbox]").check()
    page.wait_for_url(re.compile(r"resolution="))
    page.wait_for_function(
        "n => document.querySelector('#status').textContent.startsWith(n + ' ')", arg=str(count)
    )
    assert _total(page) == count <= total
    citations = page.locator(".hit .citation").all_inner_texts()
    assert citations and all(c.startswith("UNEP/EA.2/Res.11") for c in citations)
    assert page.locator(".hit").first.locator(".badge.actor").count() == 1
    assert page.locator('fieldset[data-field="resolution"] input:checked').count() == 1
    export = page.locator("#export-csv").get_attribute("href")
    assert export.startswith("/v1/export?") and "resolution=" in export and "format=csv" in export
    page.screenshot(path=str(SCREENSHOT), full_page=False)

    # Open a mandate: its citation, its paragraph in context, its Chinese version.
    link = page.locator(".hit .citation").first
    citation = link.inner_text()
    hit_text = page.locator(".hit .mandate-text").first.inner_text()
    actor = page.locator(".hit .badge.actor").first.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/mandates/"))
    page.wait_for_selector("#mandate h1")
    assert page.locator("#mandate h1").inner_text() == citation
    assert page.locator("#mandate blockquote").inner_text() == hit_text
    assert page.locator("#mandate .badge.actor").inner_text() == actor
    current = page.locator("#context li.current")
    assert current.count() == 1 and hit_text in current.inner_text()
    assert page.get_by_role("heading", name="Other language versions").is_visible()
    chinese = page.locator("#other-languages .other-version blockquote[lang=zh]")
    assert chinese.count() >= 1 and re.search("[\u4e00-\u9fff]", chinese.first.inner_text())
    # the seed's table row on 2/11, cited by its place in the report
    assert "(on resolution 2/11)" in page.locator("#other-languages .citation").first.inner_text()

    # The interface in Chinese.
    page.get_by_role("button", name="切换到中文").click()
    assert page.get_by_role("heading", name="其他语文版本").is_visible()
    assert page.get_by_role("heading", name="段落上下文").is_visible()
    page.go_back()
    page.wait_for_selector(".hit")
    assert page.get_by_role("button", name="检索", exact=True).is_visible()


def test_the_page_in_the_six_un_languages(page, base_url) -> None:
    """The language menu redraws the page in each UN language; Arabic is drawn right to left."""
    page.goto(base_url + "/")
    page.wait_for_selector("#lang-select")
    for code, search in (("fr", "Rechercher"), ("es", "Buscar"), ("ru", "Найти"), ("ar", "بحث"),
                         ("zh", "检索"), ("en", "Search")):
        page.select_option("#lang-select", code)
        assert page.get_by_role("button", name=search, exact=True).is_visible(), code
        html = page.locator("html")
        assert html.get_attribute("lang") == ("zh-Hans" if code == "zh" else code)
        assert html.get_attribute("dir") == ("rtl" if code == "ar" else "ltr"), code
        if code == "ar":  # the header really is laid out right to left
            assert page.evaluate("getComputedStyle(document.querySelector('.top')).direction") == "rtl"
    page.reload()
    assert page.locator("html").get_attribute("dir") == "ltr"


# A hostile upload, written here on purpose: markup in a resolution's title and in a mandate.
HOSTILE = b"""United Nations Environment Assembly of the United Nations Environment Programme

9/1. Marine litter <script>window.pwned = "title"</script>

The United Nations Environment Assembly,

1. Requests the Executive Director to publish <b>guidance</b> on <img src=x onerror="window.pwned='img'"> marine litter & microplastics;
"""


def test_markup_in_documents_is_shown_as_text_never_run(page, base_url) -> None:
    import httpx

    from tests.service.conftest import TOKEN

    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = httpx.post(
        f"{base_url}/v1/documents", files={"file": ("hostile.txt", HOSTILE)}, headers=auth, timeout=60
    )
    assert r.status_code == 201, r.text
    doc_id = r.json()["document"]["id"]
    try:
        page.goto(f"{base_url}/?q=guidance")
        page.wait_for_selector(".hit mark")
        hit = page.locator(".hit").filter(has_text="onerror")
        text = hit.locator(".mandate-text").inner_text()
        assert "<img src=x onerror=\"window.pwned='img'\">" in text and "<b>guidance</b>" in text
        assert hit.locator("mark").all_inner_texts() == ["guidance"]
        assert page.locator(".hits img, .hits b, .hits script").count() == 0
        hit.locator(".citation").click()
        page.wait_for_selector("#mandate h1")
        assert "<script>" in page.locator("#mandate .res-title").inner_text()
        assert page.locator("#main img, #main script").count() == 0
        assert page.evaluate("typeof window.pwned") == "undefined"
    finally:
        httpx.delete(f"{base_url}/v1/documents/{doc_id}", headers=auth, timeout=60)


def test_a_paragraphs_second_mandate_is_cited_as_such_in_every_language(page, base_url) -> None:
    """UNEP/EA.2/Res.11 para. 11 holds two mandates: English cites "…, para. 11, second mandate"; the other
    languages' citations keep which mandate it is ("第11段，第2项任务"), never two identical citations."""
    from urllib.parse import quote

    page.goto(base_url + "/?q=" + quote('"within available resources"') + "&resolution=UNEP/EA.2/Res.11")
    page.wait_for_selector(".hit .citation")
    english = page.locator(".hit .citation").all_inner_texts()
    assert "UNEP/EA.2/Res.11, para. 11, second mandate" in english, english
    for code, cited in (("zh", "UNEP/EA.2/Res.11，第11段，第2项任务"), ("fr", "UNEP/EA.2/Res.11, par. 11, mandat 2")):
        page.select_option("#lang-select", code)
        page.wait_for_function("c => [...document.querySelectorAll('.hit .citation')].some(e => e.textContent === c)",
                               arg=cited)
        citations = page.locator(".hit .citation").all_inner_texts()
        assert len(set(citations)) == len(citations), citations
        if code == "zh":
            page.wait_for_function("() => document.getElementById('coverage').textContent.startsWith('索引收录')")
            page.screenshot(path="/tmp/unea-mandates-second-mandate-zh.png", full_page=True)
    page.select_option("#lang-select", "en")
