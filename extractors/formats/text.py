"""Plain text in any UN encoding → RawDocument: lines with tabs are table rows, other lines blocks.

The encoding is read from the bytes: BOM → UTF-8/16/32; else UTF-16 without BOM (NUL pattern); else
UTF-8; else GB18030 (GBK Chinese). Binary junk is refused as not a document.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator

from extractors.raw import RawBlock, RawDocument, RawTable
from extractors.schema import UnreadableDocument
from extractors.script import HAN, is_han

_CONTROL_SHARE_MAX = 0.01  # more control characters than this → binary, not text

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


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


def first_text_char(data: bytes, encoding: str) -> str:
    head = data[:4096].decode(encoding, errors="ignore").lstrip("\ufeff \t\r\n")
    return head[:1]


def decoded_lines(data: bytes, encoding: str) -> Iterator[str]:
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
        or is_han(ch)
        or "\u3000" <= ch <= "\u303f"
        or "\uff00" <= ch <= "\uffef"
    )
    if common < 0.9 * len(sample):
        return False
    # Latin-1/cp1252 bytes read as GB18030 turn each accented letter and its neighbour into one
    # Han character wedged between ASCII letters ("Prie乴a丏irectrice"); real Chinese has few
    han = sum(1 for ch in sample if is_han(ch))
    wedged = len(re.findall(f"(?<=[A-Za-z])[{HAN}](?=[A-Za-z])", sample))
    return han > 0 and wedged <= 0.02 * han


_LIST_LABEL_CELL = re.compile(
    r"^\s*(\d{1,3}[.)]?|\(?[a-z]{1,4}\)|\(?[ivxlc]+\)|[-•–*]|[(（][一二三四五六七八九十]+[)）])\s*$"
)


def read_text(lines: Iterable[str], source: str, doc_id: str) -> RawDocument:
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
        stripped = squash(line)
        if stripped:
            raw.blocks.append(RawBlock(text=stripped, page=page if saw_form_feed else None))
    close_table()
    if saw_form_feed:
        raw.pages = page
    if not raw.blocks and not raw.tables:
        raise UnreadableDocument(source, "empty file (no text)")
    return raw


def squash(text: str) -> str:
    """Whitespace runs (tabs, line breaks, ideographic spaces) → one space; str.split is ~10x a regex."""
    return " ".join(text.split())

