"""Issue 24, items 5 and 3: each mandate of a paragraph has its own clause and citation; an addressee the
text leaves open ("those in a position to do so") or names by reference ("the Agency") is read honestly.

The texts are written here in the shape of UN resolutions (not copied from the documents kept aside).
"""

from __future__ import annotations

from extractors.pipeline import extract_draft

GA_TEXT = """The General Assembly,
Recalling its resolution 74/225 of 19 December 2019 on ensuring access to affordable, reliable, sustainable and modern energy for all,
1. Welcomes the work of the International Renewable Energy Agency in supporting countries in their transition to a sustainable energy future, and encourages the Agency to continue to support its members in achieving their renewable energy objectives;
2. Requests the Secretary-General, within existing resources, to assist Member States, upon their request, in the development of national energy efficiency plans; invites those in a position to do so to support such action; and recognizes that targeted measures in the largest energy-consuming sectors are especially important;
3. Encourages the Fund to continue to mobilize resources for small island developing States;
4. Invites all those concerned to contribute to the midterm review of the Decade;
5. Urges parties and invites other Governments and relevant organizations to recognize the important role of science, technology and innovation in the energy transition;"""

UNEA_TEXT = """The United Nations Environment Assembly,
Recalling the Global Environment Facility's support for the sound management of chemicals,
1. Invites the Facility to continue to support developing countries in the implementation of the present resolution;
2. Requests the Programme to report on progress to the Environment Assembly at its next session;"""


def _by_citation(text: str) -> dict[str, object]:
    return {m.citation.removeprefix("draft, "): m for m in extract_draft(text, "en")}


def test_each_mandate_of_a_paragraph_has_its_own_clause_and_citation():
    ms = _by_citation(GA_TEXT)
    first, second = ms["para. 2, first mandate"], ms["para. 2, second mandate"]
    assert first.paragraph == second.paragraph == "2"  # the paragraph field stays the paragraph
    assert first.id != second.id and first.text == second.text  # both keep the whole paragraph as text
    assert (first.source.item, second.source.item) == (1, 2)
    assert first.clause == ("Requests the Secretary-General, within existing resources, to assist Member States, "
                            "upon their request, in the development of national energy efficiency plans")
    assert second.clause == "invites those in a position to do so to support such action"
    # a paragraph holding one mandate keeps its plain citation and no clause
    assert ms["para. 3"].clause is None and ms["para. 3"].source.item is None


def test_a_shared_instruction_belongs_to_both_clauses():
    ms = _by_citation(GA_TEXT)
    urges, invites = ms["para. 5, first mandate"], ms["para. 5, second mandate"]
    assert urges.clause.startswith("Urges parties and invites other Governments") and "science" in urges.clause
    assert invites.clause.startswith("invites other Governments and relevant organizations to recognize")
    assert (urges.actor, invites.actor) == ("member_states", "member_states")


def test_an_addressee_the_text_leaves_open_gets_actor_none_by_rule():
    ms = _by_citation(GA_TEXT)
    for citation in ("para. 2, second mandate", "para. 4"):
        m = ms[citation]
        assert (m.actor, m.actor_source, m.actor_entity) == (None, "none", None), citation
        assert m.actor_text in ("those in a position to do so", "all those concerned")


def test_a_body_named_by_reference_is_the_one_named_before_it():
    ms = _by_citation(GA_TEXT)
    agency = ms["para. 1"]
    assert agency.actor_text == "the Agency"
    assert (agency.actor, agency.actor_source, agency.actor_entity) == (
        "intergovernmental", "rule", "International Renewable Energy Agency")
    # "the Fund": no fund was named before it in the resolution: left open, never UNEP by default
    fund = ms["para. 3"]
    assert (fund.actor, fund.actor_source, fund.actor_entity) == (None, "none", None)


def test_a_reference_looks_back_through_the_resolution():
    ms = _by_citation(UNEA_TEXT)
    facility = ms["para. 1"]
    assert (facility.actor_entity, facility.actor) == ("Global Environment Facility", "un_system")
    # "the Programme" in the Environment Assembly's own text, with no programme named before: UNEP, its own
    programme = ms["para. 2"]
    assert (programme.actor_entity, programme.actor) == ("UNEP", "unep")


def test_new_gazetteer_bodies_have_a_class():
    text = ("1. Invites the Organisation for Economic Co-operation and Development, the International Union for "
            "Conservation of Nature and IRENA to contribute to the assessment;")
    m = extract_draft(text, "en")[0]
    assert [(e.name, e.actor) for e in m.actor_entities] == [
        ("Organisation for Economic Co-operation and Development", "intergovernmental"),
        ("International Union for Conservation of Nature", "intergovernmental"),
        ("International Renewable Energy Agency", "intergovernmental")]
