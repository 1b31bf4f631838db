"""The pre-check before pdfplumber's table finder (extractors/pdf_ruling.py) on real pages: the UN GA
PDFs (masthead rules, a box round the QR code, boxed paragraphs) and the LibreOffice rendering of
a block of the seed's Annex II as a ruled Word table (tests/rendering.py); then CONSTRUCTED
drawings for the general rules. Expectations come from pdfplumber's own finder on the same pages
and from the reader's output, never typed in."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from extractors.formats import read_path
from extractors.formats.pdf import pdfium_words, table_rows
from extractors.formats.pdf_ruling import page_may_hold_table, ruling_edges
from tests import rendering

GA = sorted((Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "un-ga-pdfs").glob("*.pdf"))
# pdfplumber is slow: compare with it on a few pages that draw rules, not on all of them; the last
# two draw boxes round paragraphs, line by line, that pdfplumber's geometry makes cells of
PLUMBER_SAMPLE = [
    ("A_RES_79_142.pdf", 1),
    ("A_RES_79_212.pdf", 1),
    ("A_RES_79_205.pdf", 12),
    ("A_RES_78_155.pdf", 7),
]

needs_soffice = pytest.mark.skipif(
    not rendering.soffice_available(), reason="LibreOffice (soffice) not installed"
)


def _paths(page) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]))


def _words(page) -> list[dict]:  # type: ignore[no-untyped-def]
    textpage = page.get_textpage()
    words = pdfium_words(textpage, page.get_size()[1])
    textpage.close()
    return words


def _plumber_finds(pdf_path: Path, number: int) -> tuple[bool, bool]:
    """pdfplumber's own finder on the page: (a table of >= 2 rows with two cells in one row,
    a table the reader keeps)."""
    with pdfplumber.open(pdf_path) as plumber:
        tables = plumber.pages[number - 1].find_tables()
        kept = any(table_rows(t) is not None for t in tables)
    geometry = any(
        len(t.rows) >= 2 and any(sum(c is not None for c in row.cells) >= 2 for row in t.rows) for t in tables
    )
    return geometry, kept


@pytest.mark.parametrize("path", GA, ids=lambda p: p.stem)
def test_ga_first_page_draws_rules_but_no_table(path: Path) -> None:
    pdf = pdfium.PdfDocument(path)
    page = pdf[0]
    assert _paths(page) >= 6  # masthead rules in pieces and the QR code's box: many paths
    assert ruling_edges(page)  # the rules are seen…
    assert not page_may_hold_table(page)  # …but they cannot form a table
    pdf.close()


@pytest.mark.parametrize(("name", "number"), PLUMBER_SAMPLE)
def test_ga_pages_agree_with_pdfplumbers_finder(name: str, number: int) -> None:
    path = next(p for p in GA if p.name == name)
    page = pdfium.PdfDocument(path)[number - 1]
    geometry, kept = _plumber_finds(path, number)
    assert page_may_hold_table(page) == geometry  # rules alone
    assert page_may_hold_table(page, _words(page)) == kept  # and the words in the cells


@needs_soffice
def test_rendered_annex_table_pages_go_to_the_finder() -> None:
    path = rendering.rendered_chinese_pdf()
    pdf = pdfium.PdfDocument(path)
    candidates = {i + 1 for i in range(len(pdf)) if page_may_hold_table(pdf[i], _words(pdf[i]))}
    drawing = {i + 1 for i in range(len(pdf)) if _paths(pdf[i])}
    pdf.close()
    table_pages = {t.page for t in read_path(path).tables}
    assert table_pages and table_pages == candidates
    assert candidates == {n for n in drawing if _plumber_finds(path, n)[1]}
    assert 1 not in candidates  # the numbered paragraphs before the annex: no rules


def _drawing(draw) -> bytes:  # type: ignore[no-untyped-def]
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    draw(c)
    c.save()
    return buf.getvalue()


def _drawn(draw) -> pdfium.PdfPage:  # type: ignore[no-untyped-def]
    return pdfium.PdfDocument(_drawing(draw))[0]


# CONSTRUCTED drawings (reportlab): the same 3 x 3 grid as lines, as filled cells, as flat Béziers,
# inside a moved and scaled form, and as arcs: curves from corner to corner of the grid, bulging
# out (pdfminer sees each arc's chord, a straight grid line, as an edge), with circles in the cells.
XS, YS = (100, 250, 400, 550), (700, 650, 600, 550)


def _ruled(c, xs, ys) -> None:  # type: ignore[no-untyped-def]
    for y in ys:
        c.line(xs[0], y, xs[-1], y)
    for x in xs:
        c.line(x, ys[0], x, ys[-1])


def _grid_lines(c) -> None:  # type: ignore[no-untyped-def]
    _ruled(c, XS, YS)


def _grid_cells(c) -> None:  # type: ignore[no-untyped-def]
    for x0, x1 in zip(XS, XS[1:], strict=False):
        for y0, y1 in zip(YS, YS[1:], strict=False):
            c.rect(x0, y1, x1 - x0, y0 - y1, stroke=0, fill=1)


def _grid_flat_beziers(c) -> None:  # type: ignore[no-untyped-def]
    for y in YS:
        c.bezier(XS[0], y, XS[1], y, XS[2], y, XS[-1], y)
    for x in XS:
        c.bezier(x, YS[0], x, YS[1], x, YS[2], x, YS[-1])


def _round_shapes(c) -> None:  # type: ignore[no-untyped-def]
    for x0, x1 in zip(XS, XS[1:], strict=False):
        for y in YS:
            c.bezier(x0, y, x0, y + 15, x1, y + 15, x1, y)
    for y0, y1 in zip(YS, YS[1:], strict=False):
        for x in XS:
            c.bezier(x, y0, x + 15, y0, x + 15, y1, x, y1)
    for x0, x1 in zip(XS, XS[1:], strict=False):
        for y0, y1 in zip(YS, YS[1:], strict=False):
            c.circle((x0 + x1) / 2, (y0 + y1) / 2, 20)


def _grid_in_a_form(c) -> None:  # type: ignore[no-untyped-def]
    c.beginForm("grid")
    _ruled(c, XS, YS)
    c.endForm()
    c.translate(-50, -300)
    c.scale(0.8, 1.2)
    c.doForm("grid")


@pytest.mark.parametrize(
    "draw", [_grid_lines, _grid_cells, _grid_flat_beziers, _grid_in_a_form], ids=lambda f: f.__name__
)
def test_a_drawn_grid_may_hold_a_table(draw) -> None:  # type: ignore[no-untyped-def]
    assert page_may_hold_table(_drawn(draw))


def _rules(edges) -> set[tuple[str, float, float, float]]:  # type: ignore[no-untyped-def]
    """(orientation, position, start, end) of each axis-parallel edge, to 0.1 pt."""
    out = set()
    for e in edges:
        if e["orientation"] == "h" and e["width"] > 0:
            out.add(("h", round(e["top"], 1), round(e["x0"], 1), round(e["x1"], 1)))
        elif e["orientation"] == "v" and e["height"] > 0:
            out.add(("v", round(e["x0"], 1), round(e["top"], 1), round(e["bottom"], 1)))
    return out


def test_rules_inside_a_form_lie_where_pdfplumber_puts_them() -> None:
    data = _drawing(_grid_in_a_form)
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        expected = _rules(plumber.pages[0].edges)
    assert expected and _rules(ruling_edges(_drawn(_grid_in_a_form))) == expected


def test_curves_never_make_a_table() -> None:
    with pdfplumber.open(io.BytesIO(_drawing(_round_shapes))) as plumber:
        assert plumber.pages[0].find_tables()  # pdfplumber would make cells of the arcs' chords
    page = _drawn(_round_shapes)
    assert not ruling_edges(page)
    assert not page_may_hold_table(page)


def _write_in_cells(c, columns: int) -> None:  # type: ignore[no-untyped-def]
    """Text in the first `columns` cells of each row of the XS x YS grid."""
    for top, bottom in zip(YS, YS[1:], strict=False):
        for left in XS[:columns]:
            c.drawString(left + 10, (top + bottom) / 2, "Requests")


@pytest.mark.parametrize(("columns", "table"), [(3, True), (2, True), (1, False)])
def test_text_in_one_cell_per_row_is_a_boxed_paragraph(columns: int, table: bool, tmp_path: Path) -> None:
    path = tmp_path / "grid.pdf"
    path.write_bytes(_drawing(lambda c: (_ruled(c, XS, YS), _write_in_cells(c, columns))))
    page = pdfium.PdfDocument(path)[0]
    assert page_may_hold_table(page)  # the rules alone could hold a table
    assert _plumber_finds(path, 1)[1] is table  # the reader keeps one when 2+ cells a row hold text
    assert page_may_hold_table(page, _words(page)) is table


def test_one_ruled_row_or_one_column_is_not_a_table() -> None:
    """The reader keeps tables of 2+ rows with 2 cells side by side; one row or one column of
    cells (a box round a paragraph) is not one."""
    assert page_may_hold_table(_drawn(lambda c: _ruled(c, XS, YS)))
    assert not page_may_hold_table(_drawn(lambda c: _ruled(c, XS, YS[:2])))
    assert not page_may_hold_table(_drawn(lambda c: _ruled(c, XS[:2], YS)))
