"""DOCX → RawDocument: paragraphs and tables in body order, Word's auto-numbering rebuilt.

A DOCX whose parts declare more than MAX_DOCX_UNCOMPRESSED, or that compress suspiciously well, is
refused before python-docx inflates anything (zipfile stops at the declared size and checks the CRC).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from extractors.formats.text import squash
from extractors.numbering import chinese_numeral, letter_label, roman_label
from extractors.raw import RawBlock, RawDocument, RawTable
from extractors.schema import UnreadableDocument
from extractors.symbols import parse_symbol

MAX_DOCX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_ZIP_RATIO = 100  # real DOCX XML compresses ~5-20x; zero-filled bombs ~1000x
ZIP_RATIO_MIN_SIZE = 4 * 1024 * 1024  # small parts may compress well without being bombs

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_zip(data: bytes, source: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UnreadableDocument(source, f"corrupt DOCX: not a readable ZIP archive ({exc})") from exc
    with archive:
        infos = archive.infolist()
        names = {i.filename for i in infos}
        if "word/document.xml" not in names:
            raise UnreadableDocument(source, "ZIP archive is not a Word document (no word/document.xml)")
        total = sum(i.file_size for i in infos)
        if total > MAX_DOCX_UNCOMPRESSED:
            raise UnreadableDocument(
                source,
                f"refused: DOCX would inflate to {total / 2**20:.0f} MB "
                f"(limit {MAX_DOCX_UNCOMPRESSED / 2**20:.0f} MB; zip bomb?)",
            )
        for info in infos:
            if info.file_size >= ZIP_RATIO_MIN_SIZE and info.file_size > MAX_ZIP_RATIO * max(
                info.compress_size, 1
            ):
                raise UnreadableDocument(
                    source,
                    f"refused: {info.filename} compresses {info.file_size / max(info.compress_size, 1):.0f}:1 "
                    "(zip bomb?)",
                )


def read_docx(data: bytes, source: str, doc_id: str) -> RawDocument:
    """`data` has passed the sniffer (check_zip): a Word archive, no zip bomb."""
    import docx  # python-docx; imported here so text-only users don't pay for it

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types on broken packages
        raise UnreadableDocument(source, f"corrupt DOCX: {type(exc).__name__}: {exc}") from exc
    raw = RawDocument(source=source, id=doc_id, format="docx")
    numbering = _WordNumbering(document)
    for element in _body_elements(document.element.body):
        if element.tag == f"{_W}p":
            text, style = _docx_paragraph(element, document, numbering)
            if text:
                raw.blocks.append(RawBlock(text=text, style=style))
        elif element.tag == f"{_W}tbl":
            rows = _docx_table_rows(element, document, numbering)
            if rows:
                raw.tables.append(RawTable(rows=rows, position=len(raw.blocks)))
    props = document.core_properties
    if props.title:
        raw.metadata["title"] = props.title
    ref = parse_symbol(props.subject or "") or parse_symbol(props.title or "")
    if ref and ref.symbol:
        raw.metadata["symbol"] = ref.symbol
    if not raw.blocks and not raw.tables:
        raise UnreadableDocument(source, "DOCX holds no text")
    return raw


def _body_elements(parent) -> Iterator:  # type: ignore[no-untyped-def]
    """Paragraphs and tables in body order; content controls (w:sdt) are opened up."""
    for child in parent.iterchildren():
        if child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _body_elements(content)
        elif child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child


def _docx_paragraph(p_element, document, numbering: _WordNumbering) -> tuple[str, str | None]:  # type: ignore[no-untyped-def]
    from docx.text.paragraph import Paragraph

    para = Paragraph(p_element, document.part)
    text = squash(para.text)
    style_name = _style_name(para)
    label = numbering.label(p_element, para)
    if label and text:
        text = f"{label} {text}"
    if style_name and re.match(r"(heading|title)\b", style_name, re.I):
        return text, "heading"
    return text, style_name


def _style_name(para) -> str | None:  # type: ignore[no-untyped-def]
    try:
        style = para.style
    except (KeyError, ValueError):
        return None
    return style.name if style is not None else None


def _docx_table_rows(tbl_element, document, numbering: _WordNumbering) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """Rows of cell texts; a cell's paragraphs are joined with "\\n"; merged cells appear once."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    table = Table(tbl_element, document.part)
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            lines = []
            for p in cell._tc.iter(f"{_W}p"):
                para = Paragraph(p, document.part)
                text = squash(para.text)
                label = numbering.label(p, para)
                if text:
                    lines.append(f"{label} {text}" if label else text)
            cells.append("\n".join(lines))
        if any(c.strip() for c in cells):
            rows.append(cells)
    return rows


