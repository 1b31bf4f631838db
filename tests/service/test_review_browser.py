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


def test_a_maintainer_works_through_the_review_queue(page, base_url, services) -> None:
    """/review: the token opens the queue, least certain first; one click confirms, one select and click
    corrects; both land as reviewed labels in the index and the page says so."""
    page.goto(f"{base_url}/review")
    page.wait_for_selector("#model-status:not(:empty)")
    assert "Model: shipped weights" in page.locator("#model-status").inner_text()
    page.get_by_label("Maintainer token").fill("wrong-token")
    page.get_by_label("Your name").fill("Queue Reviewer")
    page.get_by_role("button", name="Show the queue").click()
    page.wait_for_function("() => document.querySelector('#queue-status').textContent.startsWith('Error')")
    assert "wrong maintainer token" in page.locator("#queue-status").inner_text()

    page.get_by_label("Maintainer token").fill(TOKEN)
    page.get_by_role("button", name="Show the queue").click()
    page.wait_for_selector("#queue li")
    items = page.locator("#queue li")
    assert items.count() >= 10 and "least certain first" in page.locator("#queue-status").inner_text()
    doubts = [int(t.split("Doubt ")[1].split("%")[0]) for t in page.locator("#queue .doubt").all_inner_texts()]
    assert doubts == sorted(doubts, reverse=True)
    first_id = items.nth(0).locator("a").get_attribute("href").split("/mandates/")[1]
    second_id = items.nth(1).locator("a").get_attribute("href").split("/mandates/")[1]
    first, second = services.index.get(first_id), services.index.get(second_id)
    assert first.action_area_source in ("model", "precedent")

    items.nth(0).get_by_role("button", name="Confirm").click()
    page.wait_for_selector("#queue li:nth-child(1) .review-done")
    assert page.locator("#queue li:nth-child(1) .review-done").inner_text() == "Confirmed: a reviewed label now."
    area = next(a for a in ACTION_AREAS if a != second.action_area)
    items.nth(1).locator("select").select_option(area)
    items.nth(1).get_by_role("button", name="Save").click()
    page.wait_for_selector("#queue li:nth-child(2) .review-done")
    assert page.locator("#queue li:nth-child(2) .review-done").inner_text() == f"Corrected to {AREA_NAMES[area]}."
    page.screenshot(path="/tmp/unea-mandates-review-queue.png", full_page=True)

    assert services.index.get(first_id).action_area_source == "reviewed"
    assert services.index.get(first_id).action_area == first.action_area
    assert services.index.get(second_id).action_area == area
    stored = len(services.corrections.all())  # this module's other test may have corrected one more
    page.wait_for_function(f"() => document.querySelector('#model-status').textContent.includes('{stored} corrections')")
    assert f"{stored} corrections since it was trained; a retrain starts after 25." in page.locator("#model-status").inner_text()
