"""Format readers: bytes of a PDF, DOCX, registry JSON or text file → RawDocument.

The format is told by the content (magic bytes, structure), never by the file name. Every failure
to read is an UnreadableDocument naming one clear reason. What UN documents look like (numbering,
resolutions, operative verbs) is not known here: that is extractors/structure.py's job. Readers
only undo the page: running headers/footers, footnotes, line wrapping, hyphenation and tables.

PDF: characters, sizes and fonts come from pypdfium2 (about 4-6x faster than pdfminer); ruled
tables from pdfplumber's table finder, run only on pages whose rules and words could form a
table (extractors/pdf_ruling.py).
Page layout rules (running matter, footnotes, paragraphs) were read off the UN GA PDFs in
tests/fixtures/un-ga-pdfs/ and LibreOffice renderings; they use geometry and font sizes, not words.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import threading
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from extractors.pdf_ruling import page_may_hold_table
from extractors.raw import RawBlock, RawDocument, RawTable
from extractors.schema import DocumentFormat, UnreadableDocument, content_hash
from extractors.symbols import parse_symbol, symbol_from_filename

# --- limits -----------------------------------------------------------------------------------

# A DOCX whose parts declare more than this, or that compress suspiciously well, is refused before
# python-docx inflates anything (zipfile stops at the declared size and checks the CRC).
MAX_DOCX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_ZIP_RATIO = 100  # real DOCX XML compresses ~5-20x; zero-filled bombs ~1000x
ZIP_RATIO_MIN_SIZE = 4 * 1024 * 1024  # small parts may compress well without being bombs

_CONTROL_SHARE_MAX = 0.01  # more control characters than this → binary, not text


def read_path(path: str | Path) -> RawDocument:
    """Read a file from disk (format from its content, not its name)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocument(str(path), f"cannot open file: {exc.strerror or exc}") from exc
    return read_bytes(data, str(path))


def read_bytes(data: bytes, source: str) -> RawDocument:
    """Read one document's bytes; `source` (a path or upload name) is only for messages and hints."""
    if not data or not data.strip():
        raise UnreadableDocument(source, "empty file")
    fmt = sniff_format(data, source)
    doc_id = content_hash(data)
    if fmt == "pdf":
        return _read_pdf(data, source, doc_id)
    if fmt == "docx":
        return _read_docx(data, source, doc_id)
    encoding = text_encoding(data, source)
    if _first_text_char(data, encoding) == "[":
        items = _registry_items(data.decode(encoding))
        if items is not None:
            return _read_registry_json(items, source, doc_id)
    return _read_text(_decoded_lines(data, encoding), source, doc_id)