class _WordNumbering:
    """Rebuilds Word auto-numbering ("7.", "(a)", "(iii)") from numPr and numbering.xml.

    Hand-written: python-docx exposes numbering.xml but does not compute list labels.
    Counters are kept per abstract list and level; a deeper level restarts when a shallower one
    advances. Bullets give no label (their glyph is decoration, not a number).
    """

    def __init__(self, document) -> None:  # type: ignore[no-untyped-def]
        self.levels: dict[
            str, dict[int, tuple[str, str, int]]
        ] = {}  # abstractNumId → ilvl → (fmt, text, start)
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstractNumId, start overrides)
        self.counters: dict[str, dict[int, int]] = {}
        self.started_nums: set[str] = set()
        root = self._numbering_root(document)
        if root is None:
            return
        for absn in root.iter(f"{_W}abstractNum"):
            aid = absn.get(f"{_W}abstractNumId")
            levels: dict[int, tuple[str, str, int]] = {}
            for lvl in absn.iter(f"{_W}lvl"):
                ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                levels[ilvl] = (
                    _val(lvl.find(f"{_W}numFmt"), "decimal"),
                    _val(lvl.find(f"{_W}lvlText"), ""),
                    int(_val(lvl.find(f"{_W}start"), "1") or 1),
                )
            self.levels[aid] = levels
        for num in root.iter(f"{_W}num"):
            overrides: dict[int, int] = {}
            for ov in num.iter(f"{_W}lvlOverride"):
                start = ov.find(f"{_W}startOverride")
                if start is not None:
                    overrides[int(ov.get(f"{_W}ilvl", "0"))] = int(_val(start, "1"))
            self.nums[num.get(f"{_W}numId")] = (_val(num.find(f"{_W}abstractNumId"), ""), overrides)

    @staticmethod
    def _numbering_root(document):  # type: ignore[no-untyped-def]
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        for rel in document.part.rels.values():
            if rel.reltype == RT.NUMBERING and not rel.is_external:
                return rel.target_part.element
        return None

    def label(self, p_element, para) -> str | None:  # type: ignore[no-untyped-def]
        num_id, ilvl = self._num_pr(p_element, para)
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return None
        aid, overrides = self.nums[num_id]
        levels = self.levels.get(aid)
        if not levels or ilvl not in levels:
            return None
        counters = self.counters.setdefault(aid, {})
        if num_id not in self.started_nums:
            self.started_nums.add(num_id)
            for lvl, start in overrides.items():
                counters[lvl] = start - 1
        fmt, _, start = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt in ("bullet", "none"):
            return None
        text = levels[ilvl][1]

        def value(m: re.Match[str]) -> str:
            lvl = int(m.group(1)) - 1
            lvl_fmt, _, lvl_start = levels.get(lvl, ("decimal", "", 1))
            return _format_number(counters.get(lvl, lvl_start), lvl_fmt)

        label = re.sub(r"%(\d)", value, text).strip()
        return label or None

    @staticmethod
    def _num_pr(p_element, para) -> tuple[str | None, int]:  # type: ignore[no-untyped-def]
        num_pr = p_element.find(f"{_W}pPr/{_W}numPr")
        if num_pr is None:  # numbering may come from the paragraph style ("List Number")
            style = _style_element(para)
            hops = 0
            while style is not None and num_pr is None and hops < 10:
                num_pr = style.find(f"{_W}pPr/{_W}numPr")
                based = style.find(f"{_W}basedOn")
                style = _style_by_id(para, _val(based, "")) if based is not None else None
                hops += 1
        if num_pr is None:
            return None, 0
        num_id = _val(num_pr.find(f"{_W}numId"), None)
        ilvl = int(_val(num_pr.find(f"{_W}ilvl"), "0") or 0)
        return num_id, ilvl


def _style_element(para):  # type: ignore[no-untyped-def]
    try:
        style = para.style
    except (KeyError, ValueError):
        return None
    return style.element if style is not None else None


def _style_by_id(para, style_id: str):  # type: ignore[no-untyped-def]
    styles = para.part.styles.element
    for s in styles.iter(f"{_W}style"):
        if s.get(f"{_W}styleId") == style_id:
            return s
    return None


def _val(element, default):  # type: ignore[no-untyped-def]
    if element is None:
        return default
    return element.get(f"{_W}val", default)



def _format_number(n: int, fmt: str) -> str:
    """Word's number formats, as UN documents print them (27 → aa: the letter doubles)."""
    if n >= 1 and fmt in ("lowerLetter", "upperLetter"):
        letter = letter_label(n - 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if n >= 1 and fmt in ("lowerRoman", "upperRoman"):
        numeral = roman_label(n - 1)
        return numeral.upper() if fmt == "upperRoman" else numeral
    if fmt.startswith("chinese") or fmt.startswith("ideograph") or fmt == "taiwaneseCounting":
        return chinese_numeral(n)
    return str(n)
