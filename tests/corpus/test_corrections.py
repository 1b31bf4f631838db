"""The corrections store on real mandates (a bundled resolution through the real extractor): matching by
id, by resolution + text when the id changed, orphans; durability of the append-only file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from corpus.corrections import Correction, CorrectionStore, ReviewedLabels, review_text_hash

BUNDLED = Path(__file__).resolve().parents[2] / "corpus" / "bundled"


@pytest.fixture(scope="module")
def mandates():
    from extractors.pipeline import extract_path

    found = extract_path(BUNDLED / "UNEP_EA.5_RES.14.json").mandates
    assert len(found) > 10
    return found


def _correct(mandate, **changes) -> Correction:
    return Correction.of(mandate, changes, reviewer="tester", note=None)


def test_a_correction_finds_its_mandate_by_id_and_wins(mandates, tmp_path) -> None:
    store = CorrectionStore(tmp_path)
    target = mandates[3]
    area = "leadership" if target.action_area != "leadership" else "knowledge"
    store.add(_correct(target, action_area=area, with_partners=True))
    store.add(_correct(target, actor="un_system"))
    reviewed = ReviewedLabels(store.all())
    out = reviewed.apply(list(mandates))
    changed = [m for m in out if m.action_area_source == "reviewed"]
    assert [m.id for m in changed] == [target.id]
    m = changed[0]
    assert (m.action_area, m.actor, m.actor_source, m.with_partners, m.with_partners_source) == (
        area, "un_system", "reviewed", True, "reviewed")
    assert m.text == target.text and m.scores == target.scores  # only the labels change
    assert not reviewed.unattached()


def test_a_new_document_version_keeps_the_correction_by_resolution_and_text(mandates, tmp_path) -> None:
    store = CorrectionStore(tmp_path)
    target = mandates[5]
    store.add(_correct(target, action_area="awareness"))
    # the same resolution's paragraph in new bytes: new document id, so a new mandate id
    moved = target.model_copy(update={"id": "0" * 20, "document": "f" * 64, "paragraph": "99"})
    reviewed = ReviewedLabels(store.all())
    [out] = reviewed.apply([moved])
    assert (out.action_area, out.action_area_source) == ("awareness", "reviewed")
    # a different text in the same resolution is not this correction's
    other = mandates[6].model_copy(update={"id": "1" * 20})
    assert ReviewedLabels(store.all()).apply([other])[0].action_area_source != "reviewed"


def test_an_unmatched_correction_is_reported_not_dropped(mandates, tmp_path) -> None:
    store = CorrectionStore(tmp_path)
    target = mandates[2]
    store.add(_correct(target, actor="stakeholders"))
    reviewed = ReviewedLabels(store.all())
    reviewed.apply([m for m in mandates if m.id != target.id])  # its document no longer has it
    assert [c.mandate_id for c in reviewed.unattached()] == [target.id]
    [line] = reviewed.orphan_lines()
    assert target.citation in line and "actor" in line
    assert len(store.all()) == 1


def test_text_lookup_ignores_whitespace_only(mandates) -> None:
    target = mandates[1]
    reviewed = ReviewedLabels([_correct(target, action_area="knowledge")])
    assert reviewed.for_text("  " + target.text.replace(" ", "\n ", 3) + " ", target.actor_text)
    assert not reviewed.for_text(target.text + " Also.", target.actor_text)
    assert not reviewed.for_text(target.text, "someone else")
    assert review_text_hash(target.text) == reviewed.corrections[0].text_hash


def test_a_torn_last_line_is_skipped_and_cut_before_the_next_append(mandates, tmp_path) -> None:
    store = CorrectionStore(tmp_path)
    store.add(_correct(mandates[0], action_area="knowledge"))
    whole = store.path.read_bytes()
    with open(store.path, "ab") as fh:  # what a writer killed mid-write leaves: no newline
        fh.write(b'{"mandate_id": "TORN-WRITE", "rev')
    assert [c.mandate_id for c in store.all()] == [mandates[0].id]
    store.add(_correct(mandates[1], action_area="leadership"))
    assert store.path.read_bytes().startswith(whole)
    assert store.path.read_bytes().count(b"\n") == 2 and b"TORN-WRITE" not in store.path.read_bytes()
    assert [c.mandate_id for c in CorrectionStore(tmp_path).all()] == [mandates[0].id, mandates[1].id]


def test_appends_from_two_processes_are_whole_lines(mandates, tmp_path) -> None:
    """Forked writers append under the lock: every line parses, none is lost."""
    store = CorrectionStore(tmp_path)
    pids = []
    for k in range(2):
        pid = os.fork()
        if pid == 0:  # child: 20 appends, then leave without running pytest's teardown
            try:
                for i in range(20):
                    store.add(_correct(mandates[(k * 20 + i) % len(mandates)], action_area="knowledge"))
            finally:
                os._exit(0)
        pids.append(pid)
    for pid in pids:
        assert os.waitpid(pid, 0)[1] == 0
    assert len(store.all()) == 40
    assert len(store.path.read_bytes().splitlines()) == 40


def _twins(mandates):
    """Pairs of mandates of one resolution with the very same text."""
    seen: dict = {}
    for m in mandates:
        seen.setdefault((m.resolution, m.text), []).append(m)
    return [group for group in seen.values() if len(group) == 2]


def test_two_mandates_of_one_paragraph_keep_their_own_corrections(tmp_path) -> None:
    """5/7 has paragraphs with two mandates of the same text and different addressees."""
    from extractors.pipeline import extract_path

    mandates = extract_path(BUNDLED / "UNEP_EA.5_RES.7.json").mandates
    first, second = _twins(mandates)[0]
    assert first.actor_text != second.actor_text
    store = CorrectionStore(tmp_path)
    store.add(_correct(first, actor="stakeholders"))
    out = {m.id: m for m in ReviewedLabels(store.all()).apply(list(mandates))}
    assert out[first.id].actor_source == "reviewed" and out[second.id].actor_source != "reviewed"
    # in a new version of the document (new ids) the correction still finds the first one only
    moved = [m.model_copy(update={"id": m.id[::-1]}) for m in mandates]
    out = ReviewedLabels(store.all()).apply(moved)
    assert [m.actor_text for m in out if m.actor_source == "reviewed"] == [first.actor_text]


def test_a_seed_bullet_listed_under_two_areas_is_corrected_alone(tmp_path) -> None:
    from extractors.tables import load_seed_annex_mandates

    mandates = load_seed_annex_mandates()
    first, second = next(g for g in _twins(mandates) if g[0].action_area != g[1].action_area)
    store = CorrectionStore(tmp_path)
    store.add(_correct(first, action_area=second.action_area))
    out = {m.id: m for m in ReviewedLabels(store.all()).apply(list(mandates))}
    assert out[first.id].action_area_source == "reviewed"
    assert (out[second.id].action_area, out[second.id].action_area_source) == (second.action_area, "document")