def sniff_format(data: bytes, source: str = "") -> DocumentFormat:
    """ "pdf", "docx" or "text" (registry JSON is told apart after decoding); raises for other binaries."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return "docx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableDocument(source, "legacy Word .doc (OLE) is not supported; save it as DOCX or PDF")
    return "text"


# --- text -------------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_text(data: bytes, source: str) -> str:
    """The whole text, decoded as `text_encoding` finds it."""
    return data.decode(text_encoding(data, source))


_CHUNK = 1 << 20


def text_encoding(data: bytes, source: str) -> str:
    """BOM → UTF-8/16/32; else UTF-16 without BOM (NUL pattern); else UTF-8; else GB18030 (GBK Chinese).

    Binary junk (NUL bytes, control characters, implausible GB18030) is refused as not a document.
    Validation runs chunk by chunk, so a large file is not held twice (bytes and text) to check it.
    """
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding is None:
        encoding = _utf16_without_bom(data[:65536])
    if encoding is None and b"\x00" in data[:65536]:
        raise UnreadableDocument(source, "not a document: binary data (NUL bytes)")
    if encoding is not None:
        try:
            _validate(data, encoding)
        except UnicodeDecodeError as exc:
            raise UnreadableDocument(source, f"undecodable text: invalid {encoding} ({exc.reason})") from exc
    else:
        try:
            _validate(data, "utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            try:
                _validate(data, "gb18030")
            except UnicodeDecodeError as exc:
                raise UnreadableDocument(
                    source, "undecodable text: neither UTF-8, UTF-16 nor GB18030 (not a document?)"
                ) from exc
            if not _plausible_chinese(data[:400_000].decode("gb18030", errors="ignore")):
                raise UnreadableDocument(
                    source, "not a document: bytes are neither UTF-8 text nor GBK Chinese"
                ) from None
            encoding = "gb18030"
    sample = data[: 4 * _CHUNK].decode(encoding, errors="ignore")
    if sample and len(_CONTROL.findall(sample)) > _CONTROL_SHARE_MAX * len(sample):
        raise UnreadableDocument(source, "not a document: binary data (control characters)")
    return encoding


def _validate(data: bytes, encoding: str) -> None:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    view = memoryview(data)
    for start in range(0, len(data), _CHUNK):
        decoder.decode(view[start : start + _CHUNK])
    decoder.decode(b"", final=True)


def _first_text_char(data: bytes, encoding: str) -> str:
    head = data[:4096].decode(encoding, errors="ignore").lstrip("\ufeff \t\r\n")
    return head[:1]


def _decoded_lines(data: bytes, encoding: str) -> Iterator[str]:
    """Lines one at a time. UTF-8 and GB18030 never use the byte 0x0A inside a character, so lines
    are cut from the bytes and decoded one by one: a 50 MB file is never a 50-million-character
    string (which Python would store at 2-4 bytes a character) on top of its bytes."""
    if encoding not in ("utf-8", "utf-8-sig", "gb18030"):
        for line in data.decode(encoding).split("\n"):  # not splitlines(): keep form feeds
            yield line.rstrip("\r")
        return
    pos = 3 if encoding == "utf-8-sig" else 0
    sample = data[: 1 << 16]
    sep = b"\r" if b"\n" not in sample and b"\r" in sample else b"\n"
    size = len(data)
    while pos < size:
        end = data.find(sep, pos)
        if end < 0:
            end = size
        line = data[pos:end]
        pos = end + 1
        yield line.rstrip(b"\r").decode(encoding)


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text without a BOM has its NULs mostly on one side of its byte pairs (the high byte
    of ASCII characters); binary junk has them anywhere."""
    zeros = sample.count(0)
    if len(sample) < 4 or zeros < 4:
        return None
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    # CJK code units such as U+4E00 put a NUL on the other side too, but far more rarely
    if odd >= 0.85 * zeros:
        return "utf-16-le"
    if even >= 0.85 * zeros:
        return "utf-16-be"
    return None


def _plausible_chinese(text: str) -> bool:
    """GB18030 decodes most byte soups; real Chinese text is mostly common Han, ASCII and punctuation."""
    sample = text[:200_000]
    if not sample:
        return False
    common = sum(
        1
        for ch in sample
        if ch.isascii()
        or "\u4e00" <= ch <= "\u9fff"
        or "\u3000" <= ch <= "\u303f"
        or "\uff00" <= ch <= "\uffef"
    )
    if common < 0.9 * len(sample):
        return False
    # Latin-1/cp1252 bytes read as GB18030 turn each accented letter and its neighbour into one
    # Han character wedged between ASCII letters ("Prie乴a丏irectrice"); real Chinese has few
    han = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    wedged = len(re.findall(r"(?<=[A-Za-z])[\u4e00-\u9fff](?=[A-Za-z])", sample))
    return han > 0 and wedged <= 0.02 * han


_LIST_LABEL_CELL = re.compile(
    r"^\s*(\d{1,3}[.)]?|\(?[a-z]{1,4}\)|\(?[ivxlc]+\)|[-•–*]|[(（][一二三四五六七八九十]+[)）])\s*$"
)


