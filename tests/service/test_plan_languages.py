"""One `language` decides a plan's headings and its bullets (issue 25): real operative lines of the UN Parallel
Corpus sample, read by the extractors in English and Chinese as versions of one resolution's paragraphs."""

from __future__ import annotations

import re

import pytest

from extractors.pipeline import extract_draft
from service.plan_formats.html import PLAN_CSS, plan_html
from service.usecases.plan import build_plan
from tests.shared_corpus import operative_parallel_rows


@pytest.fixture(scope="module")
def versions():  # type: ignore[no-untyped-def]
    """The operative lines of the sample's first document with at least four, in en and zh, as mandates of one
    resolution (the same paragraph numbers in both languages, as the extractors read them)."""
    by_document = operative_parallel_rows()
    document, rows = next((d, r) for d, r in by_document.items() if len(r) >= 4)
    out = {}
    for language in ("en", "zh"):
        text = "\n\n".join(r[language] for r in rows)
        out[language] = [m.model_copy(update={"resolution": document, "document": f"{document}.{language}",
                                              "actor": m.actor or "member_states", "action_area": "implementation"})
                         for m in extract_draft(text, language=language)]
    places = [(m.paragraph, m.source.item) for m in out["en"]]  # a paragraph may hold two mandates
    assert out["en"] and len(set(places)) == len(places)
    return out


def test_the_plans_language_picks_each_paragraphs_version(versions) -> None:
    both = versions["en"] + versions["zh"]
    alone = build_plan(versions["en"], "en")
    for language in ("en", "zh"):
        plan = build_plan(both, language)
        assert plan.bullet_count == alone.bullet_count  # each paragraph once, not once per version
        assert {b.mandate.language for b in plan.bullets} == {language}
        assert "[EN]" not in plan_html(plan) and "[ZH]" not in plan_html(plan)


def test_a_bullet_in_another_language_is_marked_and_keeps_its_direction(versions) -> None:
    """An Arabic plan over English and Chinese versions: English bullets (the fallback), each marked [EN],
    laid out left to right inside the right-to-left page."""
    plan = build_plan(versions["en"] + versions["zh"], "ar")
    assert {b.mandate.language for b in plan.bullets} == {"en"}
    html = plan_html(plan)
    assert re.search(r'<html[^>]*dir="rtl"', html)
    items = re.findall(r'<li class="bullet[^>]*>', html)
    assert len(items) == plan.bullet_count
    assert all('dir="ltr"' in li and 'data-language="en"' in li for li in items)
    assert html.count('<span class="mark language" title="en">[EN]</span>') == plan.bullet_count


def test_the_standalone_plan_inlines_its_stylesheet_unescaped(versions) -> None:
    """A <style> element does not decode entities: escaped, `details > summary` and `[dir="rtl"]` stop matching."""
    html = plan_html(build_plan(versions["en"], "ar"))
    style = html[html.index("<style>") : html.index("</style>")]
    assert "details > summary" in style and '[dir="rtl"]' in style
    assert "&gt;" not in style and "&#34;" not in style
    assert "<" not in PLAN_CSS.read_text(encoding="utf-8")  # so nothing in it can close the <style> element
