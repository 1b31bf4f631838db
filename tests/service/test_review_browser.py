"""The correction form of the mandate page in a real browser (Debian's headless Chromium via
Playwright, as tests/service/test_browser.py): a wrong token is refused and nothing changes; with the
token a maintainer's correction shows at once as the mandate's badge, its label source and its history,
and the search page's facet counts follow it. Its own home and index (one real resolution)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.schema import ACTION_AREAS
from tests.service.test_browser import CHROMIUM, CHROMIUM_ARGS, checked_page, serving

REPO = Path(__file__).resolve().parents[2]
DOCUMENT = REPO / "corpus" / "bundled" / "UNEP_EA.4_RES.6.json"
TOKEN = "browser-review-token"
AREA_NAMES = {"knowledge": "Knowledge", "implementation": "Implementation", "infrastructure": "Infrastructure",
              "awareness": "Awareness", "leadership": "Leadership"}  # the page's English words (service/i18n/en.json)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def services(tmp_path_factory, classifier):
    from service.settings import Settings
    from service.usecases.documents import ingest_files
    from service.usecases.services import Services

    home = tmp_path_factory.mktemp("review-browser-home")
    services = Services(Settings(home=home, token=TOKEN, preload=False), classifier=classifier)
    assert ingest_files(services, [DOCUMENT]).ok
    yield services
    services.close()


@pytest.fixture(scope="module")
def base_url(services):

    from service.app import create_app

    app = create_app(services.settings, index=services.index, classifier=services.classifier)
    with serving(app, "review-browser-test") as url:
        yield url


@pytest.fixture()
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        with checked_page(browser, width=1280, height=1000) as tab:
            yield tab
        browser.close()


def test_a_maintainer_corrects_the_area_on_the_mandate_page(page, base_url, services) -> None:
    from index.base import SearchQuery

    hits = services.index.search(SearchQuery(filters={"document": [services.index.list_documents()[0].id]},
                                             limit=100)).hits
    mandate = next(h.mandate for h in hits if h.mandate.action_area_source == "model")
    area = next(a for a in ACTION_AREAS if a != mandate.action_area)

    page.goto(f"{base_url}/mandates/{mandate.id}")
    page.wait_for_selector("#mandate h1")
    assert page.locator("#history li").inner_text() == "No reviewer has corrected this mandate's labels."
    page.get_by_text("Correct the labels (maintainers)").click()
    # the form offers the schema's label sets, in the page's words
    assert page.locator("#review-area option").all_inner_texts()[1:] == [AREA_NAMES[a] for a in ACTION_AREAS]

    page.get_by_label("Maintainer token").fill("wrong-token")
    page.get_by_label("Your name").fill("Browser Reviewer")
    page.get_by_label("Action area").select_option(area)
    page.get_by_role("button", name="Save correction").click()
    page.wait_for_function("() => document.querySelector('#review-status').textContent.startsWith('Error')")
    assert "wrong maintainer token" in page.locator("#review-status").inner_text()
    assert services.index.get(mandate.id).action_area == mandate.action_area

    page.get_by_label("Maintainer token").fill(TOKEN)
    page.get_by_role("button", name="Save correction").click()
    page.wait_for_function("() => document.querySelector('#review-status').textContent.startsWith('Saved')")
    assert page.locator("#mandate .badge.area").inner_text() == AREA_NAMES[area]
    facts = page.locator("#mandate .facts").inner_text()
    assert "Action area · label from\na reviewer" in facts
    history = page.locator("#history li").inner_text()
    assert "Browser Reviewer" in history and f"{AREA_NAMES[mandate.action_area]} → {AREA_NAMES[area]}" in history
    assert "action_areas" not in history  # one area: not repeated as a list
    assert services.index.get(mandate.id).action_area_source == "reviewed"

    # after a reload (the token kept for this tab only) the page still shows it, from the server
    page.reload()
    page.wait_for_selector("#mandate h1")
    assert page.locator("#mandate .badge.area").inner_text() == AREA_NAMES[area]
    assert "Browser Reviewer" in page.locator("#history li").inner_text()
    assert page.get_by_label("Maintainer token", exact=True).input_value() == TOKEN
    page.get_by_text("Correct the labels (maintainers)").click()
    page.screenshot(path="/tmp/unea-mandates-review.png", full_page=True)
