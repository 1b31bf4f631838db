"""Does a PDF page draw a ruled table? A cheap test run before pdfplumber's table finder.

The finder is the slow part of reading a PDF: pdfplumber has pdfminer parse the whole page
(every character) before it looks at a single line. Most pages that draw vector paths hold no
table: rules under a masthead (drawn as rows of thin rectangles), a box round a QR code, a box
round one paragraph, logos and other drawings. So the rules are taken here from pypdfium2's
path objects, which costs little, and handed to pdfplumber's own table geometry (snapping,
joining, intersections, cells; default settings, as `Page.find_tables()` uses). The page goes to
the finder only if that geometry gives a table of at least two rows with two cells in one row,
and, given pypdfium2's words (which the reader has anyway), text in those cells could pass the
reader's own test (`formats.pdf.table_rows`: at least half the rows with text in two cells). A box
drawn round a paragraph line by line makes cells, but one cell of text per row: no table.

What counts as a rule is what pdfplumber counts, seen through pdfium: straight segments of any
path (lines, rectangle sides, closing segments), horizontal or vertical. Bézier segments count
only when flat (some producers draw straight lines as curves); a curved one never does, though
pdfplumber takes its chord (the straight line between its ends) as an edge: a drawing such as an
emblem cannot make a "table". Otherwise the test errs on the side of the finder: a segment a
hair off the axis still counts, and paths inside forms count (pypdfium2's default depth, 15).
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pypdfium2 import PdfMatrix

# A segment whose ends (and Bézier control points) lie within this of one line parallel to an
# axis is a rule along that axis (pdfium keeps coordinates as 32-bit floats; pdfminer as doubles).
_AXIS_SLACK = 0.5


def page_may_hold_table(page, words: list[dict] | None = None) -> bool:  # type: ignore[no-untyped-def]
    """True when the page's straight horizontal and vertical rules could form a table of at least
    2 rows with 2 cells side by side in one of them (pdfplumber's geometry, default settings)
    and, given the page's words, that table's text could pass the reader's test.
    `page` is a pypdfium2 PdfPage; `words` dicts with x0, x1, top, bottom, y growing downwards."""
    edges = ruling_edges(page)
    if len(edges) < 4:  # a cell needs two rules each way
        return False
    from pdfplumber.table import TableFinder

    for table in TableFinder(_Ruling(edges)).tables:  # type: ignore[arg-type]
        rows = [[cell for cell in row.cells if cell is not None] for row in table.rows]
        if len(rows) < 2 or not any(len(row) >= 2 for row in rows):
            continue
        if words is None or _text_may_pass(rows, words):
            return True
    return False


# Words are pdfium's, cells get pdfplumber's characters: their centres lie within half a point
# of the word's box (measured on the GA PDFs), so a margin of 2 pt keeps each judgement safe.
_TEXT_SLACK = 2.0


def _text_may_pass(rows: list[list[tuple]], words: list[dict]) -> bool:
    """Could the cells' text pass the reader's test (formats.pdf.table_rows: at least 2 rows with
    text, at least half of those with text in 2+ cells)? Answered for the most favourable text:
    a cell *may* hold text if a word touches it, *surely* holds some if a word lies inside it.
    Boxes drawn round a paragraph, line by line, fail: their rows have one cell of text each."""
    multi = single = with_text = 0
    for row in rows:
        may = sum(1 for cell in row if any(_touches(w, cell) for w in words))
        if may >= 2:
            multi += 1  # best case: text in 2+ cells
        elif any(_inside(w, cell) for cell in row for w in words):
            single += 1  # a row with text in one cell only, whatever pdfplumber makes of it
        with_text += may > 0
    return multi >= 1 and with_text >= 2 and 2 * multi >= multi + single


def _touches(word: dict, cell: tuple) -> bool:
    x0, top, x1, bottom = cell
    return (
        word["x1"] >= x0 - _TEXT_SLACK
        and word["x0"] <= x1 + _TEXT_SLACK
        and word["bottom"] >= top - _TEXT_SLACK
        and word["top"] <= bottom + _TEXT_SLACK
    )


def _inside(word: dict, cell: tuple) -> bool:
    x0, top, x1, bottom = cell
    middle = (word["top"] + word["bottom"]) / 2
    return (
        word["x0"] >= x0 + _TEXT_SLACK
        and word["x1"] <= x1 - _TEXT_SLACK
        and top + _TEXT_SLACK <= middle <= bottom - _TEXT_SLACK
    )


class _Ruling:
    """What pdfplumber's TableFinder reads of a page with the "lines" strategies: its edges."""

    def __init__(self, edges: list[dict]) -> None:
        self.edges = edges


def ruling_edges(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """The page's straight horizontal and vertical segments as pdfplumber edges (x0, x1, top,
    bottom, width, height, orientation), in page coordinates with y growing downwards."""
    height = float(page.get_size()[1])
    edges = []
    for (x0, y0), (x1, y1) in _straight_segments(page):
        if abs(y1 - y0) <= _AXIS_SLACK and abs(x1 - x0) >= abs(y1 - y0):
            top = height - (y0 + y1) / 2
            edges.append(_edge("h", min(x0, x1), max(x0, x1), top, top))
        elif abs(x1 - x0) <= _AXIS_SLACK:
            x = (x0 + x1) / 2
            edges.append(_edge("v", x, x, height - max(y0, y1), height - min(y0, y1)))
    return edges


def _edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict:
    return {
        "object_type": "edge",
        "orientation": orientation,
        "x0": x0,
        "x1": x1,
        "top": top,
        "doctop": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
    }


Point = tuple[float, float]


def _straight_segments(page) -> Iterator[tuple[Point, Point]]:  # type: ignore[no-untyped-def]
    """(start, end) in page space of every straight segment of every path object, forms opened."""
    import pypdfium2.raw as pdfium_c

    x, y = ctypes.c_float(), ctypes.c_float()
    for obj, matrix in _path_objects(page):
        start = current = None
        curve: list[Point] = []
        for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
            segment = pdfium_c.FPDFPath_GetPathSegment(obj, i)
            pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
            point = matrix.on_point(x.value, y.value)
            kind = pdfium_c.FPDFPathSegment_GetType(segment)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO or current is None:
                start = current = point
                curve = []
            elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
                yield current, point
                current = point
            elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
                curve.append(point)  # pdfium gives a cubic as three points: control, control, end
                if len(curve) == 3:
                    if _flat(current, *curve):
                        yield current, point
                    current, curve = point, []
            if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None and current != start:
                yield current, start
                current = start


_MAX_FORM_DEPTH = 15  # as pypdfium2's PdfPage.get_objects


def _path_objects(page) -> Iterator[tuple[object, PdfMatrix]]:  # type: ignore[no-untyped-def]
    """Raw path objects of the page and of the forms it places, each with its matrix to page space.
    Raw pdfium calls: a text page has thousands of objects, pypdfium2's helper objects cost ~10x."""
    import pypdfium2.raw as pdfium_c
    from pypdfium2 import PdfMatrix

    raw = pdfium_c.FS_MATRIX()

    def matrix_of(obj) -> PdfMatrix:  # type: ignore[no-untyped-def]
        pdfium_c.FPDFPageObj_GetMatrix(obj, raw)
        return PdfMatrix.from_raw(raw)

    def children(form) -> Iterator:  # type: ignore[no-untyped-def]
        if form is None:
            for i in range(pdfium_c.FPDFPage_CountObjects(page)):
                yield pdfium_c.FPDFPage_GetObject(page, i)
        else:
            for i in range(pdfium_c.FPDFFormObj_CountObjects(form)):
                yield pdfium_c.FPDFFormObj_GetObject(form, i)

    def walk(form, outer: PdfMatrix | None, depth: int) -> Iterator[tuple[object, PdfMatrix]]:  # type: ignore[no-untyped-def]
        for obj in children(form):
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
                continue
            # an object inside a form: its own matrix first, then the form's
            matrix = matrix_of(obj) if outer is None else matrix_of(obj).multiply(outer)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                yield obj, matrix
            elif depth < _MAX_FORM_DEPTH - 1:
                yield from walk(obj, matrix, depth + 1)

    yield from walk(None, None, 0)


def _flat(*points: Point) -> bool:
    """All points on one horizontal or one vertical line (a Bézier that is really a straight rule)."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return max(xs) - min(xs) <= _AXIS_SLACK or max(ys) - min(ys) <= _AXIS_SLACK
