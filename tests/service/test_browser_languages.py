"""The pages in the six UN languages, in headless Chromium, over an index of real text in all six.

The index holds the operative lines of the UN Parallel Corpus sample
(../shared/corpus/un-parallel/un-parallel-sample.jsonl) in ar, en, es, fr, ru and zh, one document per
UN document and language, read by the extractors in its own language, so every mandate has its versions.
Checked: Arabic pages are right to left, and so are their highlights and facets; the search, mandate
(with its review form) and plan pages switch to each language; counts take their language's plural.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from extractors.pipeline import extract_draft
from extractors.schema import Document, content_hash
from labelling.versions import agree_versions
from service.i18n import UI_LANGUAGES, ui_strings
from tests.service.conftest import TOKEN
from tests.service.test_browser import CHROMIUM, serving
from tests.shared_corpus import UN_PARALLEL_SAMPLE, operative_parallel_rows

SAMPLE = UN_PARALLEL_SAMPLE
HEADINGS = Path(__file__).resolve().parents[2] / "service" / "plan_formats" / "headings.json"
SHOTS = Path("/tmp/unea-mandates-languages")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def six_language_url(tmp_path_factory, classifier):
    from service.app import create_app
    from service.settings import Settings
    from tests.index.backends import open_backend

    home = tmp_path_factory.mktemp("six-languages-home")
    store = open_backend("sqlite", home)
    for document, rows in operative_parallel_rows().items():
        for language in UI_LANGUAGES:
            doc_id = content_hash(f"{document}|{language}".encode())
            text = "\n\n".join(r[language] for r in rows)
            mandates = [m.model_copy(update={"document": doc_id, "resolution": document})
                        for m in extract_draft(text, language=language)]
            store.replace_document(  # labelled, then the versions agreed, as labelling.ingest does
                Document(id=doc_id, source_file=f"{document}.{language}", language=language),
                classifier.label(mandates))
    agree_versions(store, None, classifier.area_calibration)
    app = create_app(Settings(home=home, token=TOKEN, preload=False), index=store, classifier=classifier)
    with serving(app, "six-languages") as url:
        yield url
    store.close()


def _switch(page, language: str) -> None:
    page.select_option("#lang-select", language)
    page.wait_for_function("lang => document.documentElement.lang.startsWith(lang)", arg=language)


def _search(page, text: str) -> None:
    page.fill("#q", text)
    page.click("#search-form button[type=submit]")
    page.wait_for_function(
        "q => new URLSearchParams(location.search).get('q') === q && document.querySelector('#status').textContent"
        " && !document.querySelector('#status').textContent.endsWith('…')",
        arg=text,
    )


def test_arabic_search_is_right_to_left_with_its_highlights_and_facets(page, six_language_url) -> None:
    ar = ui_strings()["ar"]
    page.goto(six_language_url + "/")
    _switch(page, "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    _search(page, "الأمين العام")
    page.wait_for_selector(".hit mark")
    # nothing pushes the page wider than the window (an element parked off the left edge would, right to left)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert page.locator("#search-form").bounding_box()["x"] >= 0
    hit = page.locator(".hit").filter(has=page.locator(".mandate-text[lang=ar] mark")).first
    paragraph = hit.locator(".mandate-text")
    assert paragraph.evaluate("el => getComputedStyle(el).direction") == "rtl"
    # a symbol keeps its left-to-right order inside the right-to-left page ("2015/a/69/687, para. 4")
    assert hit.locator(".citation").evaluate("el => getComputedStyle(el).direction") == "ltr"
    marks = paragraph.locator("mark")
    assert any("مين" in m for m in marks.all_inner_texts()), marks.all_inner_texts()
    # the highlight lies inside its right-to-left paragraph, and the paragraph starts at the right edge
    box, mark = paragraph.bounding_box(), marks.first.bounding_box()
    assert box["x"] <= mark["x"] and mark["x"] + mark["width"] <= box["x"] + box["width"] + 1
    first_line_end = paragraph.evaluate(
        "el => { const r = document.createRange(); r.setStart(el.firstChild, 0); r.setEnd(el.firstChild, 1);"
        " return r.getBoundingClientRect().right; }")
    assert first_line_end > box["x"] + box["width"] * 0.9  # the first letter is at the right
    # the status counts in Arabic, and the facets are Arabic words, laid out right to left
    assert "ولاي" in page.locator("#status").inner_text()
    languages = page.locator('fieldset[data-field="language"]')
    assert languages.locator("legend").inner_text() == ar["fields"]["language"]
    names = languages.locator(".facet-row label span:first-child").all_inner_texts()
    assert ar["languages"]["ar"] in names and set(names) <= set(ar["languages"].values())
    symbol = page.locator('fieldset[data-field="resolution"] .facet-row label span:first-child').first
    assert symbol.inner_text().startswith("2015/") and symbol.evaluate("el => getComputedStyle(el).direction") == "ltr"
    actor_names = page.locator('fieldset[data-field="actor"] .facet-row label span:first-child').all_inner_texts()
    assert actor_names and set(actor_names) <= set(ar["actors"].values())
    row = languages.locator(".facet-row").first
    assert row.evaluate("el => getComputedStyle(el).direction") == "rtl"
    checkbox, text = row.locator("input").bounding_box(), row.locator("label").bounding_box()
    assert checkbox["x"] > text["x"]  # the box stands at the right, before the words
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "search-ar.png"))


def test_a_count_of_one_is_singular(page, six_language_url) -> None:
    import httpx

    total = httpx.get(f"{six_language_url}/v1/mandates", params={"q": "pharmaceutical"}, timeout=60).json()["total"]
    assert total == 1
    page.goto(six_language_url + "/")
    _switch(page, "en")
    _search(page, "pharmaceutical")
    assert page.locator("#status").inner_text() == "1 mandate (showing 1–1)"
    _switch(page, "ru")
    assert page.locator("#status").inner_text() == "1 мандат (показаны 1–1)"
    _switch(page, "fr")
    assert page.locator("#status").inner_text() == "1 mandat (1–1 affiché)"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "search-fr.png"))


def _english_mandate_id(url: str, document: str, paragraph: str) -> str:
    import httpx

    hits = httpx.get(f"{url}/v1/mandates", params={"resolution": document, "language": "en", "limit": 50},
                     timeout=60).json()["hits"]
    return next(h["mandate"]["id"] for h in hits if h["mandate"]["paragraph"].split("#")[0] == paragraph)


def test_mandate_page_and_review_form_switch_to_each_language(page, six_language_url) -> None:
    # 22. Further urges all Member States and all relevant United Nations bodies …: the Russian version asks
    # only the UN bodies (a recorded translation difference); the four others read Member States too. The
    # labels are agreed over the six (Member States), and the page names the Russian's own reading.
    mandate_id = _english_mandate_id(six_language_url, "2015/s/res/2196__2015_", "22")
    page.goto(f"{six_language_url}/mandates/{mandate_id}")
    page.wait_for_selector("#other-languages .other-version")
    for language in UI_LANGUAGES:
        strings = ui_strings()[language]
        _switch(page, language)
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        assert page.locator("#other-heading").inner_text() == strings["otherLanguages"]
        # the citation as the language writes it: "para. 22", "par. 22", "párr. 22", "п. 22", "الفقرة 22", "第22段"
        cited = strings["citationParagraph"].format(resolution="2015/s/res/2196__2015_", paragraph="22")
        assert page.locator("#mandate h1").inner_text() == cited
        assert page.locator("#review summary").inner_text() == strings["correctLabels"]
        assert page.locator("label[for=review-token]").text_content() == strings["token"]
        options = page.locator("#review-actor option[data-label]").all_text_contents()
        assert options and set(options) <= set(strings["actors"].values()), (language, options)
        assert page.locator("#review-form button[type=submit]").text_content() == strings["save"]
        # the version whose reading differs says so, naming both readings, in the page's language
        versions = page.locator("#other-languages .other-version")
        assert versions.count() == 5
        # (each language's own area reading is the classifier's, so some versions differ on the area too)
        disagreeing = versions.filter(has=page.locator("blockquote[lang=ru]"))
        text = disagreeing.locator(".disagrees").inner_text()
        assert strings["fields"]["actor"] in text and strings["actors"]["member_states"] in text, (language, text)
        # …in its own reading: the labels themselves were agreed into one over the six versions
        assert strings["actors"]["un_system"] in text, (language, text)
        agreed = _fact(page, strings["versionsAgreed"])
        assert all(strings["languages"][code] in agreed for code in UI_LANGUAGES), (language, agreed)
        # listed as the language lists (阿拉伯文、英文…和中文; العربية والإنكليزية…), not joined with ", " everywhere
        if language in ("zh", "ar"):
            assert "," not in agreed and ("、" in agreed if language == "zh" else " و" in agreed), (language, agreed)
        for quote in versions.locator("blockquote").all():  # each version keeps its own direction
            want = "rtl" if quote.get_attribute("lang") == "ar" else "ltr"
            assert quote.evaluate("el => getComputedStyle(el).direction") == want
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "mandate-versions-zh.png"), full_page=True)  # the last language: zh
    _switch(page, "en")
    page.screenshot(path=str(SHOTS / "mandate-versions.png"), full_page=True)
    # the Russian version's own page: the agreed actor, and its own reading beside it
    versions.filter(has=page.locator("blockquote[lang=ru]")).locator("a.citation").click()
    page.wait_for_selector("#mandate .facts")
    assert "UN system" in _fact(page, "This version's own reading")


def _fact(page, term: str) -> str:
    """The text of the mandate page's fact named `term`."""
    return page.locator("#mandate .facts dt", has_text=term).locator("xpath=following-sibling::dd[1]").inner_text()


