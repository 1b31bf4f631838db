"""Model releases under a home (models.releases): the pointer moves atomically, every release is kept, the log
survives a cut line, and a release is judged by its held figures."""

from __future__ import annotations

import json

from models.releases import HELD_FIGURES, ModelReleases, not_worse


def test_no_pointer_means_the_shipped_weights(tmp_path) -> None:
    releases = ModelReleases(tmp_path)
    assert releases.current() is None and releases.current_dir() is None and releases.history() == []


def test_a_promoted_release_is_current_and_the_old_one_is_kept(tmp_path) -> None:
    releases = ModelReleases(tmp_path)
    first, second = releases.new_dir(), releases.new_dir()
    for directory in (first, second):
        (directory / "classifier.json").write_text("{}")
    releases.promote(first.name)
    stamp = releases.pointer_stamp()
    releases.promote(second.name)
    assert releases.current() == second.name and first.is_dir()
    assert releases.pointer_stamp() != stamp
    assert not list(releases.root.glob("*.tmp"))  # the temporary pointer was renamed over, not left


def test_a_pointer_to_a_missing_release_falls_back_to_the_shipped_weights(tmp_path) -> None:
    releases = ModelReleases(tmp_path)
    releases.root.mkdir(parents=True)
    releases.pointer.write_text(json.dumps({"release": "r-gone"}))
    assert releases.current() is None
    releases.pointer.write_text("{\"release\": ")  # cut mid-write by hand (a rename never leaves this)
    assert releases.current() is None


def test_the_log_keeps_every_event_and_skips_a_cut_line(tmp_path) -> None:
    releases = ModelReleases(tmp_path)
    releases.log("started", release="r-1")
    with open(releases.log_path, "a", encoding="utf-8") as f:
        f.write('{"event": "promo')  # a crash mid-line
    releases.log("rejected", release="r-1", why="worse")
    assert [e["event"] for e in releases.history()] == ["started", "rejected"]


def test_not_worse_allows_the_tolerance_and_no_more() -> None:
    serving = {"annex_ii_zh_macro_f1": 0.65, "guideline_en_macro_f1": 0.63}
    assert not_worse({"annex_ii_zh_macro_f1": 0.645, "guideline_en_macro_f1": 0.70}, serving, 0.01)[0]
    ok, why = not_worse({"annex_ii_zh_macro_f1": 0.62, "guideline_en_macro_f1": 0.70}, serving, 0.01)
    assert not ok and "0.650 → 0.620" in why
    assert not not_worse({"annex_ii_zh_macro_f1": 0.7}, serving, 0.01)[0]  # a figure not measured
    assert not_worse(dict.fromkeys(HELD_FIGURES, 0.5), {}, 0.0)[0]  # nothing to compare with: promoted
