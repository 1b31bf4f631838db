"""The classifier with the five-actor label set: rules and the document win, an addressee nobody could
read stays unread, an unknown addressee gets the model's guess with its confidence."""

from __future__ import annotations

from corpus.registry import bundled_dir
from extractors.pipeline import extract_path
from extractors.schema import ACTORS


def test_labels_keep_intergovernmental_and_none_and_say_when_the_model_guessed(shipped_classifier):
    assert "intergovernmental" in ACTORS
    mandates = extract_path(bundled_dir() / "UNEP_EA.5_RES.14.json").mandates
    inc = next(m for m in mandates if m.paragraph == "4(a)")  # "Decides that the intergovernmental negotiating committee …"
    labelled = shipped_classifier.label([inc])[0]
    assert (labelled.actor, labelled.actor_source, labelled.actor_entity) == (
        "intergovernmental", "rule", "Intergovernmental negotiating committee")

    declaration = extract_path(bundled_dir() / "UNEP_EA.4_HLS.1.json").mandates
    unread = next(m for m in declaration if m.actor_source == "none")  # "We encourage the disclosure of …"
    assert shipped_classifier.label([unread])[0].actor is None

    # "those in a position to do so" leaves the addressee open: no actor, by rule, never a model guess
    open_ = next(m for m in extract_path(bundled_dir() / "UNEP_EA.2_RES.11.json").mandates
                 if m.actor_text == "those in a position to do so")
    assert (open_.actor, open_.actor_source) == (None, "none")
    assert shipped_classifier.label([open_])[0].actor is None
    # an addressee no rule knows (4/12 para. 4: "national, regional and global initiatives, cooperation and
    # commitments"): the model guesses, and says so with its confidence
    unknown = next(m for m in extract_path(bundled_dir() / "UNEP_EA.4_RES.12.json").mandates if m.paragraph == "4")
    assert (unknown.actor, unknown.actor_source) == (None, None)
    guessed = shipped_classifier.label([unknown])[0]
    assert guessed.actor_source == "model" and guessed.actor in shipped_classifier.actor_head.classes
    assert 0 < guessed.actor_confidence <= 1
