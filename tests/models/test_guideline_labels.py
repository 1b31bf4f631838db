"""The guideline-labelled English set, the seed's Annex IV rows, and what eval computes from them."""

from __future__ import annotations

import json

import numpy as np

from extractors.schema import ACTION_AREAS


def test_every_bundled_english_mandate_is_labelled_once_with_a_reason():
    from models.labelling import PASS1_PATH, english_mandates, load_labels

    mandates = english_mandates()  # the product pipeline, now: the label file must still match it
    labels = load_labels(PASS1_PATH)
    assert len(mandates) > 740
    assert {m["id"] for m in mandates} == set(labels)
    for row in labels.values():
        assert 1 <= len(row["action_areas"]) <= 3 and len(set(row["action_areas"])) == len(row["action_areas"])
        assert row["reason"].strip() and "guideline-pass-1" in row["origin"]
    # every area is used as a primary label, infrastructure included
    assert {row["action_areas"][0] for row in labels.values()} == set(ACTION_AREAS)


def test_the_list_to_label_is_what_the_pipeline_extracts():
    from models.labelling import TO_LABEL_PATH, english_mandates, read_jsonl

    assert read_jsonl(TO_LABEL_PATH) == english_mandates()


def test_second_pass_sample_is_the_documented_seeded_draw():
    from models.labelling import PASS1_PATH, PASS2_PATH, SAMPLE_PATH, SAMPLE_SEED, SAMPLE_SIZE, load_labels

    stored = json.loads(SAMPLE_PATH.read_text(encoding="utf-8"))
    assert len(set(stored["ids"])) == SAMPLE_SIZE and stored["seed"] == SAMPLE_SEED
    assert set(stored["ids"]) <= set(load_labels(PASS1_PATH))  # every sampled mandate is still labelled
    assert set(load_labels(PASS2_PATH)) == set(stored["ids"])  # the second pass labelled exactly the sample


def test_agreement_of_a_pass_with_itself_and_with_a_changed_copy():
    from models.labelling import PASS1_PATH, agreement, load_labels

    first = load_labels(PASS1_PATH)
    same = agreement(first, first)
    assert same["primary_kappa"] == 1.0 and same["primary_macro_f1"] == 1.0 and not same["disagreements"]
    changed = {k: dict(v) for k, v in first.items()}
    flipped = [k for k, v in changed.items() if v["action_areas"][0] == "knowledge"][:40]
    for k in flipped:
        changed[k]["action_areas"] = ["leadership"]
    other = agreement(first, changed)
    assert other["primary_kappa"] < 0.95 and len(other["disagreements"]) == 40
    assert other["per_area"]["knowledge"]["kappa"] < 1.0 and other["per_area"]["infrastructure"]["kappa"] == 1.0


def test_guideline_rows_train_by_resolution_with_their_primary_area():
    from models.training_data import guideline_areas, guideline_examples

    rows = guideline_examples()
    areas = guideline_areas()
    assert len(rows) > 700 and all(e.origin == "guideline" and e.language == "en" for e in rows)
    assert all(e.action_area == areas[e.text][0] for e in rows)
    assert {"2/8", "4/7", "5/14", "6/15"} <= {e.group for e in rows}


def test_annex_iv_rows_come_from_the_seed_table_by_column():
    from models.training_data import annex_iv_examples

    rows = annex_iv_examples()
    by_text = {e.text: e.action_area for e in rows}
    assert len(rows) > 40 and {e.origin for e in rows} == {"annex_iv"} and {e.language for e in rows} == {"zh"}
    assert by_text["臭氧秘书处每年开展全球宣传运动，重点是9月16日在世界各地庆祝的国际臭氧日"] == "awareness"
    assert by_text["公约支持各国努力通过具有法律约束力的条款制定立法和监管框架"] == "implementation"
    assert {"knowledge", "implementation", "infrastructure", "awareness"} <= set(by_text.values())
    # the page-break misplacements (one sentence under two columns) are dropped, not guessed
    assert not any("各缔约方大会及其高级别会议" in t for t in by_text)