def _read_text(lines: Iterable[str], source: str, doc_id: str) -> RawDocument:
    """Lines with tabs are table rows (consecutive rows → one table); other non-empty lines are blocks.

    A line like "7.\\tRequests …" (a paragraph label, a tab, the text) is a paragraph, not a row.
    A form feed (pdftotext output) starts a new page.
    """
    raw = RawDocument(source=source, id=doc_id, format="text")
    rows: list[list[str]] = []
    page = 1
    saw_form_feed = False

    def close_table() -> None:
        if rows:
            raw.tables.append(
                RawTable(rows=list(rows), page=page if saw_form_feed else None, position=len(raw.blocks))
            )
            rows.clear()

    for line in lines:
        if "\f" in line:
            saw_form_feed = True
            page += line.count("\f")
            line = line.replace("\f", "")
        if "\t" in line:
            cells = [c.strip() for c in line.split("\t")]
            if len(cells) == 2 and _LIST_LABEL_CELL.match(cells[0]) and cells[1]:
                close_table()
                raw.blocks.append(
                    RawBlock(text=f"{cells[0]} {cells[1]}", page=page if saw_form_feed else None)
                )
                continue
            rows.append(cells)
            continue
        close_table()
        stripped = _squash(line)
        if stripped:
            raw.blocks.append(RawBlock(text=stripped, page=page if saw_form_feed else None))
    close_table()
    if saw_form_feed:
        raw.pages = page
    if not raw.blocks and not raw.tables:
        raise UnreadableDocument(source, "empty file (no text)")
    return raw


def _squash(text: str) -> str:
    """Whitespace runs (tabs, line breaks, ideographic spaces) → one space; str.split is ~10x a regex."""
    return " ".join(text.split())


# --- registry JSON ----------------------------------------------------------------------------


def _registry_items(text: str) -> list[dict] | None:
    """The UN registry's paragraph export: a JSON list of objects with "text"; else None."""
    if not text.lstrip().startswith("["):
        return None
    try:
        items = json.loads(text)
    except ValueError:
        return None
    if not isinstance(items, list) or not items:
        return None
    if not all(isinstance(it, dict) for it in items) or not any("text" in it for it in items):
        return None
    return items


def _read_registry_json(items: list[dict], source: str, doc_id: str) -> RawDocument:
    raw = RawDocument(source=source, id=doc_id, format="registry-json")
    for it in items:
        text = _squash(str(it.get("text") or ""))
        if text:
            kind = it.get("type")
            raw.blocks.append(RawBlock(text=text, style=str(kind) if kind else None))
    symbol = symbol_from_filename(source)
    if symbol:
        raw.metadata["symbol"] = symbol  # a hint from the export's file name, not from the text
    if not raw.blocks:
        raise UnreadableDocument(source, "registry JSON holds no text")
    return raw


# --- DOCX -------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _check_zip(data: bytes, source: str) -> None:
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


def _read_docx(data: bytes, source: str, doc_id: str) -> RawDocument:
    _check_zip(data, source)
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
    text = _squash(para.text)
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
                text = _squash(para.text)
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


_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)
_ZH_DIGITS = "零一二三四五六七八九"


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        # Word: 27 → aa, 28 → bb (the letter doubles), as UN documents print it
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        out, rest = "", n
        for value, numeral in _ROMAN:
            while rest >= value:
                out, rest = out + numeral, rest - value
        return out.upper() if fmt == "upperRoman" else out
    if fmt.startswith("chinese") or fmt.startswith("ideograph") or fmt == "taiwaneseCounting":
        if n < 10:
            return _ZH_DIGITS[n]
        if n < 100:
            tens, ones = divmod(n, 10)
            return ("" if tens == 1 else _ZH_DIGITS[tens]) + "十" + (_ZH_DIGITS[ones] if ones else "")
    return str(n)


# --- PDF --------------------------------------------------------------------------------------

# Running matter seen on UN pages (tests/fixtures/un-ga-pdfs): job numbers "24-24348", "24-24348 (E)",
# page numbers "2/14", the symbol, the barcode "*2424348*" (set in a barcode font), "Please recycle".
_RUNNING_PATTERNS = [
    re.compile(r"^\d{2}-\d{4,6}(\s*\([A-Z]\))?$"),
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),
    re.compile(r"^(page\s+)?\d{1,4}(\s+of\s+\d{1,4})?$", re.I),
    re.compile(r"^[-–]\s*\d{1,4}\s*[-–]$"),
    re.compile(r"^\*\d{5,}\*$"),
    re.compile(r"please recycle", re.I),
]
_SYMBOL_LINE = re.compile(r"^(A|E|S|UNEP|[A-Z]{2,})/[\w./-]+$")
_NUMBER_START = re.compile(
    r"^(\d{1,3}\.|\(?[a-z]{1,3}\)|\(?[ivxlc]{1,6}\)|[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)(\s|$)"
)
_CLOSING = (".", ";", ":", ",", "。", "；", "：", "，", "!", "?", "！", "？", "”", '"', ")")
_FOOTNOTE_RULE = re.compile(r"^[_‗⎯—–-]{5,}$")
_FOOTNOTE_MARK = re.compile(r"^[\d*†‡§,]+$")
_BULLET_START = re.compile(r"^\s*[✓✔☑•●▪◦■\-–]")


