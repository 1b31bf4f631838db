"""The label precedence, applied once: the classifier's labels, then the reviewed labels on top."""

from __future__ import annotations

from corpus.corrections import Correction, ReviewedLabels
from extractors.pipeline import extract_draft
from labelling import LabelFunction, Labeller, ReviewedByText

DRAFT = "Requests the Executive Director to report to the Environment Assembly on the implementation."


class _Classifier:
    """Labels every open area "knowledge"; records what it was given."""

    area_calibration = {"threshold": 0.5}

    def __init__(self) -> None:
        self.calls: list[tuple[int, object]] = []

    def label(self, mandates, embeddings=None):  # type: ignore[no-untyped-def]
        self.calls.append((len(mandates), embeddings))
        return [m.model_copy(update={"action_area": m.action_area or "knowledge", "action_area_source": "model"})
                for m in mandates]


def _draft():  # type: ignore[no-untyped-def]
    [mandate] = extract_draft(DRAFT, language="en")
    return mandate


def test_reviewed_labels_win_over_the_classifier() -> None:
    mandate = _draft()
    classifier = _Classifier()
    reviewed = ReviewedLabels([Correction.of(mandate, {"action_area": "leadership"}, "tester")])
    [out] = Labeller(classifier, reviewed).label([mandate])
    assert (out.action_area, out.action_area_source) == ("leadership", "reviewed")
    [model_only] = Labeller(classifier).label([mandate])
    assert (model_only.action_area, model_only.action_area_source) == ("knowledge", "model")


def test_no_classifier_call_without_mandates_and_embeddings_passed_only_when_given() -> None:
    classifier = _Classifier()
    labeller = Labeller(classifier)
    assert labeller.label([]) == []
    assert classifier.calls == []
    labeller.label([_draft()], embeddings="vectors")
    labeller.label([_draft()])
    assert classifier.calls == [(1, "vectors"), (1, None)]
    assert labeller.area_calibration == {"threshold": 0.5}
    assert Labeller().area_calibration is None and Labeller(LabelFunction(lambda ms: ms)).area_calibration is None


def test_a_draft_gets_reviewed_labels_by_text() -> None:
    mandate = _draft()
    reviewed = ReviewedLabels([Correction.of(mandate, {"actor": "member_states"}, "tester")])
    other = mandate.model_copy(update={"id": "another", "resolution": "a draft"})  # no identity in common
    assert Labeller(reviewed=reviewed).label([other])[0].actor_source != "reviewed"
    [out] = Labeller(LabelFunction(lambda ms: ms), ReviewedByText(reviewed)).label([other])
    assert (out.actor, out.actor_source) == ("member_states", "reviewed")
