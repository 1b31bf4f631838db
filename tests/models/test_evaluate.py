"""Grouped folds keep every resolution whole; scores carry their yardstick fields."""

from __future__ import annotations

from models.evaluate import fold_plan, scores_for


def test_folds_keep_each_resolution_in_one_fold(training_examples):
    groups = [e.group for e in training_examples if e.origin == "annex_ii"]
    plan = fold_plan(groups, n_splits=5)
    assert len(plan.test_groups) == 5
    flat = [g for fold in plan.test_groups for g in fold]
    assert sorted(flat) == sorted(set(groups))  # every resolution tested exactly once


def test_scores_report_accuracy_macro_f1_and_confusion(training_examples):
    gold = [e.action_area for e in training_examples if e.origin == "annex_ii"]
    majority = max(set(gold), key=gold.count)
    s = scores_for(gold, [majority] * len(gold), sorted(set(gold)))
    assert s["n"] == 265 and 0.3 < s["accuracy"] < 0.5 and s["macro_f1"] < 0.2
    assert sum(map(sum, s["confusion"])) == 265
