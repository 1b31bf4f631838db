"""`unea-mandates train --exclude-session 3 --out DIR` and `classify --model DIR`, end to end (real training
on the real training sources, without the cross-validation: a minute or two)."""

from __future__ import annotations

import json

import pytest

from service.cli import main


@pytest.fixture(scope="module")
def no_session_3(tmp_path_factory):
    out = tmp_path_factory.mktemp("no-unea-3")
    assert main(["train", "--exclude-session", "3", "--out", str(out), "--no-eval"]) == 0
    return out


def test_weights_beside_a_card_that_says_what_was_left_out(no_session_3):
    from models.training_data import annex_ii_examples

    meta = json.loads((no_session_3 / "classifier.json").read_text(encoding="utf-8"))
    annex = annex_ii_examples()
    assert meta["excluded_session"] == 3
    assert meta["examples"]["annex_ii"] == sum(not e.group.startswith("3/") for e in annex) < len(annex)
    # --no-eval: nothing cross-validated, so no calibration and no precedents, and the weights say so
    assert meta["area_calibration"]["temperature"] == 1.0 and "no-eval" in meta["area_calibration"]["fitted_on"]
    assert "precedents" not in meta
    card = (no_session_3 / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "Excluded: every row of UNEA-3" in card


def test_classify_with_that_model_gives_calibrated_multi_area_labels(no_session_3, capsys):
    text = ("Requests the Executive Director to raise awareness of the risks of chemicals and to prepare "
            "an assessment of the state of the science on endocrine disrupting chemicals;")
    assert main(["classify", "--model", str(no_session_3), "--format", "jsonl", text]) == 0
    record = json.loads(capsys.readouterr().out)
    mandate = record["mandates"][0]
    assert mandate["action_area"] == mandate["action_areas"][0]
    assert set(mandate["action_areas"]) <= {"knowledge", "implementation", "infrastructure", "awareness",
                                            "leadership"}
    assert isinstance(mandate["uncertain"], bool)
    assert abs(sum(mandate["scores"].values()) - 1.0) < 1e-3
    assert mandate["action_area_source"] == "model"
    # --no-eval weights list the top area only, and the runner-up too when the two are close (uncertain);
    # the text asks for two things (awareness and an assessment)
    ranked = sorted(mandate["scores"], key=mandate["scores"].get, reverse=True)
    assert mandate["action_areas"] == (ranked[:2] if mandate["uncertain"] else ranked[:1])


def test_exclude_session_without_out_is_refused(capsys):
    assert main(["train", "--exclude-session", "3", "--no-eval"]) == 2
    assert "needs --out" in capsys.readouterr().err


def test_classify_with_a_missing_model_dir_is_a_clear_error(tmp_path, capsys):
    assert main(["classify", "--model", str(tmp_path / "none"), "some text"]) == 2
    assert "no classifier.json" in capsys.readouterr().err