@dataclass
class _Line:
    words: list[dict]
    page: int
    top: float = 0.0
    bottom: float = 0.0
    x0: float = 0.0
    x1: float = 0.0
    size: float = 0.0
    bold: bool = False
    text: str = ""
    zone: str = "body"  # "header" | "footer" | "body"

    def finish(self) -> _Line:
        self.words.sort(key=lambda w: w["x0"])
        self.top = min(w["top"] for w in self.words)
        self.bottom = max(w["bottom"] for w in self.words)
        self.x0 = self.words[0]["x0"]
        self.x1 = max(w["x1"] for w in self.words)
        sizes: Counter[float] = Counter()
        for w in self.words:
            sizes[round(w["size"], 1)] += len(w["text"])
        self.size = sizes.most_common(1)[0][0]
        self.bold = all("bold" in str(w.get("fontname", "")).lower() for w in self.words)
        self.text = _join_words(self.words)
        return self


@dataclass
class _Page:
    number: int
    width: float
    height: float
    lines: list[_Line] = field(default_factory=list)
    tables: list[tuple[float, list[list[str]]]] = field(default_factory=list)  # (top, rows)


def _is_cjk(ch: str) -> bool:
    return (
        "\u4e00" <= ch <= "\u9fff"
        or "\u3400" <= ch <= "\u4dbf"
        or "\u3000" <= ch <= "\u303f"
        or "\uff00" <= ch <= "\uffef"
        or "\u2e80" <= ch <= "\u2fdf"
    )


def _join_pieces(left: str, right: str) -> str:
    """Join two pieces of text with a space, except between Chinese characters."""
    if not left:
        return right
    if not right:
        return left
    if _is_cjk(left[-1]) or _is_cjk(right[0]):
        return left + right
    return f"{left} {right}"


def _join_words(words: list[dict]) -> str:
    """Words of one line: a space where there is a gap; none where a font/size change split a word
    (italic "Assembly" + roman ","), and none between Chinese characters (justified CJK has gaps)."""
    out = ""
    prev = None
    for w in words:
        text = w["text"]
        if prev is None:
            out = text
        else:
            gap = w["x0"] - prev["x1"]
            if _is_cjk(out[-1]) and _is_cjk(text[0]):
                out += text
            elif (
                w.get("space_before")
                and text[:1] not in ",.;:)]"
                and not (_is_cjk(out[-1]) or _is_cjk(text[0]))
            ):
                out += " " + text
            elif gap > (0.3 if text[:1] in ",.;:)]" else 0.15) * min(w["size"], prev["size"]):
                out += " " + text
            else:
                out += text
        prev = w
    return out


def _check_pdf(data: bytes, source: str) -> None:
    """Refuse truncated, corrupt and password-protected PDFs before layout analysis."""
    if b"%%EOF" not in data[-4096:]:
        raise UnreadableDocument(source, "truncated or corrupt PDF: no end-of-file marker")
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise UnreadableDocument(source, "encrypted PDF: a password is needed") from exc
        raise UnreadableDocument(source, f"corrupt PDF: {message}") from exc
    try:
        if len(pdf) == 0:
            raise UnreadableDocument(source, "corrupt PDF: no pages")
    finally:
        pdf.close()


# PDFium is not thread-safe: one PDF at a time per process (the service reads uploads in threads)
_PDFIUM_LOCK = threading.RLock()


