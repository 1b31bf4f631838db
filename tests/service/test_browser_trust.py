"""Issue 15 in a real browser (Debian's Chromium via Playwright, as tests/service/test_browser.py):
dead ends lead somewhere (1), counts mean something (2), table rows are citable (3), a resolution
can be browsed (5), /docs works offline and the small things of point 7.

On failure each test leaves a screenshot in $UNEA_BROWSER_ARTEFACTS (default
/tmp/unea-browser-artefacts) for CI to keep.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path

from index.fields import RELEVANCE_FLOOR
from tests.service.test_browser import _search, base_url, pytestmark  # noqa: F401  (fixtures)

ARTEFACTS = Path(os.environ.get("UNEA_BROWSER_ARTEFACTS", "/tmp/unea-browser-artefacts"))


@contextmanager
def screenshot_on_failure(tab, name: str):  # type: ignore[no-untyped-def]
    try:
        yield
    except BaseException:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)
        raise


def _wait_status(tab) -> str:  # type: ignore[no-untyped-def]
    tab.wait_for_function("() => !document.querySelector('#status').textContent.includes('…')")
    return tab.locator("#status").inner_text()


def test_dead_ends_offer_spellings_and_the_closest_by_meaning(page, base_url) -> None:  # noqa: F811
    with screenshot_on_failure(page, "dead-ends"):
        page.goto(base_url + "/")
        _search(page, "lead paint")
        assert page.locator("#status").inner_text() == "No exact match."
        related = page.locator("#related-box")
        assert related.is_visible()
        assert "Closest by meaning" in related.locator("h2").inner_text()
        assert "含铅涂料" in related.locator(".hit").first.inner_text()
        assert page.locator("#hits .hit").count() == 0

        _search(page, "plastik")
        suggestion = page.locator("#notice .suggestion").filter(has_text=re.compile(r"^plastic$"))
        assert suggestion.count() == 1
        suggestion.click()
        page.wait_for_url(re.compile(r"q=plastic(&|$)"))
        _wait_status(page)
        assert page.locator("#hits .hit").count() > 0


def test_semantic_counts_are_the_hits_above_the_floor(page, base_url) -> None:  # noqa: F811
    with screenshot_on_failure(page, "counts"):
        page.goto(base_url + "/?q=marine+plastic+litter&mode=hybrid")
        status = _wait_status(page)
        assert f"similarity ≥ {RELEVANCE_FLOOR}" in status
        total = int(re.search(r"(\d+) mandates", status).group(1))
        chinese = page.locator('fieldset[data-field="language"] .facet-row').filter(has_text="Chinese")
        expected = int(chinese.locator(".count").inner_text())
        assert expected < total
        chinese.locator("input").check()
        page.wait_for_url(re.compile(r"language=zh"))
        page.wait_for_function("n => document.querySelector('#status').textContent.startsWith(n + ' ')", arg=str(expected))


def test_table_rows_are_cited_by_their_place_in_both_languages(page, base_url) -> None:  # noqa: F811
    with screenshot_on_failure(page, "citations"):
        page.goto(base_url + "/?q=含铅涂料")
        _wait_status(page)
        citations = page.locator("#hits .citation").all_inner_texts()
        assert citations and all(re.fullmatch(r"UNEP/EA\.4/3, annex II, row \d+(, item \d+)? \(on resolution \d/\d+\)", c) for c in citations)
        assert len(set(citations)) == len(citations)
        page.get_by_role("button", name="切换到中文").click()
        zh = page.locator("#hits .citation").first.inner_text()
        assert re.fullmatch(r"UNEP/EA\.4/3，附件II，第\d+行(第\d+项)?（关于第\d/\d+号决议）", zh), zh
        page.get_by_role("button", name="Switch to English").click()


def test_a_symbol_opens_the_resolution_and_its_page(page, base_url) -> None:  # noqa: F811
    with screenshot_on_failure(page, "resolution"):
        page.goto(base_url + "/")
        _search(page, "4/6")
        assert "Resolution UNEP/EA.4/Res.6" in page.locator("#notice").inner_text()
        citations = page.locator("#hits .citation").all_inner_texts()
        assert citations[:3] == ["UNEP/EA.4/Res.6, para. 1", "UNEP/EA.4/Res.6, para. 2(a)", "UNEP/EA.4/Res.6, para. 2(b)"]
        assert page.get_by_label("Sort").input_value() == "relevance"  # the request's sort; the answer is in paragraph order

        # the resolution facet lists every value: a "more" button and a search box
        facet = page.locator('fieldset[data-field="resolution"]')
        page.goto(base_url + "/")
        _wait_status(page)
        shown = facet.locator(".facet-row").count()
        facet.locator(".facet-more").click()
        assert facet.locator(".facet-row").count() > shown
        facet.locator(".facet-search").fill("Res.14")
        rows = facet.locator(".facet-row").all_inner_texts()
        assert rows and all("Res.14" in r for r in rows)

        page.goto(base_url + "/?q=UNEP/EA.4/Res.6")
        _wait_status(page)
        page.locator("#notice a").click()
        page.wait_for_url(re.compile(r"/resolutions/UNEP/EA\.4/Res\.6$"))
        page.wait_for_selector("#resolution h1")
        assert page.locator("#resolution .adopted").inner_text() == "2019-03-15"
        assert page.locator("#resolution a.official").get_attribute("href") == "https://undocs.org/UNEP/EA.4/Res.6"
        assert page.locator("#operative li").count() > page.locator("#operative li.has-mandate").count() > 10


def test_docs_work_without_internet(browser, base_url) -> None:  # noqa: F811
    context = browser.new_context()
    outside: list[str] = []

    def only_this_server(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_this_server)
    tab = context.new_page()
    for path in ("/docs", "/redoc"):
        with screenshot_on_failure(tab, path.strip("/")):
            tab.goto(base_url + path)
            if path == "/docs":
                tab.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
                assert tab.locator(".swagger-ui .opblock").count() > 5
            else:
                tab.wait_for_selector("redoc [role=menuitem], .menu-content", timeout=30_000)
            assert not outside, outside
    context.close()


def test_small_things(page, base_url) -> None:  # noqa: F811
    with screenshot_on_failure(page, "small-things"):
        page.goto(base_url + "/?q=plastic+OR+微塑料")
        _wait_status(page)
        assert page.locator("#next").is_enabled()
        page.mouse.wheel(0, 4000)
        page.locator("#next").click()
        page.wait_for_url(re.compile(r"offset=20"))
        _wait_status(page)
        assert page.evaluate("window.scrollY") == 0  # Next takes the reader to the top of the new page

        _search(page, '"unclosed')  # a malformed query: no old facets or live Next left on screen
        assert page.locator("#status").inner_text().startswith("Error")
        assert page.locator("#facets .facet").count() == 0 and page.locator("#hits .hit").count() == 0
        assert page.locator("#next").is_disabled()
        page.get_by_role("button", name="切换到中文").click()
        page.wait_for_function("() => document.querySelector('#status').textContent.includes('查询格式有误')")
        page.get_by_role("button", name="Switch to English").click()

        page.set_viewport_size({"width": 390, "height": 844})  # a phone: the results come first
        page.goto(base_url + "/?q=plastic")
        _wait_status(page)
        assert page.locator("#filters-box").get_attribute("open") is None
        assert page.locator("#hits .hit").first.bounding_box()["y"] < 844
        # the coverage line comes from its own request (/v1/documents), which may land after the search
        page.wait_for_function("() => document.querySelector('#coverage').textContent.includes('documents')")
