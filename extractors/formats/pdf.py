"""PDF → RawDocument: characters, sizes and fonts from pypdfium2 (about 4-6x faster than pdfminer);
ruled tables from pdfplumber's table finder, run only on pages whose rules and words could form a
table (pdf_ruling.py); page layout (running matter, footnotes, paragraphs) in pdf_layout.py.
"""

from __future__ import annotations

import io
import threading
from collections import Counter
from collections.abc import Iterator

from extractors.formats.pdf_bidi import is_rtl, settle_rtl_flow
from extractors.formats.pdf_layout import (
    BULLET_START,
    NUMBER_START,
    Line,
    Page,
    continues,
    drop_footnote_marks,
    drop_footnotes,
    group_lines,
    join_lines,
    join_pieces,
    margins,
    mark_running_matter,
    page_vocabulary,
    paragraphs_of,
)
from extractors.formats.pdf_ruling import page_may_hold_table
from extractors.formats.text import squash
from extractors.raw import RawBlock, RawDocument, RawTable, ReaderNote
from extractors.schema import UnreadableDocument
from extractors.symbols import parse_symbol


def check_pdf(data: bytes, source: str) -> None:
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


def read_pdf(data: bytes, source: str, doc_id: str) -> RawDocument:
    pages: list[Page] = []
    sizes: Counter[float] = Counter()
    try:
        with _PDFIUM_LOCK:
            check_pdf(data, source)
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
    settle_rtl_flow(pages)

    raw = RawDocument(source=source, id=doc_id, format="pdf", pages=len(pages))
    mark_running_matter(pages, body_size)
    vocabulary = page_vocabulary(pages)
    margin = margins(pages)
    masthead: list[str] = []
    paragraphs: list[list[Line]] = []
    for page in pages:
        if page.unread:
            raw.notes.append(ReaderNote(
                f"{page.unread} characters not read: their font maps them to no Unicode character", page.number
            ))
        lines = [ln for ln in page.lines if ln.zone != "drop"]
        lines = drop_footnotes(lines, page, body_size)
        for ln in lines:
            drop_footnote_marks(ln)
        masthead += [ln.text for ln in lines if ln.zone == "header"]
        page_paragraphs = list(paragraphs_of(lines, page, raw.notes))
        if paragraphs and page_paragraphs and continues(paragraphs[-1], page_paragraphs[0], margin, pages):
            paragraphs[-1].extend(page_paragraphs.pop(0))
        paragraphs.extend(page_paragraphs)
    starts: list[tuple[int, float]] = []
    for para in paragraphs:
        text = join_lines(para, vocabulary)
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