def _read_pdf(data: bytes, source: str, doc_id: str) -> RawDocument:
    pages: list[_Page] = []
    sizes: Counter[float] = Counter()
    try:
        with _PDFIUM_LOCK:
            _check_pdf(data, source)
            for page in _pdf_pages(data):
                pages.append(page)
                for line in page.lines:
                    for w in line.words:
                        sizes[round(w["size"] * 2) / 2] += len(w["text"])
    except UnreadableDocument:
        raise
    except Exception as exc:  # pdfium/pdfminer raise many types on broken files
        message = str(exc)
        if "password" in message.lower() or type(exc).__name__ in (
            "PDFPasswordIncorrect",
            "PDFEncryptionError",
        ):
            raise UnreadableDocument(source, "encrypted PDF: a password is needed") from exc
        raise UnreadableDocument(source, f"corrupt PDF: {type(exc).__name__}: {exc}") from exc
    if not sizes:
        raise UnreadableDocument(source, "no text layer (scanned image?); OCR is not supported")
    body_size = sizes.most_common(1)[0][0]

    raw = RawDocument(source=source, id=doc_id, format="pdf", pages=len(pages))
    _mark_running_matter(pages, body_size)
    vocabulary = _vocabulary(pages)
    margin = _left_margin(pages)
    masthead: list[str] = []
    paragraphs: list[list[_Line]] = []
    for page in pages:
        lines = [ln for ln in page.lines if ln.zone != "drop"]
        lines = _drop_footnotes(lines, page, body_size)
        for ln in lines:
            _drop_footnote_marks(ln)
        masthead += [ln.text for ln in lines if ln.zone == "header"]
        page_paragraphs = list(_paragraphs(lines, page))
        if paragraphs and page_paragraphs and _continues(paragraphs[-1], page_paragraphs[0], margin, pages):
            paragraphs[-1].extend(page_paragraphs.pop(0))
        paragraphs.extend(page_paragraphs)
    starts: list[tuple[int, float]] = []
    for para in paragraphs:
        text = _join_lines(para, vocabulary)
        if not text:
            continue
        style = None
        if para[0].zone == "header":
            style = "masthead"
        elif all(ln.bold for ln in para) or para[0].size >= body_size + 1.5:
            style = "heading"
        raw.blocks.append(RawBlock(text=text, page=para[0].page, style=style))
        starts.append((para[0].page, para[0].top))
    for page in pages:
        for top, rows in page.tables:
            position = sum(1 for p, t in starts if p < page.number or (p == page.number and t < top))
            # one RawTable per page, as the page shows it: a table broken by page breaks comes as
            # consecutive tables (same position, repeated header if the document repeats it);
            # extractors.tables joins them and the bullets a break cut in two
            raw.tables.append(RawTable(rows=rows, page=page.number, position=position))
    ref = parse_symbol(" ".join(masthead))
    if ref and ref.symbol:
        raw.metadata["symbol"] = ref.symbol
    if not raw.blocks and not raw.tables:
        raise UnreadableDocument(source, "no text layer (scanned image?); OCR is not supported")
    return raw


