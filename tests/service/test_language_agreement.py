"""`unea-mandates eval --agreement-only`: cross-language agreement of the labels on the aligned operative
lines of the UN Parallel Corpus sample (../shared/corpus/un-parallel/un-parallel-sample.jsonl)."""

from __future__ import annotations

import json

from service.cli import main
from tests.shared_corpus import UN_PARALLEL_SAMPLE

SAMPLE = str(UN_PARALLEL_SAMPLE)


def test_eval_prints_cross_language_agreement(capsys):
    assert main(["eval", "--agreement-only", "--aligned", SAMPLE]) == 0
    out = capsys.readouterr().out
    assert "cross-language agreement with English on 50 aligned operative lines" in out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[3:] if line.strip()}
    assert set(rows) >= {"ar", "es", "fr", "ru", "zh"}
    for language in ("ar", "es", "fr", "ru"):
        mandates, paragraph, verb_class, actor, *_labelled_area_all = (float(x) for x in rows[language])
        assert mandates >= 0.85 and paragraph >= 0.85 and verb_class >= 0.85 and actor >= 0.8, (language, rows[language])


def test_eval_agreement_as_jsonl(capsys):
    assert main(["eval", "--agreement-only", "--aligned", SAMPLE, "--format", "jsonl"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {line["language"] for line in lines} == {"ar", "es", "fr", "ru", "zh"}
    assert all(0.0 <= line["action_area"] <= 1.0 and line["lines"] == 50 for line in lines)


def test_eval_without_an_aligned_file_says_so(capsys, tmp_path):
    assert main(["eval", "--agreement-only", "--aligned", str(tmp_path / "missing.jsonl")]) == 2
    assert "no aligned file" in capsys.readouterr().err
