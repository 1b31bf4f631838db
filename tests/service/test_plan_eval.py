"""`eval --plan`: the drafted plan of 2/8, 2/9, 2/11 aligned with the seed's Annex II (real texts)."""

from __future__ import annotations

from functools import cache

from models.plan_alignment import PlanBulletRef, compare, merge_rows
from service.usecases.plan_eval import ANNEX_II_RESOLUTIONS, annex_ii_rows, evaluate_draft, format_evaluations


@cache
def _shipped():
    from models.classifiers import get_default_classifier
    from models.embedders import get_default_embedder

    return evaluate_draft("shipped classifier", get_default_classifier().label, get_default_embedder())


def test_annex_ii_rows_of_the_three_resolutions() -> None:
    rows = annex_ii_rows()
    assert {r.resolution for r in rows} == set(ANNEX_II_RESOLUTIONS)
    assert {r.actor for r in rows} == {"unep", "member_states"}
    assert all(len(r.areas) == 1 and r.text for r in rows)


def test_alignment_is_one_to_one_within_a_resolution_and_recovers_the_checked_pairs() -> None:
    evaluation = _shipped()
    report = evaluation.report
    humans = [h.key for h, _, _ in report.pairs]
    drafted = [d.key for _, d, _ in report.pairs]
    assert len(set(humans)) == len(humans) and len(set(drafted)) == len(drafted)
    assert all(h.resolution == d.resolution and s >= report.threshold for h, d, s in report.pairs)
    # the aligner itself: the seed's hand-checked (bullet, paragraph) pairs come back
    assert evaluation.pairs_total == 39
    assert evaluation.pairs_recovered >= 0.8 * evaluation.pairs_total
    figures = evaluation.figures()
    assert figures["matched"] == report.matched <= figures["human_bullets"] == 51
    assert 0 < figures["cell_recall"] <= 1 and 0 < figures["cell_precision"] <= 1
    table = format_evaluations([evaluation])
    assert "share of Annex II bullets matched" in table and "cell recall" in table


def test_a_bullet_listed_under_two_areas_is_one_bullet_with_both() -> None:
    rows = [
        PlanBulletRef("2/9", "继续提高认识", frozenset({"awareness"}), "unep", "a"),
        PlanBulletRef("2/9", "继续提高认识", frozenset({"knowledge"}), "unep", "b"),
    ]
    (merged,) = merge_rows(rows)
    assert merged.areas == {"awareness", "knowledge"}


def test_cells_and_agreement_count_what_they_say() -> None:
    class Identity:  # texts equal → similarity 1, else 0: the counting alone
        def encode(self, texts):
            import numpy as np

            vocabulary = ["x", "y", "z"]
            return np.array([[1.0 if t == v else 0.0 for v in vocabulary] for t in texts])

    human = [
        PlanBulletRef("2/8", "x", frozenset({"knowledge"}), "unep"),
        PlanBulletRef("2/8", "y", frozenset({"implementation"}), "member_states"),
    ]
    drafted = [
        PlanBulletRef("2/8", "x", frozenset({"knowledge"}), "unep", "1"),
        PlanBulletRef("2/8", "y", frozenset({"leadership"}), "member_states", "2"),
        PlanBulletRef("2/8", "z", frozenset({"knowledge"}), "stakeholders", "3"),
    ]
    f = compare(human, drafted, Identity(), threshold=0.5).figures()
    assert (f["matched"], f["area_agreement"], f["actor_agreement"]) == (2, 0.5, 1.0)
    assert (f["cells_drafted"], f["cells_human"], f["cell_recall"]) == (3, 2, 0.5)
    assert f["cell_precision"] == round(1 / 3, 3) and f["cell_precision_lead_columns"] == 0.5