def _pdf_pages(data: bytes) -> Iterator[Page]:
    """Pages with their words (pypdfium2: ~6x faster than pdfminer for characters) and ruled tables
    (pdfplumber's finder, only on pages whose rules and words could form a table: it is slow)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    plumber = None
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_size()
            out = Page(number=index + 1, width=float(width), height=float(height))
            textpage = page.get_textpage()
            unread: list[int] = []
            words = pdfium_words(textpage, out.height, unread)
            out.unread = sum(unread)
            textpage.close()
            table_boxes = []
            if page_may_hold_table(page, words):
                if plumber is None:
                    import pdfplumber

                    plumber = pdfplumber.open(io.BytesIO(data))
                plumber_page = plumber.pages[index]
                for table in plumber_page.find_tables():
                    rows = table_rows(table)
                    if rows is not None:
                        table_boxes.append(table.bbox)
                        out.tables.append((float(table.bbox[1]), rows))
                plumber_page.close()
            page.close()
            words = [
                w for w in words if "barcode" not in w["fontname"].lower() and not _inside_any(w, table_boxes)
            ]
            out.lines = group_lines(words, out.number)
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


_NO_CHARACTER = (0, 0xFFFD, 0xFFFE, 0xFFFF)


def pdfium_words(textpage, height: float, unread: list[int] | None = None) -> list[dict]:  # type: ignore[no-untyped-def]
    """Characters → words (text, x0, x1, top, bottom, size, fontname), in pdfplumber's coordinates
    (top-down). A word ends at a space, a gap, a jump to another line, or a change of font or size
    (so a superscript footnote mark is its own word). Hand-written: pypdfium2 gives characters only.
    Glyphs without a character are counted into `unread` (an Arabic justification stroke is not)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    buf = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    words: list[dict] = []
    current: dict | None = None
    space_before = False
    glyph_box: tuple[float, float] | None = None
    glyph_end = 0  # where in the current word the last glyph's characters stop
    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(textpage, i)
        if code == 2:  # pdfium's mark for a hyphen at a line end
            code = 0x2D
        if (code in _NO_CHARACTER or (code < 32 and code not in (9, 10, 13))) and not pdfium_c.FPDFText_IsGenerated(
            textpage, i
        ):
            current = _glyph_without_character(textpage, i, current, unread)
            continue
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
        char = chr(code)
        same_run = (
            current is not None
            and current["size"] == size
            and current["fontname"] == font
            # Arabic letters' loose boxes differ in height (hamza, alef): their baselines agree
            and (abs(top - current["top"]) <= 3 or (is_rtl(char) and abs(bottom - current["bottom"]) <= 1))
        )
        if same_run and (left, right) == glyph_box:
            # one glyph, several characters: a ligature ("fi" in "fixée", lam-alef in Arabic). An
            # Arabic one is kept in pdfium's order, which the line's bidi reading (pdf_bidi) turns
            # round with the rest of the right-to-left run
            glyph_end += 1
            current["text"] = current["text"][:glyph_end] + char + current["text"][glyph_end:]
            continue
        forward = -0.5 * size <= left - current["x1"] <= _X_TOLERANCE if same_run else False
        # pdfium gives right-to-left scripts in logical order: the next character sits to the left.
        # Words are kept in visual order (left to right); pdf_bidi reads the line with the bidi rules
        backward = same_run and is_rtl(char) and -0.5 * size <= current["x0"] - right <= _X_TOLERANCE
        glyph_box = (left, right)
        if same_run and backward:
            glyph_end = 0
            current["text"] = char + current["text"]
            current["x0"] = min(current["x0"], left)
            current["bottom"] = max(current["bottom"], bottom)
            current["top"] = min(current["top"], top)
        elif same_run and forward:
            current["text"] += char
            glyph_end = len(current["text"]) - 1
            current["x1"] = max(current["x1"], right)
            current["bottom"] = max(current["bottom"], bottom)
            current["top"] = min(current["top"], top)
        else:
            glyph_end = 0
            current = {
                "text": char,
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


def _glyph_without_character(textpage, i: int, current: dict | None, unread: list[int] | None) -> dict | None:  # type: ignore[no-untyped-def]
    """A glyph whose font gives no character: inside a word it bridges the word (LibreOffice's
    kashida, the stroke that stretches justified Arabic, comes as U+0004); any but a kashida is
    counted as text that could not be read. Returns the word that goes on, if any."""
    left, _, right, _ = textpage.get_charbox(i, loose=True)
    if current is not None:
        reach = 0.5 * current["size"]
        if -reach <= left - current["x1"] <= _X_TOLERANCE:
            current["x1"] = max(current["x1"], right)
        elif -reach <= current["x0"] - right <= _X_TOLERANCE or current["x0"] < right < current["x1"]:
            current["x0"] = min(current["x0"], left)
            if is_rtl(current["text"][0]):
                return current  # a kashida (or two) between Arabic letters
        else:
            current = None
    if unread is not None:
        unread.append(1)
    return current


def _inside_any(word: dict, boxes: list) -> bool:
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def table_rows(table) -> list[list[str]] | None:  # type: ignore[no-untyped-def]
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
        line = squash(line)
        if not line:
            continue
        if out and not BULLET_START.match(line) and not NUMBER_START.match(line):
            out[-1] = join_pieces(out[-1], line)
        else:
            out.append(line)
    return "\n".join(out)



def page_count(data: bytes) -> int | None:
    """The number of pages of a PDF's bytes, read from its page tree without laying any page out (the upload
    limit is checked before extraction); None when PDFium cannot open it (the reader says why later)."""
    import pypdfium2 as pdfium

    with _PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            return None
        try:
            return len(pdf)
        finally:
            pdf.close()