def test_plan_page_switches_to_each_language(page, six_language_url) -> None:
    headings = json.loads(HEADINGS.read_text(encoding="utf-8"))
    page.goto(f"{six_language_url}/plan?q=pharmaceutical")
    page.wait_for_selector(".plan-table")
    for language in UI_LANGUAGES:
        _switch(page, language)
        page.wait_for_url(re.compile(rf"lang={language}"))
        page.wait_for_function("lang => document.documentElement.lang.startsWith(lang)", arg=language)
        assert page.locator("h1").inner_text() == headings[language]["title"]
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        assert page.locator(".counts").inner_text()  # "1 resolution, 2 bullets" in its language
        if language == "ar":  # the symbol and the English bullet keep their order in the right-to-left table
            for isolated in (page.locator("tbody th[scope=row] bdi").first, page.locator("li.bullet bdi").first):
                assert isolated.evaluate("el => getComputedStyle(el).direction") == "ltr"
            # issue 25: the English task (the query's words are English, so its English version is selected) is
            # laid out left to right inside the right-to-left page, and marked as English
            bullet = page.locator("li.bullet").first
            assert bullet.evaluate("el => getComputedStyle(el).direction") == "ltr"
            assert bullet.locator(".mark.language").inner_text() == "[EN]"
    _switch(page, "en")
    page.wait_for_url(re.compile(r"lang=en"))
    page.wait_for_selector(".plan-table")
    # one paragraph (2015/a/69/765 para. 15), listed under each of its agreed areas as the seed's table does
    english = page.request.get(f"{six_language_url}/v1/mandates?q=pharmaceutical&language=en").json()["hits"]
    areas = {a for hit in english for a in hit["mandate"]["action_areas"]}
    assert len(english) == 1 and areas
    expected = "1 resolution, 1 bullet" if len(areas) == 1 else f"1 resolution, {len(areas)} bullets"
    assert page.locator(".counts").inner_text() == expected
