"""`unea-mandates plan` (files and index) and `GET /v1/plan`, `/plan` on real indexed resolutions."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest

from service.cli import main

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "corpus" / "bundled"
UNEA6 = sorted(BUNDLED.glob("UNEP_EA.6_RES.*.json"))
UNEA2 = sorted(BUNDLED.glob("UNEP_EA.2_RES.*.json"))


def _jsonl_cells(text: str) -> Counter:
    records = [json.loads(line) for line in text.splitlines()]
    return Counter(
        {(r["resolution_number"], r["action_area"], r["actor"]): len(r["mandates"]) for r in records}
    )


@pytest.mark.parametrize("fmt", ["html", "docx", "csv", "jsonl"])
def test_cli_writes_every_format_from_files(fmt: str, tmp_path, capsys) -> None:
    out = tmp_path / f"plan.{fmt}"
    assert main(["plan", *map(str, UNEA6), "--format", fmt, "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "8 resolutions" in err and f"→ {out}" in err  # 6/1 (French) has mandates since issue 13
    body = out.read_bytes()
    if fmt == "docx":
        assert body[:2] == b"PK"
    elif fmt == "csv":
        assert len(list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))) > 50
    elif fmt == "jsonl":
        assert {json.loads(line)["resolution_number"] for line in body.decode().splitlines()} == {
            f"6/{n}" for n in (1, *range(9, 16))
        }
    else:
        assert b'<table class="plan-table"' in body and b"@media print" in body


def test_cli_takes_a_folder_and_reports_unreadable_files(tmp_path, capsys) -> None:
    for path in UNEA2[:3]:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n broken")
    code = main(["plan", str(tmp_path), "--format", "jsonl", "--language", "zh"])
    out, err = capsys.readouterr()
    assert code == 1 and "broken.pdf" in err
    assert {json.loads(line)["resolution_number"] for line in out.splitlines()} == {"2/10", "2/11", "2/13"}


@pytest.mark.parametrize(
    "argv",
    [
        ["plan"],
        ["plan", "x.json", "--session", "6"],
        ["plan", "--session", "six"],
        ["plan", "--resolution", "6/x"],
    ],
)
def test_cli_refuses_unclear_requests(argv, capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("UNEA_MANDATES_HOME", str(tmp_path))
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("unea-mandates plan: ")


def test_cli_over_the_index_gives_the_plan_of_the_files(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("UNEA_MANDATES_HOME", str(tmp_path))
    assert main(["ingest", *map(str, UNEA6)]) == 0
    capsys.readouterr()
    assert main(["plan", *map(str, UNEA6), "--format", "jsonl"]) == 0
    from_files = _jsonl_cells(capsys.readouterr().out)
    assert main(["plan", "--session", "6", "--format", "jsonl"]) == 0
    assert _jsonl_cells(capsys.readouterr().out) == from_files
    assert (
        main(["plan", "--resolution", "6/10", "--resolution", "UNEP/EA.6/Res.13", "--format", "jsonl"]) == 0
    )
    cells = _jsonl_cells(capsys.readouterr().out)
    assert cells == Counter({k: v for k, v in from_files.items() if k[0] in ("6/10", "6/13")})


# --- API and page (the service tests' index: the seed, 2/11, 4/6, 5/14) ---------------------------


def test_api_plan_of_a_resolution_uses_its_own_paragraphs(client) -> None:
    response = client.get("/v1/plan", params={"resolution": "2/11", "format": "jsonl"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/x-ndjson")
    records = [json.loads(line) for line in response.text.splitlines()]
    # the seed's Annex II also has 2/11 rows (Chinese bullets); the resolution's own English text wins
    assert {r["resolution"] for r in records} == {"UNEP/EA.2/Res.11"}
    assert all(
        m["paragraph"] and m["action_area_source"] != "document" for r in records for m in r["mandates"]
    )
    cli = io.StringIO()
    from service.usecases.plan import plan_from_paths, render_plan

    cli.write(
        render_plan(
            plan_from_paths([BUNDLED / "UNEP_EA.2_RES.11.json"], classify=_label), "jsonl"
        ).body.decode()
    )
    assert _jsonl_cells(response.text) == _jsonl_cells(cli.getvalue())


def _label(mandates):
    from models.classifiers import get_default_classifier

    return get_default_classifier().label(mandates)


def test_api_plan_of_a_resolution_known_only_from_the_seeds_table(client) -> None:
    # 2/8's text is not in this index: its rows come from the seed's Annex II (areas and actors as stated)
    response = client.get(
        "/v1/plan", params={"resolution": "UNEP/EA.2/Res.8", "format": "jsonl", "lang": "zh"}
    )
    records = [json.loads(line) for line in response.text.splitlines()]
    assert records and all(r["actor"] in ("unep", "member_states") for r in records)
    assert all(
        m["action_area_source"] == "document" and m["paragraph"] is None
        for r in records
        for m in r["mandates"]
    )
    assert "制定《可持续消费和生产模式方案十年框架》的执行措施" in {
        m["bullet"] for r in records for m in r["mandates"]
    }


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({}, 422),
        ({"session": "x"}, 422),
        ({"resolution": "6/x"}, 422),
        ({"session": "2", "format": "pdf"}, 422),
    ],
)
def test_api_plan_refuses_with_a_message(client, params, status) -> None:
    response = client.get("/v1/plan", params=params)
    assert response.status_code == status and response.json()["error"]


def test_api_plan_docx_is_a_download(client) -> None:
    response = client.get("/v1/plan", params={"session": "2", "format": "docx"})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert response.headers["content-disposition"].startswith('attachment; filename="plan-')


def test_plan_page_and_the_search_pages_link(client) -> None:
    page = client.get("/plan", params={"session": "2"})
    assert page.status_code == 200 and 'class="plan-table"' in page.text
    assert "/v1/plan?session=2&amp;format=docx" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert 'id="plan-link" href="/plan"' in client.get("/").text
    assert client.get("/plan", params={"session": "x"}).status_code == 422
