"""The span the classifier embeds (extractors.spans), on real mandates: a sub-item's own words without its
chapeau, and the main act without a purpose or report-back clause, in each UN language's data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors import lang
from extractors.mandates import own_words
from extractors.spans import SPAN_MODES, act_span, main_act, sub_item_words

REPO = Path(__file__).resolve().parents[2]
TO_LABEL = REPO / "models" / "data" / "en_mandates_to_label.jsonl"


@pytest.fixture(scope="module")
def mandates() -> list[dict]:
    """749 real English mandates of the bundled resolutions, as the extractor joined them."""
    return [json.loads(line) for line in TO_LABEL.read_text(encoding="utf-8").splitlines() if line.strip()]


def _one(mandates: list[dict], resolution: str, paragraph: str) -> str:
    return next(m["text"] for m in mandates if m["resolution"] == resolution and m["paragraph"] == paragraph)


def test_a_sub_item_is_read_from_its_marker_without_the_shared_chapeau(mandates) -> None:
    text = _one(mandates, "4/6", "7(c)")  # "Decides to extend … and requests the expert group … to: (c) Encourage …"
    words = sub_item_words(text)
    assert words.startswith("(c) Encourage partnerships that undertake activities")
    assert "Decides to extend" not in words and act_span(text, "sub_item") == words


def test_the_text_alone_finds_the_same_sub_item_as_the_paragraph_number(mandates) -> None:
    """Read off the text (a training row, a draft) or with its number (an indexed mandate): the same span
    for every real sub-item but one, where the number's search stops at a cited "(c) of the resolution"
    inside the sub-item and the text's colon rule finds the real marker."""
    sub_items = [m for m in mandates if "(" in m["paragraph"]]
    assert len(sub_items) > 300
    differ = [m for m in sub_items if sub_item_words(m["text"]) != own_words(m["text"], m["paragraph"])]
    assert len(differ) == 1
    assert sub_item_words(differ[0]["text"]).startswith("(c) Present to the Committee of Permanent Representatives")
    assert own_words(differ[0]["text"], differ[0]["paragraph"]).startswith("(c) of the resolution")


def test_a_paragraph_without_sub_items_is_read_whole(mandates) -> None:
    plain = [m for m in mandates if "(" not in m["paragraph"]]
    assert all(sub_item_words(m["text"]) == m["text"] for m in plain)


def test_the_main_act_stops_before_its_purpose_clause(mandates) -> None:
    text = _one(mandates, "2/13", "3")
    act = main_act(text)
    assert act.endswith("especially through implementing the System of Environmental-Economic Accounting among others")
    assert "in order to improve" not in act and text.startswith(act)
    assert act_span(text, "act") == act and act_span(text, "") == text


def test_a_cut_keeps_the_lead_and_its_object() -> None:
    # a purpose phrase right after the lead would leave nothing to read: no cut
    text = "Requests, in order to save time, the Executive Director to report."
    assert main_act(text) == text


def test_each_language_has_purpose_and_report_back_phrases() -> None:
    for code in lang.languages():
        data = lang.spans(code)
        assert data["purpose"] and data["report_back"], code
    assert main_act("请执行主任与会员国合作制定国家行动计划，以便减少海洋垃圾并向环境大会报告。") == "请执行主任与会员国合作制定国家行动计划"
    assert main_act("Prie le Directeur exécutif d’appuyer les pays en développement afin de réduire les déchets marins.") \
        == "Prie le Directeur exécutif d’appuyer les pays en développement"


def test_an_unknown_mode_is_refused() -> None:
    assert "act" in SPAN_MODES
    with pytest.raises(ValueError, match="span mode"):
        act_span("text", "chapeau")
