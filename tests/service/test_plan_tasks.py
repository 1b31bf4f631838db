"""Task bullets (service.plan_formats.tasks): the verb phrase, addressee and conditions gone, short."""

from __future__ import annotations

import pytest

from extractors.schema import Mandate
from service.plan_formats.tasks import MAX_WORDS, base_form, broken_reason, shorten_to, task_of, word_count


def _mandate(text: str, **fields) -> Mandate:  # type: ignore[no-untyped-def]
    defaults = {"id": "m", "document": "d", "resolution": "UNEP/EA.4/Res.1", "language": "en"}
    return Mandate(text=text, **{**defaults, **fields})


def test_addressee_and_conditions_leave_the_bullet() -> None:
    m = _mandate(
        "Requests the Executive Director, within available resources and in cooperation with the Food and "
        "Agriculture Organization, to develop guidelines on the use of pesticides, as appropriate;",
        verb="requests", actor_text="the Executive Director", actor="unep",
        conditions=["within available resources", "as appropriate"],
    )  # fmt: skip
    task = task_of(m)
    assert task.text is not None and task.text.startswith("Develop guidelines on the use of pesticides")
    assert "available resources" not in task.text and "as appropriate" not in task.text
    assert broken_reason(task.text, m) is None


def test_a_sub_items_ing_form_reads_as_the_infinitive() -> None:
    m = _mandate(
        "Requests the Executive Director to promote sustainable mobility by: (b) Preparing a report on good practices;",
        verb="requests", actor_text="the Executive Director", actor="unep", paragraph="4(b)",
    )  # fmt: skip
    assert task_of(m).text == "Prepare a report on good practices"


def test_a_noun_phrase_item_borrows_its_chapeaus_verb() -> None:
    m = _mandate(
        "Also decides that the intergovernmental negotiating committee is to consider the following: "
        "(k) An indicative budget for the panel;",
        verb="decides", actor_text="the intergovernmental negotiating committee", actor="intergovernmental",
        paragraph="4(k)",
    )  # fmt: skip
    assert task_of(m).text == "Consider an indicative budget for the panel"


@pytest.mark.parametrize(
    ("gerund", "base"),
    [("Preparing", "Prepare"), ("Mapping", "Map"), ("Strengthening", "Strengthen"), ("Using", "Use"),
     ("Monitoring", "Monitor"), ("Promoting", "Promote"), ("Labelling", "Label"), ("Continuing", "Continue")],
)  # fmt: skip
def test_base_form(gerund: str, base: str) -> None:
    assert base_form(gerund) == base


def test_a_long_bullet_is_cut_at_a_clause_boundary() -> None:
    text = ("Develop a flexible, multi-year workplan and time-bound budget for the work of the panel on chemicals, "
            "waste and pollution, including " + "assessments and support services for developing countries " * 5)  # fmt: skip
    short, cut = shorten_to(text, "en")
    assert cut and short.endswith("…") and "including" not in short and word_count(short) <= MAX_WORDS


def test_broken_bullets_are_named() -> None:
    m = _mandate("Invites the Conference of the Parties to consider this", actor_text="the Conference of the Parties")
    assert broken_reason("The extent and future trends of soil pollution", m) == "noun phrase"
    assert broken_reason("Conference of the Parties to consider this", m) == "addressee"
    assert broken_reason("Consider this", m) is None
