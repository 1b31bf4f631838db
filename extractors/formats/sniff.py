"""One sniffer: the format of a document's bytes, told by content (magic bytes, structure, encoding),
never by the file name. The readers (extractors.formats.read_bytes) and the store of originals
(corpus.registry) both ask it, so they never disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.formats.docx import check_zip
from extractors.formats.registry_json import registry_items
from extractors.formats.text import first_text_char, text_encoding
from extractors.schema import DocumentFormat, UnreadableDocument

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# a web page or XML: markup first, after any BOM and white space (a resolution's text never opens so)
_MARKUP = re.compile(r"\ufeff?\s*(?:<!doctype\s+html|<html[\s>]|<\?xml|<head[\s>]|<body[\s>])", re.I)


@dataclass(frozen=True)
class Sniffed:
    format: DocumentFormat
    encoding: str | None = None  # text and registry JSON: the encoding the bytes are in
    # registry JSON: the items, parsed once while sniffing
    items: list[dict] | None = field(default=None, repr=False, compare=False)


def sniff(data: bytes, source: str = "") -> Sniffed:
    """pdf, docx, registry-json or text; UnreadableDocument (with the reason) for anything else."""
    if b"%PDF-" in data[:1024]:  # some PDFs carry a few bytes before the header
        return Sniffed("pdf")
    if data[:4] == b"PK\x03\x04":
        check_zip(data, source)  # a Word document, and no zip bomb
        return Sniffed("docx")
    if data[:8] == _OLE:
        raise UnreadableDocument(source, "legacy Word .doc (OLE) is not supported; save it as DOCX or PDF")
    encoding = text_encoding(data, source)  # refuses binary junk
    if first_text_char(data, encoding) == "[":
        items = registry_items(data.decode(encoding))
        if items is not None:
            return Sniffed("registry-json", encoding, items)
    if _MARKUP.match(data[:2048].decode(encoding, errors="replace")):
        raise UnreadableDocument(
            source, "an HTML or XML page, not a document: save the resolution as PDF, DOCX or plain text"
        )
    return Sniffed("text", encoding)


def format_of(data: bytes) -> str:
    """The format name, or "unknown" for bytes no reader takes (what the store of originals records)."""
    try:
        return sniff(data).format
    except UnreadableDocument:
        return "unknown"