def _pdf_pages(data: bytes) -> Iterator[_Page]:
    """Pages with their words (pypdfium2: ~6x faster than pdfminer for characters) and ruled tables
    (pdfplumber's finder, only on pages whose rules and words could form a table: it is slow)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    plumber = None
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_size()
            out = _Page(number=index + 1, width=float(width), height=float(height))
            textpage = page.get_textpage()
            words = _pdfium_words(textpage, out.height)
            textpage.close()
            table_boxes = []
            if page_may_hold_table(page, words):
                if plumber is None:
                    import pdfplumber

                    plumber = pdfplumber.open(io.BytesIO(data))
                plumber_page = plumber.pages[index]
                for table in plumber_page.find_tables():
                    rows = _table_rows(table)
                    if rows is not None:
                        table_boxes.append(table.bbox)
                        out.tables.append((float(table.bbox[1]), rows))
                plumber_page.close()
            page.close()
            words = [
                w for w in words if "barcode" not in w["fontname"].lower() and not _inside_any(w, table_boxes)
            ]
            out.lines = _group_lines(words, out.number)
            header_limit, footer_limit = 0.085 * out.height, 0.93 * out.height
            for ln in out.lines:
                if ln.bottom <= header_limit:
                    ln.zone = "header"
                elif ln.top >= footer_limit:
                    ln.zone = "footer"
            yield out
    finally:
        if plumber is not None:
            plumber.close()
        pdf.close()


_X_TOLERANCE = 3.0  # as pdfplumber's extract_words: a wider gap between characters splits a word


def _pdfium_words(textpage, height: float) -> list[dict]:  # type: ignore[no-untyped-def]
    """Characters → words (text, x0, x1, top, bottom, size, fontname), in pdfplumber's coordinates
    (top-down). A word ends at a space, a gap, a jump to another line, or a change of font or size
    (so a superscript footnote mark is its own word). Hand-written: pypdfium2 gives characters only."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    buf = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    words: list[dict] = []
    current: dict | None = None
    space_before = False
    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(textpage, i)
        if code == 2:  # pdfium's mark for a hyphen at a line end
            code = 0x2D
        if (
            code < 32
            or pdfium_c.FPDFText_IsGenerated(textpage, i)
            or chr(code).isspace()
            or code in (0xFFFE, 0xFFFF)
        ):
            current = None
            space_before = True
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        size = round(pdfium_c.FPDFText_GetFontSize(textpage, i), 2)
        pdfium_c.FPDFText_GetFontInfo(textpage, i, buf, 128, ctypes.byref(flags))
        font = buf.value.decode("latin-1", errors="replace")
        top, bottom = height - top, height - bottom
        if (
            current is not None
            and current["size"] == size
            and current["fontname"] == font
            and -0.5 * size <= left - current["x1"] <= _X_TOLERANCE
            and abs(top - current["top"]) <= 3
        ):
            current["text"] += chr(code)
            current["x1"] = max(current["x1"], right)
            current["bottom"] = max(current["bottom"], bottom)
            current["top"] = min(current["top"], top)
        else:
            current = {
                "text": chr(code),
                "x0": left,
                "x1": right,
                "top": top,
                "bottom": bottom,
                "size": size,
                "fontname": font,
                # a space (or pdfium's generated one) came before: italic glyph boxes can overhang
                # the space, so the gap alone would miss it
                "space_before": space_before,
            }
            words.append(current)
            space_before = False
    return words


def _inside_any(word: dict, boxes: list) -> bool:
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _table_rows(table) -> list[list[str]] | None:  # type: ignore[no-untyped-def]
    """A ruled table's cell texts, or None when the "table" is a box drawn round a paragraph
    (the GA PDFs have such boxes: one column, or one filled cell per row)."""
    rows = [[_cell_text(c) for c in row] for row in table.extract()]
    rows = [r for r in rows if any(r)]
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        return None
    multi = sum(1 for r in rows if sum(1 for c in r if c) >= 2)
    if multi < 0.5 * len(rows):
        return None
    return rows


def _cell_text(cell: str | None) -> str:
    """Join a cell's wrapped lines; keep a line break before bullets and numbered items."""
    if not cell:
        return ""
    out: list[str] = []
    for line in cell.split("\n"):
        line = _squash(line)
        if not line:
            continue
        if out and not _BULLET_START.match(line) and not _NUMBER_START.match(line):
            out[-1] = _join_pieces(out[-1], line)
        else:
            out.append(line)
    return "\n".join(out)


