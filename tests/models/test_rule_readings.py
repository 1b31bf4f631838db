"""The classifier takes the extractor's rule readings instead of reading the text again: a
paragraph's second mandate keeps the addressee of its own clause, not the paragraph's lead one."""

from __future__ import annotations

from corpus.registry import bundled_dir
from extractors.pipeline import extract_path
from extractors.readings import read_text, reading_of


def test_a_second_mandate_keeps_its_own_clause_reading(shipped_classifier):
    mandates = [m for m in extract_path(bundled_dir() / "UNEP_EA.2_RES.11.json").mandates if m.paragraph == "11"]
    lead, second = mandates[0], mandates[1]
    assert (lead.actor, lead.actor_source) == ("unep", "rule")  # "Requests the Executive Director …"
    assert second.actor is None and second.actor_text == "those in a position to do so"
    # Its text is the whole paragraph: reading that again would name the Executive Director.
    assert read_text(second.text).actor == "unep"
    assert reading_of(second).actor is None
    labelled = shipped_classifier.label([lead, second])
    assert (labelled[0].actor, labelled[0].actor_source) == ("unep", "rule")
    # an addressee the text leaves open gets no actor, by rule, and the model does not guess one (issue 24)
    assert (labelled[1].actor, labelled[1].actor_source) == (None, "none")
    assert labelled[1].actor_text == "those in a position to do so"


def test_a_bare_text_is_read_by_the_rules_when_no_reading_is_given(shipped_classifier):
    p = shipped_classifier.predict(["Requests the Executive Director, in cooperation with partners, to report"])[0]
    assert (p.actor, p.actor_source, p.actor_text, p.with_partners) == ("unep", "rule", "the Executive Director", True)
