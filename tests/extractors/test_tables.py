"""Mandate tables on the real seed (UNEP/EA.4/3, Chinese) and on a constructed English table.

Expected counts are computed in the test from the raw file by a different method than the
extractor's (counting "✓" characters per section line and per tab-separated column), and were
checked by hand against the text: 265 bullets; knowledge 64 (UNEP 44, Member States 20),
implementation 110 (36/74), infrastructure 12 (3/9), awareness 20 (7/13), leadership 59 (27/32).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from extractors.formats import read_bytes, read_path
from extractors.raw import RawDocument, RawTable
from extractors.schema import ACTION_AREAS, Document, content_hash
from extractors.table_cells import split_bullets
from extractors.tables import extract_table_mandates, load_seed_annex_mandates, mandates_from_tables

BUNDLED = Path(__file__).resolve().parents[2] / "corpus" / "bundled"
SEED = BUNDLED / "UNEP_EA.4_3.zh.txt"
AREA_NAMES = {
    "知识": "knowledge",
    "实施": "implementation",
    "基础设施": "infrastructure",
    "提高认识": "awareness",
    "领导能力": "leadership",
}


def _read_seed(text: str, source: str = str(SEED)) -> RawDocument:
    return read_bytes(text.encode("utf-8"), source)


def _document(raw: RawDocument, language: str = "zh") -> Document:
    return Document(
        id=raw.id, symbol="UNEP/EA.4/3", language=language, format=raw.format, source_file=raw.source
    )


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_mandates(seed_text: str):
    raw = _read_seed(seed_text)
    return mandates_from_tables(raw, _document(raw))


@pytest.fixture(scope="module")
def annex_lines(seed_text: str) -> list[str]:
    lines = seed_text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "附件二")
    end = next(i for i, line in enumerate(lines) if line.strip() == "附件三")
    return lines[start:end]


@pytest.fixture(scope="module")
def expected_counts(annex_lines: list[str]) -> Counter:
    """(area, actor) → number of ✓ marks, counted straight off the raw lines: the area from the
    last `行动领域 N（…）` line, the actor from the column (2nd = UNEP, 3rd = Member States)."""
    counts: Counter = Counter()
    area = None
    for line in annex_lines:
        m = re.match(r"行动领域\s*\d\s*（(.+?)）", line)
        if m:
            area = AREA_NAMES[m.group(1)]
        cells = line.split("\t")
        for column, actor in ((1, "unep"), (2, "member_states")):
            if len(cells) > column:
                counts[(area, actor)] += cells[column].count("✓")
    return counts


def _find(mandates, text_start: str):
    found = [m for m in mandates if m.text.startswith(text_start)]
    assert len(found) == 1, (text_start, [m.text for m in found])
    return found[0]


# --- the seed's Annex II ------------------------------------------------------------------


def test_all_265_bullets_come_out(seed_mandates, annex_lines) -> None:
    marks = sum(line.count("✓") for line in annex_lines)
    assert marks == 265
    assert len(seed_mandates) == marks
    assert len({m.id for m in seed_mandates}) == 265


def test_seventeen_resolutions_with_symbols(seed_mandates) -> None:
    numbers = {m.resolution_number for m in seed_mandates}
    assert len(numbers) == 17
    assert numbers >= {"1/5", "1/6", "1/7", "1/9", "2/7", "2/8", "2/9", "2/11", "3/1", "3/10"}
    for m in seed_mandates:
        session, number = m.resolution_number.split("/")
        assert m.resolution == f"UNEP/EA.{session}/Res.{number}"
        assert m.session == int(session)
        assert m.resolution_title


def test_counts_per_area_and_actor_match_the_raw_text(seed_mandates, expected_counts) -> None:
    got = Counter((m.action_area, m.actor) for m in seed_mandates)
    assert got == expected_counts
    per_area = Counter(m.action_area for m in seed_mandates)
    assert per_area == {
        "knowledge": 64,
        "implementation": 110,
        "infrastructure": 12,
        "awareness": 20,
        "leadership": 59,
    }
    assert Counter(m.actor for m in seed_mandates) == {"unep": 117, "member_states": 148}


def test_labels_come_from_the_document(seed_mandates) -> None:
    for m in seed_mandates:
        assert m.source.kind == "table"
        assert m.paragraph is None
        assert m.action_area in ACTION_AREAS and m.action_area_source == "document"
        assert m.actor_source == "document"
        assert m.actor_text == {"unep": "环境署", "member_states": "会员国"}[m.actor]
        assert m.language == "zh"
        assert "✓" not in m.text and "<" not in m.text
        assert re.fullmatch(r"(UNEP/EA\.4/3, )?annex II, row \d+(, item \d+)? \(on resolution \d/\d+\)", m.citation), m.citation
    # every bullet has its own place: no two cite alike (before issue 15, 12 cited "…(mandate table)" alike)
    assert len({m.citation for m in seed_mandates}) == len(seed_mandates)


def test_specific_bullets(seed_mandates) -> None:
    m = _find(seed_mandates, "报告农药和化肥对环境和健康的影响")
    assert (m.resolution_number, m.action_area, m.actor) == ("3/4", "knowledge", "unep")
    assert m.resolution_title == "环境与健康"

    m = _find(seed_mandates, "制定、通过和执行消除含铅涂料的法律法规")
    assert (m.resolution_number, m.action_area, m.actor) == ("3/9", "implementation", "member_states")


def test_title_split_by_a_page_break_is_joined(seed_mandates, annex_lines) -> None:
    # "3/9: 消除接触含铅涂料和" ends one page; the next page's first row holds "促进废铅酸电池…"
    # with more bullets: those keep resolution 3/9 and everyone gets the whole title.
    row = next(line for line in annex_lines if line.startswith("促进废铅酸电池无害环境管理\t"))
    first = split_bullets(row.split("\t")[1])[0]
    m = _find(seed_mandates, first)
    assert m.resolution_number == "3/9" and m.action_area == "implementation" and m.actor == "unep"
    titles = {m.resolution_title for m in seed_mandates if m.resolution_number == "3/9"}
    assert titles == {"消除接触含铅涂料和促进废铅酸电池无害环境管理"}
    assert sum(m.resolution_number == "3/9" for m in seed_mandates) == 11
    # 1/7 is cut mid-word ("…促进空" / "气质量方面的作用") on a row with no bullets of its own
    titles = {m.resolution_title for m in seed_mandates if m.resolution_number == "1/7"}
    assert titles == {"加强环境署在促进空气质量方面的作用"}


def test_cell_continued_after_a_page_break_keeps_its_resolution(seed_mandates) -> None:
    # the row after the header has an empty first cell: its bullets belong to 2/8 above it
    m = _find(seed_mandates, "继续通过《可持续消费和生产模式方案十年框架》提供科学和专家支助")
    assert (m.resolution_number, m.action_area, m.actor) == ("2/8", "knowledge", "unep")


def test_partners_deadlines_and_conditions_from_the_bullet_words(seed_mandates) -> None:
    m = _find(seed_mandates, "与会员国密切合作")
    assert m.with_partners
    m = _find(seed_mandates, "报告农药和化肥对环境和健康的影响")
    assert not m.with_partners
    dated = [m for m in seed_mandates if m.deadline]
    assert any("2019 年年底之前" in m.deadline for m in dated)
    for m in dated:
        assert m.deadline.replace(" ", "") in m.text.replace(" ", "")


def test_ids_are_stable(seed_text: str, seed_mandates) -> None:
    again = mandates_from_tables(_read_seed(seed_text), _document(_read_seed(seed_text)))
    assert [m.id for m in again] == [m.id for m in seed_mandates]


def test_annexes_three_and_four_are_not_mandate_tables(seed_text: str) -> None:
    # SDG targets by pollution issue; MEAs by action area (its columns are areas, not actors)
    rest = seed_text[seed_text.index("\n附件三\n") :]
    raw = _read_seed(rest, "annexes-3-4")
    assert raw.tables, "the annexes hold tables"
    result = extract_table_mandates(raw, _document(raw))
    assert result.mandates == [] and result.tables == 0


def test_actor_follows_the_header_not_the_column_position(seed_text: str, expected_counts) -> None:
    # the same tables with the actor columns swapped
    raw = _read_seed(seed_text)
    swapped = [
        RawTable(
            rows=[[r[0], r[2], r[1], *r[3:]] if len(r) >= 3 else r for r in t.rows],
            page=t.page,
            position=t.position,
        )
        for t in raw.tables
    ]
    raw_swapped = RawDocument(source=raw.source, id=raw.id, format=raw.format, tables=swapped)
    got = Counter((m.action_area, m.actor) for m in mandates_from_tables(raw_swapped, _document(raw)))
    assert got == expected_counts


def test_load_seed_annex_mandates_is_the_same_extraction(seed_mandates) -> None:
    loaded = load_seed_annex_mandates()
    assert [(m.text, m.resolution, m.action_area, m.actor) for m in loaded] == [
        (m.text, m.resolution, m.action_area, m.actor) for m in seed_mandates
    ]


# --- an English table -----------------------------------------------------------------


def _operative(json_path: Path, number: int) -> str:
    """Operative paragraph `number` of a registry resolution, number stripped (real text)."""
    for item in json.loads(json_path.read_text(encoding="utf-8")):
        m = re.match(rf"^\s*{number}\.?\s*\t\s*(.+)$", item["text"], re.S)
        if m:
            return re.sub(r"\s+", " ", m.group(1)).strip()
    raise AssertionError(f"no paragraph {number} in {json_path.name}")


def test_constructed_english_table() -> None:
    """A table CONSTRUCTED here in Annex II's layout from real paragraphs of UNEP/EA.2/Res.11
    (the words are the resolution's, the table is ours), split across a page break."""
    res = BUNDLED / "UNEP_EA.2_RES.11.json"
    p11, p21, p7, p22, p24 = (_operative(res, n) for n in (11, 21, 7, 22, 24))
    header = [
        "UNEA resolution",
        "Tasks for UNEP alone (blue) and with partners (purple)",
        "Tasks for Member States alone (green) and with partners (yellow)/calls for action",
    ]
    ul = '<ul style="list-style-type: none">'
    page1 = RawTable(
        page=1,
        rows=[
            header,
            ["Action area 1 (Knowledge)", "", ""],
            ["2/11: Marine plastic litter", f"{ul}<li>{p21}</li><li>{p24}</li></ul>", f"✓ {p7}"],
        ],
    )
    page2 = RawTable(
        page=2,
        rows=[
            header,
            ["and microplastics", f"✓ {p11}", ""],
            ["Tasks related to action area 4 (Awareness)", "", ""],
            ["Resolution 2/11. Marine plastic litter and microplastics", "", p22],
        ],
    )
    raw = RawDocument(
        source="constructed", id=content_hash(b"constructed"), format="docx", tables=[page1, page2]
    )
    doc = Document(id=raw.id, language="en", format="docx")
    mandates = mandates_from_tables(raw, doc)
    # a list item loses the ";" that ended it in the running text
    assert [m.text for m in mandates] == [p.rstrip(";") for p in (p21, p24, p7, p11, p22)]
    assert {m.resolution for m in mandates} == {"UNEP/EA.2/Res.11"}
    assert {m.resolution_title for m in mandates} == {"Marine plastic litter and microplastics"}
    assert [m.actor for m in mandates] == ["unep", "unep", "member_states", "unep", "member_states"]
    assert [m.actor_text for m in mandates] == ["UNEP", "UNEP", "Member States", "UNEP", "Member States"]
    assert [m.action_area for m in mandates] == ["knowledge"] * 4 + ["awareness"]
    assert all(m.language == "en" for m in mandates)
    by_text = {p: m for p, m in zip((p21, p24, p7, p11, p22), mandates, strict=True)}
    assert by_text[p21].with_partners  # "in close cooperation with other relevant bodies"
    assert by_text[p22].with_partners  # "in cooperation with industry and other stakeholders"
    assert not by_text[p24].with_partners
    assert "within available resources" in by_text[p11].conditions
    assert by_text[p24].deadline == "at its third session"


def test_docx_cell_paragraphs_are_items_but_pdf_wrapped_lines_are_not() -> None:
    cell = "Assist Member States in developing action plans\nReport on progress"
    assert split_bullets(cell, lines_are_items=True) == [
        "Assist Member States in developing action plans",
        "Report on progress",
    ]
    assert split_bullets(cell) == ["Assist Member States in developing action plans Report on progress"]
    assert split_bullets('<ul style="list-style-type: none"> ✓ 甲 ✓ 乙 ') == ["甲", "乙"]
    assert split_bullets("") == []


def test_rendered_docx_table_of_the_seed() -> None:
    """The first block of Annex II as a real Word table (a rendering, tests/rendering.py)."""
    from tests.rendering import rendered_chinese_docx, seed_annex_table_block

    raw = read_path(rendered_chinese_docx())
    mandates = mandates_from_tables(raw, _document(raw))
    block = seed_annex_table_block()
    assert len(mandates) == sum(cell.count("✓") for row in block for cell in row)
    m = _find(mandates, "报告农药和化肥对环境和健康的影响")
    assert (m.resolution_number, m.action_area, m.actor) == ("3/4", "knowledge", "unep")


def test_pdf_table_with_empty_cells_and_wrapped_lines() -> None:
    """A CONSTRUCTED table as pdfplumber hands one over: None for empty cells, line breaks where
    the text wrapped; words from UNEP/EA.2/Res.11 paragraph 24."""
    p24 = _operative(BUNDLED / "UNEP_EA.2_RES.11.json", 24)
    cut = p24.index(" ", 40)  # PDF lines wrap at spaces
    wrapped = p24[:cut] + "\n" + p24[cut + 1 :]
    table = RawTable(
        page=3,
        rows=[
            ["UNEA resolution", "Tasks for the Executive Director", "Calls for action to Governments"],
            ["Tasks related to action area 5 (Leadership)", None, None],
            ["2/11: Marine plastic litter and\nmicroplastics", f"✓ {wrapped}", None],
        ],
    )
    raw = RawDocument(source="constructed.pdf", id=content_hash(b"pdf"), format="pdf", tables=[table])
    [m] = mandates_from_tables(raw, Document(id=raw.id, language="en", format="pdf"))
    assert m.text == p24
    assert (m.actor, m.actor_text, m.action_area) == ("unep", "Executive Director", "leadership")
    assert m.resolution_title == "Marine plastic litter and microplastics"
    assert m.source.page == 3


# --- the whole Annex II as a Word table and as a PDF ------------------------------------


@pytest.fixture(scope="module")
def annex_docx(tmp_path_factory, annex_lines: list[str]) -> Path:
    """The whole Annex II RENDERED here as one Word table (real text, our layout): the header row
    marked to repeat on every page, as in the original; the text export's repeated headers (its
    page breaks) dropped, its split rows kept as they are."""
    from docx import Document as new_docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rows = [line.split("\t") for line in annex_lines if "\t" in line]
    header, body = rows[0], [r for r in rows[1:] if r != rows[0]]
    doc = new_docx()
    fonts = doc.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), "Noto Serif CJK SC")  # so LibreOffice embeds a CJK font
    doc.add_paragraph("附件二")
    table = doc.add_table(rows=len(body) + 1, cols=3)
    table.style = "Table Grid"
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for r, row in enumerate([header, *body]):
        for c in range(3):
            items = split_bullets(row[c]) if c < len(row) else []
            marks = "✓ " if c and "✓" in row[c] else ""
            cell = table.cell(r, c)
            cell.paragraphs[0].text = marks + items[0] if items else ""
            for item in items[1:]:
                cell.add_paragraph(marks + item)
    path = tmp_path_factory.mktemp("annex") / "annex2.rendered.docx"
    doc.save(path)
    return path


