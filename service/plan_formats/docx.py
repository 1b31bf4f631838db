"""A plan as a Word document (python-docx): one table as the seed's Annex II, bullets shaded.

Header row (repeated on every page), then per action area a merged section row and one row per
resolution; each cell holds one paragraph per bullet, shaded with its actor's colour (alone / with
partners, see service.plan_formats.shading) and followed by its paragraph number. A legend above the
table says what the colours mean. The layout is what extractors.tables reads as a mandate table.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from service.plan_formats import Headings, resolution_label, shading
from service.usecases.plan import Plan

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
    note.runs[0].font.size = Pt(9)
    _legend(doc, plan, h)
    if plan.sections:
        _table(doc, plan, h)
    else:
        doc.add_paragraph(h["empty"])
    for line in plan.skipped:
        doc.add_paragraph(f"{h['skipped']}: {line}")
    if plan.language in RIGHT_TO_LEFT:
        _right_to_left(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    normal = doc.styles["Normal"]
    normal.font.size = Pt(9)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), "Noto Sans CJK SC")  # a CJK font for Chinese bullets and headings


def _legend(doc, plan: Plan, h: Headings) -> None:
    doc.add_paragraph(h["legend_title"]).runs[0].bold = True
    for actor in plan.actors:
        for with_partners, key in ((False, "legend_alone"), (True, "legend_partners")):
            p = doc.add_paragraph(f"{BULLET_MARK} " + h[key].format(actor=h.actor_short(actor)))
            _shade_paragraph(p, shading(actor, with_partners))
    p = doc.add_paragraph(h["legend_uncertain"])
    p.runs[0].italic = True


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
                for k, bullet in enumerate(plan_row.cells.get(actor, [])):
                    p = cells[c].paragraphs[0] if k == 0 else cells[c].add_paragraph()
                    run = p.add_run(f"{BULLET_MARK} {bullet.bullet}")
                    run.italic = bullet.uncertain
                    if bullet.paragraph:
                        para = p.add_run(f" ({h.paragraph(bullet.paragraph)})")
                        para.font.color.rgb = RGBColor(0x4A, 0x55, 0x63)
                    _shade_paragraph(p, shading(actor, bullet.with_partners))
    widths = [Cm(4.5)] + [Cm((26.7 - 4.5) / len(plan.actors))] * len(plan.actors)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width


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


def _repeat_as_header(row) -> None:
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().insert_element_before(marker, *_AFTER_TBL_HEADER)