def _group_lines(words: list[dict], page: int) -> list[_Line]:
    """Words → lines by vertical overlap (superscripts join their line); a wide horizontal gap
    splits a line into separate pieces (masthead columns, signature blocks)."""
    lines: list[list[dict]] = []
    spans: list[tuple[float, float]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        h = w["bottom"] - w["top"]
        placed = False
        for i in range(len(lines) - 1, max(len(lines) - 4, -1), -1):
            top, bottom = spans[i]
            overlap = min(bottom, w["bottom"]) - max(top, w["top"])
            if overlap >= 0.5 * min(h, bottom - top):
                lines[i].append(w)
                spans[i] = (min(top, w["top"]), max(bottom, w["bottom"]))
                placed = True
                break
        if not placed:
            lines.append([w])
            spans.append((w["top"], w["bottom"]))
    out: list[_Line] = []
    for ws in lines:
        ws.sort(key=lambda w: w["x0"])
        piece = [ws[0]]
        for w in ws[1:]:
            if w["x0"] - piece[-1]["x1"] > max(4 * w["size"], 40):
                out.append(_Line(piece, page).finish())
                piece = [w]
            else:
                piece.append(w)
        out.append(_Line(piece, page).finish())
    out.sort(key=lambda ln: (round(ln.top), ln.x0))
    return out


def _running_key(line: _Line) -> str:
    """Same header on odd and even pages ("A/RES/79/206 Title" vs "Title A/RES/79/206"), any page no."""
    return " ".join(sorted(re.sub(r"\d+", "#", w["text"]) for w in line.words))


def _mark_running_matter(pages: list[_Page], body_size: float) -> None:
    """Header/footer zone lines become "drop" when they repeat across pages, look like page or job
    numbers, the symbol or the barcode, or (after page 1) are set smaller than the body text.
    Page 1's masthead ("United Nations", symbol, "General Assembly") stays, marked "header"."""
    counts: Counter[tuple[str, str]] = Counter()
    for page in pages:
        for key in {(ln.zone, _running_key(ln)) for ln in page.lines if ln.zone != "body"}:
            counts[key] += 1
    for page in pages:
        for ln in page.lines:
            if ln.zone == "body":
                continue
            running = any(p.match(ln.text) for p in _RUNNING_PATTERNS) or any(
                p.match(w["text"]) for p in _RUNNING_PATTERNS[:2] for w in ln.words
            )
            if page.number == 1:
                if running:
                    ln.zone = "drop"
                continue
            if (
                running
                or _SYMBOL_LINE.match(ln.text)
                or counts[(ln.zone, _running_key(ln))] >= 2
                or ln.size < body_size - 0.5
            ):
                ln.zone = "drop"


def _drop_footnotes(lines: list[_Line], page: _Page, body_size: float) -> list[_Line]:
    """Footnotes sit under a short rule ("__________") at the page bottom, in a smaller size.
    Without a rule, a trailing run of smaller lines that opens with a footnote number is dropped."""
    for i, ln in enumerate(lines):
        if (
            ln.zone == "body"
            and ln.top > 0.4 * page.height
            and _FOOTNOTE_RULE.match(ln.text.replace(" ", ""))
        ):
            return [x for x in lines[:i]] + [x for x in lines[i + 1 :] if x.zone != "body"]
    body = [ln for ln in lines if ln.zone == "body"]
    tail: list[_Line] = []
    for ln in reversed(body):
        if ln.size <= 0.9 * body_size and ln.top > 0.5 * page.height:
            tail.append(ln)
        else:
            break
    if tail:
        first = tail[-1]
        opener = first.words[0]
        if _FOOTNOTE_MARK.match(opener["text"]) or re.match(r"^\d{1,3}\s", first.text):
            dropped = {id(x) for x in tail}
            return [x for x in lines if id(x) not in dropped]
    return lines


def _drop_footnote_marks(line: _Line) -> None:
    """Footnote reference numbers are small raised digits glued to words ("Change¹"): drop them."""
    if line.zone != "body" or len(line.words) < 2:
        return
    kept: list[dict] = []
    dropped_x0: float | None = None
    for w in line.words:
        raised = w["bottom"] < line.bottom - 0.15 * line.size
        if w["size"] <= 0.8 * line.size and raised and _FOOTNOTE_MARK.match(w["text"]):
            dropped_x0 = w["x0"] if dropped_x0 is None else dropped_x0
            continue
        if dropped_x0 is not None:
            # close the hole the mark leaves ("cooperation¹," → "cooperation,")
            w = {**w, "x0": min(w["x0"], dropped_x0)}
            dropped_x0 = None
        kept.append(w)
    if len(kept) != len(line.words):
        line.words = kept
        line.finish()


def _left_margin(pages: list[_Page]) -> float:
    """The text column's left edge: the most common start of body lines."""
    starts = Counter(round(ln.x0) for page in pages for ln in page.lines if ln.zone == "body")
    return float(starts.most_common(1)[0][0]) if starts else 0.0


def _continues(prev: list[_Line], nxt: list[_Line], margin: float, pages: list[_Page]) -> bool:
    """A paragraph running over a page break: the previous page's last line is full, and the new
    page's first line starts at the margin (no first-line indent) without a paragraph label."""
    last, first = prev[-1], nxt[0]
    if last.zone != "body" or first.zone != "body" or last.bold != first.bold:
        return False
    if abs(last.size - first.size) > 1.0 or _NUMBER_START.match(first.text):
        return False
    if abs(first.x0 - margin) > 2:
        return False
    if not last.text.rstrip().endswith(_CLOSING):  # the sentence is still open
        return True
    page = pages[last.page - 1]
    right = max((ln.x1 for ln in page.lines if ln.zone == "body"), default=page.width)
    return last.x1 >= right - 0.08 * (right - margin)


def _pitch(lines: list[_Line]) -> float:
    """The page's usual baseline-to-baseline distance (most consecutive lines are inside paragraphs)."""
    steps = sorted(b.bottom - a.bottom for a, b in zip(lines, lines[1:], strict=False) if b.bottom > a.bottom)
    return steps[len(steps) // 2] if steps else 14.0


def _paragraphs(lines: list[_Line], page: _Page) -> Iterator[list[_Line]]:
    """Lines → paragraphs: a new one at a vertical gap, a first-line indent, a size change, or a line
    opening with a paragraph label ("7.", "(a)", "(i)") after a line that closed a sentence."""
    body = [ln for ln in lines if ln.zone != "drop"]
    pitch = _pitch([ln for ln in body if ln.zone == "body"])
    right = max((ln.x1 for ln in body if ln.zone == "body"), default=page.width)
    current: list[_Line] = []
    for ln in body:
        if current and _starts_paragraph(current[-1], ln, pitch, page, right, len(current) == 1):
            yield current
            current = []
        current.append(ln)
    if current:
        yield current


def _starts_paragraph(
    prev: _Line, ln: _Line, pitch: float, page: _Page, right: float, first_line: bool
) -> bool:
    if ln.zone != prev.zone:
        return True
    if ln.zone == "header":
        return True  # masthead pieces are separate items
    if ln.top < prev.bottom - 0.5 * prev.size:  # same row, another piece (wide gap)
        return True
    if ln.bottom - prev.bottom > 1.4 * pitch:
        return True
    if abs(ln.size - prev.size) > 1.0:
        return True
    if ln.bold != prev.bold:
        return True
    if ln.x0 > prev.x0 + 0.8 * ln.size:
        # a hanging indent ("79/206.   Protection of …" / "of humankind") continues the paragraph
        return not (first_line and any(abs(w["x0"] - ln.x0) < 2 for w in prev.words[1:3]))
    # a label opens a paragraph only after a line that stopped short of the right edge: a full
    # line ending "…；" followed by "10. …" is a list running inside one paragraph
    return bool(prev.x1 < right - 0.05 * page.width and _NUMBER_START.match(ln.text))


def _vocabulary(pages: list[_Page]) -> set[str]:
    words: set[str] = set()
    for page in pages:
        for ln in page.lines:
            for w in ln.words:
                for token in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", w["text"]):
                    words.add(token.lower())
    return words


def _join_lines(lines: list[_Line], vocabulary: set[str]) -> str:
    """Unwrap a paragraph. A line-end hyphen is kept ("risk-" + "informed") unless the document
    itself spells the word without it elsewhere (then it was a hyphenation break)."""
    text = ""
    for ln in lines:
        piece = ln.text.strip()
        if not piece:
            continue
        if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and piece[:1].isalpha():
            head = re.search(r"([^\W\d_]+)-$", text)
            tail = re.match(r"[^\W\d_]+", piece)
            if head and tail:
                whole = (head.group(1) + tail.group(0)).lower()
                hyphenated = f"{head.group(1)}-{tail.group(0)}".lower()
                if whole in vocabulary and hyphenated not in vocabulary:
                    text = text[:-1] + piece
                    continue
            text += piece
            continue
        text = _join_pieces(text, piece)
    return unicodedata.normalize("NFC", _squash(text))
