"""The /plan page in a real browser (Debian's headless Chromium via Playwright, as test_browser.py):
`/plan?session=6` over an index of the bundled UNEA-6 resolutions, its table, and its print view."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.service.test_browser import CHROMIUM, CHROMIUM_ARGS, checked_page, serving

REPO = Path(__file__).resolve().parents[2]
UNEA6 = sorted((REPO / "corpus" / "bundled").glob("UNEP_EA.6_RES.*.json"))
SCREENSHOT = Path("/tmp/unea-mandates-plan.png")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]


@pytest.fixture(scope="module")
def unea6_url(tmp_path_factory, classifier):

    from corpus.registry import OriginalStore
    from index import open_index
    from labelling.ingest import ingest_paths
    from models.embedders import get_default_embedder
    from service.app import create_app
    from service.settings import Settings

    home = tmp_path_factory.mktemp("plan-unea6")
    index = open_index(backend="sqlite", home=home, embedder=get_default_embedder())
    ingest_paths(UNEA6, index, classifier=classifier, store=OriginalStore(home))
    app = create_app(Settings(home=home, preload=False), index=index, classifier=classifier)
    with serving(app, "plan-test") as url:
        yield url, index
    index.close()


@pytest.fixture()
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        with checked_page(browser, width=1400, height=900) as tab:
            yield tab
        browser.close()


def test_plan_page_of_session_6_and_its_print_view(page, unea6_url, tmp_path) -> None:
    from service.plan_formats import Headings
    from service.usecases.plan import plan_from_index, plan_query

    base_url, index = unea6_url
    plan = plan_from_index(index, plan_query(["6"]))
    # the search page links the plan of its current search
    page.goto(f"{base_url}/?q=air&session=6")
    page.wait_for_function("() => document.querySelector('#plan-link').getAttribute('href').includes('q=air')")
    href = page.locator("#plan-link").get_attribute("href")
    assert href.startswith("/plan?") and "session=6" in href and "lang=en" in href
    page.goto(f"{base_url}/plan?session=6")
    table = page.locator("table.plan-table")
    assert table.is_visible()
    headers = table.locator("thead th").all_inner_texts()
    assert headers[0] == "UNEA resolution" and headers[1].startswith("Tasks for UNEP")
    assert (
        headers[2].startswith("Tasks / calls to action for Member States")
        and len(headers) == len(plan.actors) + 1
    )
    sections = table.locator("tr.section-row th").all_inner_texts()
    assert sections == [Headings("en").area(s.area) for s in plan.sections]
    assert table.locator("tr.resolution-row").count() == sum(len(s.rows) for s in plan.sections)
    assert table.locator("li.bullet").count() == plan.bullet_count
    first_row = table.locator("tr.resolution-row").first.locator("th").inner_text()
    assert first_row.startswith("6/")
    # a bullet opens its mandate's page (the paragraph in context, for review)
    bullet = table.locator("li.bullet a").first
    assert bullet.get_attribute("href").startswith("/mandates/")
    # the seed's colours: a UNEP bullet done alone is blue, a Member States' one green
    unep = table.locator("td[data-actor=unep] li.alone").first
    assert unep.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(221, 235, 247)"
    ms = table.locator("td[data-actor=member_states] li.alone").first
    assert ms.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(226, 239, 218)"
    downloads = page.locator(".plan-downloads a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert {d.split("format=")[1] for d in downloads} == {"docx", "html", "csv", "jsonl"}
    page.screenshot(path=str(SCREENSHOT))

    # The language toggle redraws the plan with Chinese headings (the bullets stay in English).
    page.get_by_role("button", name="切换到中文").click()
    page.wait_for_url(lambda url: "lang=zh" in url)
    assert page.locator("tr.section-row th").first.inner_text().startswith("行动领域 1")
    assert page.locator("thead th").first.inner_text() == "联合国环境大会决议"
    assert page.locator("li.bullet").count() == plan.bullet_count
    page.get_by_role("button", name="Switch to English").click()
    page.wait_for_url(lambda url: "lang=en" in url)
    table = page.locator("table.plan-table")

    # The print view: filters, downloads, page header and footer hidden; the table and its header row stay.
    page.emulate_media(media="print")
    assert not page.locator("form.plan-filters").is_visible()
    assert not page.locator(".plan-downloads").is_visible()
    assert not page.locator("header.top").is_visible()
    assert table.is_visible() and table.locator("li.bullet").first.is_visible()
    assert table.locator("thead").evaluate("e => getComputedStyle(e).display") == "table-header-group"
    printed = tmp_path / "plan.pdf"
    page.pdf(path=str(printed), prefer_css_page_size=True, print_background=True)
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(printed))
    try:
        assert len(pdf) >= 2
        width, height = pdf[0].get_size()
        assert width > height  # A4 landscape, from the print stylesheet
        first_page = pdf[0].get_textpage().get_text_range()
        assert "UNEA resolution" in first_page and "Draft plan" not in first_page
        # the header row repeats on the next page
        assert "UNEA resolution" in pdf[1].get_textpage().get_text_range()
    finally:
        pdf.close()
