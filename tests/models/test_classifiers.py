"""Real predictions on real mandates held out from training, rules first, and offline loading."""

from __future__ import annotations

import socket
from collections import Counter

from extractors.schema import ACTION_AREAS
from models.classifiers import WEIGHTS_DIR, MandateClassifier
from models.embedders import UseEmbedder
from tests.models.conftest import HELD_OUT


def test_held_out_knowledge_mandate_comes_out_knowledge(held_out_model):
    prediction = held_out_model.predict(["报告农药和化肥对环境和健康的影响"])[0]
    assert prediction.action_area == "knowledge"
    assert set(prediction.scores) == set(ACTION_AREAS)
    assert abs(sum(prediction.scores.values()) - 1.0) < 1e-3


def test_held_out_resolution_beats_the_majority_class(held_out_model, annex_mandates):
    rows = [m for m in annex_mandates if m.resolution_number == HELD_OUT]
    trained_on = [m for m in annex_mandates if m.resolution_number != HELD_OUT]
    majority = Counter(m.action_area for m in trained_on).most_common(1)[0][0]
    predicted = [p.action_area for p in held_out_model.predict([m.text for m in rows])]
    correct = sum(p == m.action_area for p, m in zip(predicted, rows, strict=True))
    assert correct > sum(m.action_area == majority for m in rows)


def test_subject_decides_actor_by_rule(held_out_model):
    texts = [
        "Requests the Executive Director to support countries in developing national action plans;",
        "Urges Member States to develop and implement national legislation to eliminate lead paint;",
        "敦促会员国制定、通过和执行消除含铅涂料的法律法规",
    ]
    predictions = held_out_model.predict(texts)
    assert [p.actor for p in predictions] == ["unep", "member_states", "member_states"]
    assert all(p.actor_source == "rule" for p in predictions)
    assert predictions[0].actor_text == "the Executive Director"


def test_subjectless_bullet_gets_a_model_actor(held_out_model):
    p = held_out_model.predict(["支持会员国查明和描述人类和动物健康风险"])[0]
    assert p.actor_source == "model" and p.actor in ("unep", "member_states")
    assert set(p.actor_scores) == {"unep", "member_states"}


def test_label_keeps_document_labels_and_fills_the_rest(held_out_model, annex_mandates):
    stated = annex_mandates[:3]
    open_ = [m.model_copy(update={"action_area": None, "action_area_source": None, "actor": None,
                                  "actor_source": None}) for m in annex_mandates[3:5]]
    labelled = held_out_model.label(stated + open_)
    for before, after in zip(stated, labelled[:3], strict=True):
        assert (after.action_area, after.action_area_source) == (before.action_area, "document")
        assert (after.actor, after.actor_source) == (before.actor, "document")
        assert after.scores is not None and set(after.scores) == set(ACTION_AREAS)
    for after in labelled[3:]:
        assert after.action_area in ACTION_AREAS and after.action_area_source == "model"
        assert after.actor_source in ("model", "rule")


def test_shipped_model_loads_and_predicts_with_no_network(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    model = MandateClassifier.load(WEIGHTS_DIR, embedder=UseEmbedder())
    p = model.predict(["Requests the Executive Director to report on the impacts of pesticides on health"])[0]
    assert p.actor == "unep" and p.action_area in ACTION_AREAS
    assert model.meta.get("trained")


def test_shipped_weights_are_small_plain_files():
    files = sorted(p.name for p in WEIGHTS_DIR.iterdir())
    assert files == ["classifier.json", "classifier.npz"]
    assert sum(p.stat().st_size for p in WEIGHTS_DIR.iterdir()) < 5_000_000


def test_an_uncertain_label_names_both_close_areas(shipped_classifier):
    """Where the top two calibrated areas are closer than the margin, `uncertain` is set and action_areas
    lists both, the closer second next (real English mandates of the bundled resolutions)."""
    import json
    from pathlib import Path

    rows = Path(__file__).resolve().parents[2] / "models" / "data" / "en_mandates_to_label.jsonl"
    texts = [json.loads(line)["text"] for line in rows.read_text(encoding="utf-8").splitlines()[:200]]
    predictions = shipped_classifier.predict(texts)
    margin = shipped_classifier.area_calibration["margin"]
    unsure = [p for p in predictions if p.uncertain]
    assert unsure and len(unsure) < len(predictions)
    for p in predictions:
        ranked = sorted(p.scores, key=p.scores.get, reverse=True)
        close = p.scores[ranked[0]] - p.scores[ranked[1]] < margin
        if p.action_area_source == "model":
            assert p.uncertain == close
        if p.uncertain:
            assert p.action_areas[:2] == ranked[:2]
