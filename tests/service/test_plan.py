"""The implementation-plan annex on real texts: the bundled UNEA-2 and UNEA-6 resolutions, extracted
and classified by the shipped pipeline, written as JSON lines, CSV, HTML and DOCX; the DOCX read
back by the project's own table reader and rendered to PDF by LibreOffice (table structure and
shading checked in the PDF); the same plan over the index, by CLI and API.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

from extractors.pipeline import extract_path
from extractors.schema import ACTION_AREAS, Document, Mandate
from service.plan_formats import Headings, marks, shading, task_text
from service.usecases.plan import (
    OTHER,
    Plan,
    areas_of,
    build_plan,
    column_of,
    main_area,
    plan_from_paths,
    render_plan,
)
from tests.rendering import docx_to_pdf, soffice_available
from tests.shared_corpus import UN_PARALLEL_SAMPLE

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "corpus" / "bundled"
# Bundled UNEA-6: 6/1 (French: read, no mandates in a supported language) and 6/9–6/15.
UNEA6 = sorted(BUNDLED.glob("UNEP_EA.6_RES.*.json"))
UNEA2 = sorted(BUNDLED.glob("UNEP_EA.2_RES.*.json"))
JSONL_KEYS = {"resolution", "resolution_number", "title", "action_area", "actor", "mandates"}
MANDATE_KEYS = {
    "id", "paragraph", "text", "bullet", "with_partners", "action_area_source", "actor_source", "uncertain",
    "addressee", "also_action_areas",
}  # fmt: skip


@cache
def _classifier():
    from models.classifiers import get_default_classifier

    return get_default_classifier()


@cache
def _mandates(session: int) -> tuple[Mandate, ...]:
    paths = UNEA6 if session == 6 else UNEA2
    return tuple(m for p in paths for m in _classifier().label(extract_path(p).mandates))


@cache
def _plan(session: int, language: str = "en") -> Plan:
    return plan_from_paths(UNEA6 if session == 6 else UNEA2, language, classify=_classifier().label)


def _cells(plan: Plan) -> Counter:
    """(resolution number, area, actor) → bullets (the shared column counted by each bullet's own actor)."""
    return Counter(
        (row.resolution_number, section.area, b.actor)
        for section in plan.sections
        for row in section.rows
        for bullets in row.cells.values()
        for b in bullets
    )


def _column_cells(plan: Plan) -> Counter:
    """(resolution number, area, column) → bullets, as the table shows them."""
    return Counter(
        (row.resolution_number, section.area, column)
        for section in plan.sections
        for row in section.rows
        for column, bullets in row.cells.items()
        for _ in bullets
    )


# --- the plan itself ---------------------------------------------------------------------------


@pytest.mark.parametrize("session", [2, 6])
def test_every_mandate_appears_once_under_its_main_area_in_the_seed_layout(session: int) -> None:
    """Issue 25: the seed's columns (UNEP, Member States, one "Other addressees" column when there are
    any) and each mandate once; the old expectation (one bullet per area, one column per actor) was the bug."""
    plan, mandates = _plan(session), _mandates(session)
    assert [s.area for s in plan.sections] == [
        a for a in ACTION_AREAS if any(s.area == a for s in plan.sections)
    ]
    others = {m.actor or "unassigned" for m in mandates} - {"unep", "member_states"}
    assert plan.actors == ["unep", "member_states", *([OTHER] if others else [])]
    placed = Counter(b.mandate.id for b in plan.bullets)
    left_out = {m.id for m in plan.not_tasks}
    assert placed == Counter({m.id: 1 for m in mandates if m.id not in left_out})
    for section in plan.sections:
        for row in section.rows:
            for column, bullets in row.cells.items():
                assert all(main_area(b.mandate) == section.area and column_of(b.actor) == column for b in bullets)
                assert all(set(b.also) == set(areas_of(b.mandate)) - {section.area} for b in bullets)
    for section in plan.sections:
        numbers = [tuple(map(int, r.resolution_number.split("/"))) for r in section.rows]
        assert numbers == sorted(numbers)
    if session == 6:
        assert "6/1" in {
            r.resolution_number for s in plan.sections for r in s.rows
        }  # French: its mandates are read since issue 13
        assert {r for r in plan.resolutions} == {f"UNEP/EA.6/Res.{n}" for n in (1, *range(9, 16))}


def test_a_mandate_in_several_areas_appears_once_with_a_mark_for_the_others() -> None:
    base = _mandates(6)[0]
    several = base.model_copy(update={"action_area": "knowledge", "action_areas": ["knowledge", "awareness"]})
    plan = build_plan([several])
    assert [s.area for s in plan.sections] == ["knowledge"]
    (bullet,) = plan.bullets
    assert bullet.also == ("awareness",) and marks(bullet).endswith("[4]")
    assert "[4]" in render_plan(plan, "html").body.decode()


def test_the_full_layout_gives_every_actor_its_column() -> None:
    mandates = _mandates(2)
    plan = build_plan(mandates, columns="all")
    assert plan.actors[:2] == ["unep", "member_states"] and OTHER not in plan.actors
    assert set(plan.actors[2:]) == {m.actor or "unassigned" for m in mandates} - {"unep", "member_states"}


def test_uncertain_follows_the_models_flag_or_its_confidence_when_the_mandate_has_no_flag() -> None:
    plan = _plan(2)
    for b in (b for s in plan.sections for r in s.rows for c in r.cells.values() for b in c):
        m = b.mandate
        doubt = m.uncertain if m.uncertain is not None else (
            m.action_area_source == "model" and max(m.scores.values()) < 0.5)
        assert b.uncertain == (m.actor is None or doubt)


# --- JSON lines and CSV ---------------------------------------------------------------------------


@pytest.mark.parametrize("session", [2, 6])
def test_jsonl_is_one_object_per_non_empty_cell_with_the_contract(session: int) -> None:
    plan = _plan(session)
    records = [json.loads(line) for line in render_plan(plan, "jsonl").body.decode().splitlines()]
    assert all(set(r) == JSONL_KEYS for r in records)
    assert all(set(m) == MANDATE_KEYS for r in records for m in r["mandates"])
    # a mandate whose addressee was not identified: actor null in the file, its own column in the plan
    got = Counter(
        {
            (r["resolution_number"], r["action_area"], r["actor"] or "unassigned"): len(r["mandates"])
            for r in records
        }
    )
    assert got == _cells(plan) and len(records) == len(got)
    by_id = {m.id: m for m in _mandates(session)}
    for r in records:
        assert r["resolution"] == f"UNEP/EA.{session}/Res.{r['resolution_number'].split('/')[1]}"
        for item in r["mandates"]:
            m = by_id[item["id"]]
            assert item["text"] == m.text and item["paragraph"] == m.paragraph.split("#")[0]
            assert item["with_partners"] == m.with_partners and item["actor_source"] == m.actor_source
            assert item["bullet"] and len(item["bullet"]) <= len(item["text"])


def test_csv_is_one_row_per_bullet_and_opens_in_excel() -> None:
    plan = _plan(6, "zh")
    body = render_plan(plan, "csv").body
    assert body.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == plan.bullet_count
    assert Counter(
        (r["resolution_number"], r["action_area"], r["actor"] or "unassigned") for r in rows
    ) == _cells(plan)
    assert {r["action_area_label"] for r in rows} <= {"知识", "实施", "基础设施", "提高认识", "领导能力"}
    paragraph_of = {m.id: m.paragraph.split("#")[0] for m in _mandates(6)}
    assert all(r["paragraph"] == paragraph_of[r["id"]] for r in rows)


# --- HTML ----------------------------------------------------------------------------------------


class _Cells(HTMLParser):
    """Bullets per (section, resolution, actor) as the HTML table holds them."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: Counter = Counter()
        self.area = self.resolution = self.actor = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tbody":
            self.area = a.get("data-area")
        elif tag == "tr" and "data-resolution" in a:
            self.resolution = a["data-resolution"]
        elif tag == "td":
            self.actor = a.get("data-actor")
        elif tag == "li" and "bullet" in (a.get("class") or ""):
            self.cells[(self.resolution, self.area, self.actor)] += 1


@pytest.mark.parametrize("session", [2, 6])
def test_html_is_a_printable_table_of_the_cells(session: int) -> None:
    plan = _plan(session)
    html = render_plan(plan, "html").body.decode()
    parser = _Cells()
    parser.feed(html)
    expected = Counter(
        {
            (f"UNEP/EA.{session}/Res.{n.split('/')[1]}", a, actor): k
            for (n, a, actor), k in _column_cells(plan).items()
        }
    )
    assert parser.cells == expected
    assert html.count("<details>") == plan.bullet_count  # the full text one click away
    assert "@media print" in html and "table-header-group" in html and "landscape" in html
    headings = Headings("en")
    assert all(headings.area(s.area) in html for s in plan.sections)


# --- DOCX and its PDF ----------------------------------------------------------------------------


def _docx_table(body: bytes):
    from docx import Document as open_docx

    document = open_docx(io.BytesIO(body))
    assert len(document.tables) == 1
    return document, document.tables[0]


@pytest.mark.parametrize("session", [2, 6])
def test_docx_table_has_the_seeds_structure_and_shading(session: int) -> None:
    from docx.oxml.ns import qn

    plan = _plan(session)
    document, table = _docx_table(render_plan(plan, "docx").body)
    headings = Headings("en")
    assert [c.text for c in table.rows[0].cells] == [
        headings["resolution_column"],
        *map(headings.actor, plan.actors),
    ]
    legend = [p.text for p in document.paragraphs]
    assert headings["legend_line"] in legend and len(legend) <= 4  # one line, not a bar per actor
    expected_rows = [("section", headings.area(s.area)) for s in plan.sections for _ in [0]]
    r = 1
    for section in plan.sections:
        assert {c.text for c in table.rows[r].cells} == {headings.area(section.area)}  # merged section row
        r += 1
        for row in section.rows:
            cells = table.rows[r].cells
            assert cells[0].text.startswith(f"{row.resolution_number}: ")
            for c, actor in enumerate(plan.actors, start=1):
                paragraphs = [p for p in cells[c].paragraphs if p.text]
                bullets = row.cells.get(actor, [])
                assert [p.text.split(" (para. ")[0] for p in paragraphs] == [
                    f"✓ {task_text(b, actor)}{marks(b)}" for b in bullets
                ]
                shd = [p._p.pPr.find(qn("w:shd")) if p._p.pPr is not None else None for p in paragraphs]
                fills = [s.get(qn("w:fill")) if s is not None else None for s in shd]
                assert fills == [shading(actor, True) if b.with_partners else None for b in bullets]
                assert cells[c]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == shading(actor, False)
            r += 1
    assert r == len(table.rows) and expected_rows


@pytest.mark.parametrize("session", [2, 6])
def test_docx_reads_back_as_a_mandate_table_with_the_same_cells(session: int, tmp_path) -> None:
    """extractors.tables (which reads the seed's Annex II) reads the plan back: same cells, same bullets."""
    from extractors.formats import read_path
    from extractors.tables import extract_table_mandates

    plan = _plan(session)
    path = tmp_path / "plan.docx"
    path.write_bytes(render_plan(plan, "docx").body)
    raw = read_path(path)
    read = extract_table_mandates(
        raw, Document(id=raw.id, language="en", source_file=path.name, format=raw.format)
    )
    assert read.tables == 1 and not read.skipped
    got = Counter((m.resolution_number, m.action_area, m.actor) for m in read.mandates)
    # the table reader knows these actors' column words; a column it has no words for (no
    # addressee identified, an actor added later) is not read back
    known = {"unep", "member_states", "un_system", "stakeholders", "intergovernmental"}
    expected = Counter({k: v for k, v in _column_cells(plan).items() if k[2] in known})
    assert got == expected


def _rgb(hex_fill: str) -> tuple[float, ...]:
    return tuple(round(int(hex_fill[i : i + 2], 16) / 255, 2) for i in (0, 2, 4))


@pytest.mark.slow
@pytest.mark.parametrize("session", [2, 6])
def test_docx_rendered_to_pdf_by_libreoffice_keeps_table_and_shading(session: int, tmp_path) -> None:
    """LibreOffice renders the DOCX; pdfplumber reads the ruled table (cell borders only, so the
    bullets' shading does not split columns) and the fill under each ✓."""
    if not soffice_available():
        pytest.skip("LibreOffice (soffice) is not installed")
    import pdfplumber

    plan = _plan(session)
    docx_path = tmp_path / "plan.docx"
    docx_path.write_bytes(render_plan(plan, "docx").body)
    pdf_path = docx_to_pdf(docx_path, tmp_path)
    headings = Headings("en")
    header = [headings["resolution_column"], *map(headings.actor, plan.actors)]
    width = len(header)
    sections: list[str] = []
    labels: dict[str, list[str]] = {}
    marks: Counter = Counter()
    partner_marks: Counter = Counter()
    current = ""
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            tables = page.find_tables(
                {"vertical_strategy": "lines_strict", "horizontal_strategy": "lines_strict"}
            )
            for table in tables:
                rows = table.extract()
                assert all(len(row) == width for row in rows)
                for cells_box, row in zip(table.rows, rows, strict=True):
                    text = [re.sub(r"\s+", " ", c or "").strip() for c in row]
                    if text == [re.sub(r"\s+", " ", h) for h in header]:
                        continue  # the header row, repeated on every page
                    filled = [t for t in text if t]
                    if len(filled) == 1 and text[0] in [headings.area(a) for a in ACTION_AREAS]:
                        sections.append(text[0])
                        current = text[0]
                        continue
                    if re.match(r"\d+/\d+: ", text[0]):  # a resolution row
                        labels.setdefault(current, []).append(text[0])
                    elif text[0]:  # the rest of its title, cut by a page break
                        labels[current][-1] += text[0]
                    for c in range(1, width):
                        box = cells_box.cells[c]
                        if box is None:
                            continue
                        actor = plan.actors[c - 1]
                        for ch in page.chars:
                            if ch["text"] != "✓" or not _centre_in(ch, box):
                                continue
                            marks[actor] += 1
                            fill = _fill_under(page, ch)
                            assert fill in (_rgb(shading(actor, False)), _rgb(shading(actor, True))), (
                                actor,
                                fill,
                            )
                            partner_marks[actor] += fill == _rgb(shading(actor, True))
    assert sections == [headings.area(s.area) for s in plan.sections]
    for section in plan.sections:
        got = [re.sub(r"\s+", "", t) for t in labels[headings.area(section.area)]]
        assert got == [re.sub(r"\s+", "", f"{r.resolution_number}: {r.title}") for r in section.rows]
    bullets = [(a, b) for s in plan.sections for r in s.rows for a, c in r.cells.items() for b in c]
    assert marks == Counter(a for a, _ in bullets)
    assert +partner_marks == Counter(a for a, b in bullets if b.with_partners)


def _centre_in(ch, box: tuple[float, float, float, float]) -> bool:
    x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _fill_under(page, ch) -> tuple[float, ...] | None:
    """The fill colour of the smallest filled rectangle under a character."""
    x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    under = [
        r for r in page.rects
        if r.get("fill") and r["x0"] <= x <= r["x1"] and r["top"] <= y <= r["bottom"] and r.get("non_stroking_color")
    ]  # fmt: skip
    if not under:
        return None
    smallest = min(under, key=lambda r: (r["x1"] - r["x0"]) * (r["bottom"] - r["top"]))
    return tuple(round(v, 2) for v in smallest["non_stroking_color"][:3])


def test_a_reviewers_correction_wins_in_the_plan_from_files(tmp_path) -> None:
    """A maintainer's correction in the home's store moves the bullet to the reviewed area and actor
    when the plan is drafted from the files (over the index the indexed mandates already carry it)."""
    from corpus.corrections import Correction, CorrectionStore, ReviewedLabels

    path = BUNDLED / "UNEP_EA.2_RES.8.json"
    labelled = _classifier().label(extract_path(path).mandates)
    target = next(m for m in labelled if m.actor == "unep")
    area = next(a for a in ACTION_AREAS if a not in (target.action_areas or [target.action_area]))
    store = CorrectionStore(tmp_path)
    store.add(Correction.of(target, {"action_area": area, "actor": "member_states"}, "reviewer@test"))

    def placed(plan: Plan) -> set[tuple[str, str]]:
        return {
            (section.area, actor)
            for section in plan.sections
            for row in section.rows
            for actor, bullets in row.cells.items()
            for b in bullets
            if b.mandate.id == target.id
        }

    before = plan_from_paths([path], "en", classify=_classifier().label)
    after = plan_from_paths([path], "en", classify=_classifier().label, reviewed=ReviewedLabels(store.all()))
    assert (area, "member_states") not in placed(before)
    assert placed(after) == {(area, "member_states")}
    [bullet] = [b for s in after.sections for r in s.rows for bs in r.cells.values() for b in bs
                if b.mandate.id == target.id]
    assert bullet.mandate.action_area_source == "reviewed" and bullet.mandate.actor_source == "reviewed"


def test_an_arabic_plan_docx_reads_right_to_left() -> None:
    """A real Arabic operative line (UN Parallel Corpus sample): the Arabic plan's headings are Arabic, every
    paragraph is right to left (w:bidi) and the table's columns start from the right (w:bidiVisual)."""
    from docx import Document as DocxDocument
    from docx.oxml.ns import qn

    from extractors.pipeline import extract_draft
    from service.plan_formats.docx import plan_docx

    lines = UN_PARALLEL_SAMPLE.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    arabic = [r["ar"] for r in rows if r["document"] == "2015/a/69/687" and r["en"].startswith("4. Requests")]
    mandates = [m.model_copy(update={"resolution": "2015/a/69/687"}) for m in extract_draft(arabic[0], language="ar")]
    assert mandates
    plan = build_plan(mandates, "ar")
    document = DocxDocument(io.BytesIO(plan_docx(plan)))
    assert document.paragraphs[0].text.startswith("خطة التنفيذ")
    table = document.tables[0]
    assert table._tbl.tblPr.find(qn("w:bidiVisual")) is not None
    paragraphs = list(document.paragraphs) + [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
    assert all(p._p.pPr is not None and p._p.pPr.find(qn("w:bidi")) is not None for p in paragraphs)
    bullets = [p.text for row in table.rows[1:] for cell in row.cells[1:] for p in cell.paragraphs if p.text]
    assert any(b.startswith("✓ ") and "يواصل بذل جهوده" in b for b in bullets), bullets
    # the symbol is embedded left to right (LRE … PDF), else the cell shows "a/69/687: draft/2015"
    assert table.rows[2].cells[0].text.startswith("\u202a2015/a/69/687")