def test_excluding_a_session_removes_its_rows_from_every_source():
    from models.evaluate_questions import session_of
    from models.train import all_examples, examples_without_session

    everything = all_examples(annex_iv=True)
    kept = examples_without_session(everything, 3)
    assert not [e for e in kept if session_of(e.group) == 3]
    assert {e.origin for e in everything if session_of(e.group) == 3} >= {"annex_ii"}
    assert {e.origin for e in kept} >= {"annex_ii", "guideline", "annex_iv", "area_description"}
    assert session_of("3/4") == 3 and session_of("UNEP/EA.1/L.13") == 1 and session_of("annex_iv") is None


def test_temperature_scaling_keeps_the_argmax_and_lowers_ece_of_overconfident_scores():
    from models.calibration import apply_temperature, fit_temperature, reliability

    rng = np.random.default_rng(0)
    gold = rng.integers(0, 5, 400)
    logits = rng.normal(0, 1, (400, 5))
    logits[np.arange(400), gold] += 1.0  # right ~60% of the time …
    proba = np.exp(logits * 4) / np.exp(logits * 4).sum(axis=1, keepdims=True)  # … but ~95% sure
    t = fit_temperature(proba, gold)
    scaled = apply_temperature(proba, t)
    assert t > 1.5 and (scaled.argmax(axis=1) == proba.argmax(axis=1)).all()
    assert reliability(scaled, gold)["ece"] < reliability(proba, gold)["ece"] / 2


def test_area_sets_and_uncertain_flag():
    from models.calibration import area_sets, multilabel_scores, uncertain

    proba = np.array([[0.5, 0.45, 0.05, 0.0, 0.0], [0.9, 0.05, 0.05, 0.0, 0.0]])
    assert area_sets(proba, 0.3) == [{0, 1}, {0}]
    assert uncertain(proba, 0.15).tolist() == [True, False]
    s = multilabel_scores([{0, 1}, {0}], [{0, 1}, {1}], 5)
    assert s["exact_set"] == 0.5 and s["sample_f1"] == 0.5


def test_precedent_set_reuses_the_nearest_label_only_above_its_threshold(annex_mandates, embedder):
    from models.precedents import PrecedentSet

    rows = [m for m in annex_mandates if m.action_area][:60]
    texts = [m.text for m in rows]
    known = PrecedentSet.of(texts, [m.action_area for m in rows], [m.citation for m in rows],
                            embedder.encode(texts), threshold=0.9)
    hits = known.nearest(embedder.encode([texts[5], "The budget of the Environment Fund for 2026"]))
    assert hits[0] is not None and hits[0].action_area == rows[5].action_area and hits[0].similarity > 0.99
    assert hits[1] is None
    meta, arrays = known.state()
    again = PrecedentSet.from_state(meta, arrays)
    assert again.threshold == 0.9 and again.areas == known.areas


def test_shipped_weights_are_calibrated_and_reuse_unep_labels_for_known_mandates(shipped_classifier,
                                                                                   annex_mandates):
    cal = shipped_classifier.meta["area_calibration"]
    assert 0.5 < cal["temperature"] < 5 and "out-of-fold" in cal["fitted_on"]
    bullet = next(m for m in annex_mandates if m.text.startswith("编写世界水质评估报告"))
    known, budget = shipped_classifier.predict([bullet.text, "Authorizes the Executive Director to reallocate "
                                                "resources between subprogramme budget lines up to 10 per cent"])
    assert known.action_area_source == "precedent" and known.action_area == bullet.action_area == "knowledge"
    assert known.precedent.similarity > 0.99 and "Annex II" in known.precedent.citation
    assert budget.action_area_source == "model" and budget.precedent is None
    assert budget.action_areas[0] == budget.action_area and abs(sum(budget.scores.values()) - 1) < 1e-3
