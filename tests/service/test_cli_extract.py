"""`unea-mandates extract` on real files: JSON lines, the table, errors that do not stop the batch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from service.cli import main

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "corpus" / "bundled"


def test_jsonl_one_object_per_mandate(capsys):
    code = main(["extract", str(BUNDLED / "UNEP_EA.2_RES.13.json"), "--format", "jsonl", "--no-classify"])
    out, err = capsys.readouterr()
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["paragraph"] for r in records] == [
        "1",
        "3",
        "4(a)",
        "4(b)",
        "4(c)",
        "5(a)",
        "5(b)",
        "5(c)",
        "5(d)",
        "6",
    ]
    first = records[2]
    assert first["citation"] == "UNEP/EA.2/Res.13, para. 4(a)"
    assert (first["actor"], first["actor_source"], first["verb"]) == ("unep", "rule", "requests")
    assert first["action_area"] is None and first["action_area_source"] is None
    assert {
        "id",
        "document",
        "resolution",
        "text",
        "with_partners",
        "conditions",
        "deadline",
        "source",
    } <= set(first)
    assert "1 documents, 1 resolutions, 10 mandates" in err


def test_batch_goes_on_after_unreadable_files(tmp_path, capsys):
    shutil.copy(BUNDLED / "UNEP_EA.5_RES.2.json", tmp_path / "a.json")
    (tmp_path / "b.docx").write_bytes(b"")  # empty
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.7\n broken")  # corrupt PDF
    shutil.copy(BUNDLED / "UNEP_EA.6_RES.1.json", tmp_path / "d.json")  # French
    (tmp_path / ".hidden.json").write_text("[]")
    code = main(["extract", str(tmp_path), "--no-classify"])
    out, err = capsys.readouterr()
    assert code == 1
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 12  # 7 of 5/2 and 5 of the French 6/1
    assert {r["resolution"] for r in records} == {"UNEP/EA.5/Res.2", "UNEP/EA.6/Res.1"}
    error_lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(error_lines) == 2
    assert any(str(tmp_path / "b.docx") in line for line in error_lines)
    assert any(str(tmp_path / "c.pdf") in line for line in error_lines)
    assert "2 documents" in err and "2 errors" in err
    assert "not yet supported" not in err  # French is read since issue 13


def test_table_format(capsys):
    code = main(["extract", str(BUNDLED / "UNEP_EA.5_RES.2.json"), "--format", "table", "--no-classify"])
    out, _ = capsys.readouterr()
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["resolution", "para", "actor", "addressee", "area", "verb", "text"]
    assert len(lines) == 8
    assert lines[3].startswith("UNEP/EA.5/Res.2") and " 3(a) " in lines[3] and " unep " in lines[3]


def test_table_tells_two_mandates_of_one_paragraph_apart(capsys):
    # UNEP/EA.4/Res.20 para. 5: "Decides to review Montevideo Programme V no later than 2025 and requests the
    # Executive Director to provide a report …": the Assembly decides, the Executive Director reports
    code = main(["extract", str(BUNDLED / "UNEP_EA.4_RES.20.json"), "--format", "table", "--no-classify"])
    out, _ = capsys.readouterr()
    assert code == 0
    rows = [line.split("  ") for line in out.splitlines() if line.startswith("UNEP/EA.4/Res.20  5 ")]
    cells = [[c.strip() for c in row if c.strip()] for row in rows]
    assert [[c[2], c[3], c[5]] for c in cells] == [
        ["intergovernmental", "United Nations Environment Assembly", "decides"],
        ["unep", "UNEP Executive Director", "requests"],
    ]


def test_seed_table_mandates_keep_document_areas(capsys):
    # classification on (the default): areas the document states win over any model
    code = main(["extract", str(BUNDLED / "UNEP_EA.4_3.zh.txt")])
    out, _ = capsys.readouterr()
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 265
    assert {r["action_area_source"] for r in records} == {"document"}
    assert {r["actor"] for r in records} == {"unep", "member_states"}
    assert all(r["citation"].startswith("UNEP/EA.4/3, annex II, row ") for r in records)
    assert len({r["citation"] for r in records}) == 265


def test_extract_labels_as_ingest_does_reviewed_labels_on_top(tmp_path, monkeypatch, capsys):
    # the home's reviewed labels win, as on an ingested document (labelling.Labeller), --no-classify included
    from corpus.corrections import Correction, CorrectionStore
    from extractors.pipeline import extract_path

    path = BUNDLED / "UNEP_EA.2_RES.13.json"
    target = next(m for m in extract_path(path).mandates if m.paragraph == "4(a)")
    CorrectionStore(tmp_path).add(Correction.of(target, {"action_area": "leadership"}, "tester"))
    monkeypatch.setenv("UNEA_MANDATES_HOME", str(tmp_path))
    assert main(["extract", str(path), "--format", "jsonl", "--no-classify"]) == 0
    records = {r["paragraph"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert (records["4(a)"]["action_area"], records["4(a)"]["action_area_source"]) == ("leadership", "reviewed")
    assert records["4(b)"]["action_area"] is None
