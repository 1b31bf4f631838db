"""The classify command's contract: jsonl in, one object per line out, in order; bad lines get an error."""

from __future__ import annotations

import io
import json

from service.cli import main

FIELDS = {"text", "actor", "actor_text", "with_partners", "action_area", "scores", "is_mandate", "mandates"}


def test_jsonl_one_object_per_line_in_order_with_errors(monkeypatch, capsys, shipped_classifier):
    lines = [
        json.dumps({"text": "Requests the Executive Director to report on the impacts of pesticides on health;"}),
        "{not json",
        json.dumps({"text": "敦促会员国制定、通过和执行消除含铅涂料的法律法规"}, ensure_ascii=False),
        json.dumps({"no_text": 1}),
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["classify", "--format", "jsonl"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(out) == 4
    assert FIELDS <= set(out[0]) and FIELDS <= set(out[2])
    assert "error" in out[1] and "error" in out[3]
    assert out[0]["actor"] == "unep" and out[0]["is_mandate"] is True
    assert out[2]["actor"] == "member_states"
    assert out[0]["text"].startswith("Requests the Executive Director")
    for mandate in out[0]["mandates"]:
        assert FIELDS - {"mandates"} <= set(mandate)


def test_draft_with_several_paragraphs_lists_each_mandate(capsys, shipped_classifier):
    draft = ("1. Requests the Executive Director to support countries in monitoring air quality;\n"
             "2. Urges Member States to develop national emission inventories;")
    assert main(["classify", draft, "--format", "jsonl"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert [m["actor"] for m in record["mandates"]] == ["unep", "member_states"]
    assert all(m["action_area"] for m in record["mandates"])


def test_table_format_for_an_argument(capsys, shipped_classifier):
    assert main(["classify", "报告农药和化肥对环境和健康的影响"]) == 0
    out = capsys.readouterr().out
    assert "area=" in out and "actor=" in out


def test_stdin_without_format_is_one_draft(monkeypatch, capsys, shipped_classifier):
    draft = "Requests the Executive Director to report.\n敦促会员国制定消除含铅涂料的法律法规\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(draft))
    assert main(["classify"]) == 0
    out = capsys.readouterr().out
    assert "actor=unep" in out and "actor=member_states" in out and "error" not in out
