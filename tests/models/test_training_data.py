"""The training set comes from real text through the project's own extractor."""

from __future__ import annotations

from collections import Counter

from extractors.schema import ACTION_AREAS
from models.training_data import (
    clean_paragraph,
    load_en_pairs,
    registry_paragraphs,
    subjectless,
)


def test_annex_ii_examples_are_the_seed_table(training_examples):
    annex = [e for e in training_examples if e.origin == "annex_ii"]
    assert len(annex) == 265
    assert set(Counter(e.action_area for e in annex)) == set(ACTION_AREAS)
    assert {e.actor for e in annex} == {"unep", "member_states"}
    assert len({e.group for e in annex}) == 17
    assert all(e.language == "zh" for e in annex)


def test_english_pairs_are_real_paragraphs_labelled_by_their_bullet(training_examples, annex_mandates):
    pairs = load_en_pairs()
    assert len(pairs) >= 30
    by_text = {m.text: m for m in annex_mandates}
    english = {e.text: e for e in training_examples if e.origin == "en_pair"}
    assert len(english) >= 30
    for pair in pairs:
        assert pair["zh"] in by_text, "every pair's bullet is one the extractor reads from Annex II"
        assert pair["en"] in [clean_paragraph(p) for p in registry_paragraphs(pair["en_file"])]
        example = english.get(pair["en"])
        if example is not None:
            assert example.action_area == by_text[pair["zh"]].action_area
            assert example.group == by_text[pair["zh"]].resolution_number


def test_area_descriptions_cover_every_area(training_examples):
    counts = Counter(e.action_area for e in training_examples if e.origin == "area_description" and e.language == "zh")
    assert set(counts) == set(ACTION_AREAS)
    assert min(counts.values()) >= 10


def test_subjectless_cuts_lead_and_addressee():
    text = "Requests the Executive Director, within available resources, to report on progress to the Assembly;"
    assert subjectless(text, "the Executive Director") == "report on progress to the Assembly"
