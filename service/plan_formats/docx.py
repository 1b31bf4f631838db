"""A plan as a Word document (python-docx): one table as the seed's Annex II, bullets shaded.

Header row (repeated on every page), then per action area a merged section row and one row per
resolution; each cell is shaded with its column's colour and holds one paragraph per task, a
with-partners task shaded with the partner colour and marked ⊕ (service.plan_formats.shading, marks),
then its paragraph number; the mandate's full text is a comment on the task. A one-line legend above
the table. The layout is what extractors.tables reads as a mandate table.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from service.plan_formats import Headings, language_mark, marks, resolution_label, shading, task_text
from service.usecases.plan import Plan, PlanBullet

_SECTION_FILL = "CDD6E0"
_HEADER_FILL = "E8EDF2"
BULLET_MARK = "✓"  # the seed's mark (also what extractors.tables splits cells on)
RIGHT_TO_LEFT = ("ar",)  # heading languages whose document reads right to left


def plan_docx(plan: Plan) -> bytes:
    h = Headings(plan.language)
    doc = Document()
    _page_setup(doc)
    doc.add_heading(h["title"], level=1)
    note = doc.add_paragraph(h["draft_note"])
    note.runs[0].font.size = Pt(8)
    legend = doc.add_paragraph(h["legend_line"])  # one line: the column headers name the actors
    legend.runs[0].font.size = Pt(8)
    if plan.sections:
        _table(doc, plan, h)
    else:
        doc.add_paragraph(h["empty"])
    if plan.not_tasks:
        from service.plan_formats.html import not_task_citations

        doc.add_paragraph(h["not_tasks"].format(paragraphs=not_task_citations(plan))).runs[0].font.size = Pt(8)
    for line in plan.skipped:
        doc.add_paragraph(f"{h['skipped']}: {line}")
    if plan.language in RIGHT_TO_LEFT:
        _right_to_left(doc)
        _left_to_right_bullets(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.2))
    normal = doc.styles["Normal"]
    normal.font.size = Pt(8)  # the seed's annex is set small; 8 pt keeps a session's plan near 15 pages
    normal.paragraph_format.space_after = Pt(1)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), "Noto Sans CJK SC")  # a CJK font for Chinese bullets and headings


def _table(doc, plan: Plan, h: Headings) -> None:
    columns = len(plan.actors) + 1
    table = doc.add_table(rows=1, cols=columns)
    table.style = "Table Grid"
    header = table.rows[0]
    _repeat_as_header(header)
    for i, text in enumerate([h["resolution_column"], *(h.actor(a) for a in plan.actors)]):
        cell = header.cells[i]
        cell.paragraphs[0].add_run(text).bold = True
        _shade_cell(cell, _HEADER_FILL)
    for section in plan.sections:
        row = table.add_row()
        merged = row.cells[0].merge(row.cells[columns - 1])
        merged.paragraphs[0].add_run(h.area(section.area)).bold = True
        _shade_cell(merged, _SECTION_FILL)
        for plan_row in section.rows:
            cells = table.add_row().cells
            label = resolution_label(plan_row.resolution_number, plan_row.title, plan_row.resolution)
            if plan.language in RIGHT_TO_LEFT:  # a symbol ("2015/a/69/687") keeps its order in a right-to-left cell
                label = f"\u202a{label}\u202c"
            cells[0].paragraphs[0].add_run(label)
            for c, actor in enumerate(plan.actors, start=1):
                _shade_cell(cells[c], shading(actor, False))  # the whole cell, not only the text's box
                for k, bullet in enumerate(plan_row.cells.get(actor, [])):
                    p = cells[c].paragraphs[0] if k == 0 else cells[c].add_paragraph()
                    _bullet(doc, p, bullet, actor, h)
    first = 4.0
    widths = [Cm(first)] + [Cm((29.7 - 2.4 - first) / len(plan.actors))] * len(plan.actors)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width


def _bullet(doc, p, bullet: PlanBullet, actor: str, h: Headings) -> None:
    """One task: ✓, the task (italic when its label is uncertain), its marks, its paragraph; the mandate's
    full text as a comment on it (one click away in Word and LibreOffice, not printed)."""
    run = p.add_run(f"{BULLET_MARK} {task_text(bullet, actor)}")
    run.italic = bullet.uncertain
    extra = marks(bullet) + (f" ({h.paragraph(bullet.paragraph)})" if bullet.paragraph else "") + language_mark(bullet, h.language)
    if extra:
        tail = p.add_run(extra)
        tail.font.color.rgb = RGBColor(0x4A, 0x55, 0x63)
    if bullet.bullet != bullet.mandate.text:
        doc.add_comment(run, text=bullet.mandate.text, author="unea-mandates", initials="UM")
    if bullet.with_partners:
        _shade_paragraph(p, shading(actor, True))


# What may follow w:shd in w:pPr and w:tcPr, and w:tblHeader in w:trPr (WordprocessingML's
# order; Word refuses a document whose properties are out of it, LibreOffice does not mind).
_AFTER_PARAGRAPH_SHD = (
    "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
    "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip
_AFTER_CELL_SHD = (
    "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:headers",
    "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange",
)  # fmt: skip
_AFTER_TBL_HEADER = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")


def _shade_paragraph(paragraph, fill: str) -> None:
    paragraph._p.get_or_add_pPr().insert_element_before(_shd(fill), *_AFTER_PARAGRAPH_SHD)


def _shade_cell(cell, fill: str) -> None:
    cell._tc.get_or_add_tcPr().insert_element_before(_shd(fill), *_AFTER_CELL_SHD)


def _shd(fill: str):
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    return shd


# What may follow w:bidi in w:pPr, and w:bidiVisual in w:tblPr (WordprocessingML's order, as above).
_AFTER_PARAGRAPH_BIDI = _AFTER_PARAGRAPH_SHD[_AFTER_PARAGRAPH_SHD.index("w:bidi") + 1 :]
_AFTER_TABLE_BIDI = (
    "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd",
    "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
    "w:tblPrChange",
)  # fmt: skip


def _right_to_left(doc) -> None:
    """An Arabic plan: every paragraph right to left, and the table's columns laid out from the right."""
    paragraphs = list(doc.paragraphs)
    for table in doc.tables:
        table._tbl.tblPr.insert_element_before(OxmlElement("w:bidiVisual"), *_AFTER_TABLE_BIDI)
        paragraphs += [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
    for paragraph in {id(p._p): p for p in paragraphs}.values():  # a merged cell lists its paragraphs twice
        paragraph._p.get_or_add_pPr().insert_element_before(OxmlElement("w:bidi"), *_AFTER_PARAGRAPH_BIDI)


def _left_to_right_bullets(doc) -> None:
    """In an Arabic plan, a task in a left-to-right script (an English bullet) reads left to right: its
    paragraph loses w:bidi, else its words and its "(para. 12)" come out in the wrong order."""
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    first = next((ch for ch in p.text.removeprefix(BULLET_MARK) if ch.isalpha()), "")
                    if p.text.startswith(BULLET_MARK) and first and not "\u0600" <= first <= "\u06ff":
                        bidi = p._p.pPr.find(qn("w:bidi")) if p._p.pPr is not None else None
                        if bidi is not None:
                            p._p.pPr.remove(bidi)


def _repeat_as_header(row) -> None:
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().insert_element_before(marker, *_AFTER_TBL_HEADER)