def _labelled(mandates) -> Counter:
    return Counter((re.sub(r"\s+", "", m.text), m.resolution, m.action_area, m.actor) for m in mandates)


def test_whole_annex_as_docx(annex_docx: Path, seed_mandates) -> None:
    raw = read_path(annex_docx)
    assert raw.format == "docx"
    assert _labelled(mandates_from_tables(raw, _document(raw))) == _labelled(seed_mandates)


@pytest.mark.slow
def test_whole_annex_as_pdf(annex_docx: Path, seed_mandates) -> None:
    """LibreOffice lays the table out over ~20 pages, so rows and bullets are cut by real page
    breaks; pdfplumber finds one table per page. Text compared without whitespace (a PDF line
    wrap drops the space in "2020 年")."""
    from tests.rendering import docx_to_pdf, soffice_available

    if not soffice_available():
        pytest.skip("LibreOffice (soffice) is not installed")
    raw = read_path(docx_to_pdf(annex_docx, annex_docx.parent))
    assert raw.format == "pdf" and len(raw.tables) > 5
    mandates = mandates_from_tables(raw, _document(raw))
    assert _labelled(mandates) == _labelled(seed_mandates)
    assert {m.source.page for m in mandates} >= {1, 2, 3}


def test_a_data_row_that_mentions_resolutions_and_governments_is_not_a_header() -> None:
    """CONSTRUCTED rows from UNEP/EA.2/Res.11: paragraph 2 names "its resolution 1/6", paragraph
    13 "Governments"; in an unmarked continuation row they are tasks, not column labels."""
    res = BUNDLED / "UNEP_EA.2_RES.11.json"
    p2, p13, p21 = (_operative(res, n).rstrip(";") for n in (2, 13, 21))
    header = ["UNEA resolution", "Tasks for UNEP", "Tasks for Member States"]
    table = RawTable(
        rows=[
            header,
            ["Action area 2 (Implementation)", "", ""],
            ["2/11: Marine plastic litter and microplastics", p21, ""],
            ["", p2, p13],
        ]
    )
    raw = RawDocument(source="constructed", id=content_hash(b"rows"), format="docx", tables=[table])
    mandates = mandates_from_tables(raw, Document(id=raw.id, language="en", format="docx"))
    assert [(m.text, m.actor, m.resolution) for m in mandates] == [
        (p21, "unep", "UNEP/EA.2/Res.11"),
        (p2, "unep", "UNEP/EA.2/Res.11"),
        (p13, "member_states", "UNEP/EA.2/Res.11"),
    ]
    assert {m.action_area for m in mandates} == {"implementation"}
