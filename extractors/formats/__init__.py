"""Format readers: bytes of a PDF, DOCX, registry JSON or text file → RawDocument, one module per
format behind one sniffer (sniff.py; the store of originals uses it too).

Every failure to read is an UnreadableDocument naming one clear reason. What UN documents look like
(numbering, resolutions, operative verbs) is not known here: that is extractors/structure.py's job.
Readers only undo the page: running headers/footers, footnotes, line wrapping, hyphenation, tables.
"""

from __future__ import annotations

from pathlib import Path

from extractors.formats.sniff import Sniffed, format_of, sniff
from extractors.raw import RawDocument
from extractors.schema import UnreadableDocument, content_hash


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
    sniffed = sniff(data, source)
    doc_id = content_hash(data)
    if sniffed.format == "pdf":
        from extractors.formats.pdf import read_pdf

        return read_pdf(data, source, doc_id)
    if sniffed.format == "docx":
        from extractors.formats.docx import read_docx

        return read_docx(data, source, doc_id)
    if sniffed.format == "registry-json":
        from extractors.formats.registry_json import read_registry_json

        return read_registry_json(sniffed.items or [], source, doc_id)
    from extractors.formats.text import decoded_lines, read_text

    return read_text(decoded_lines(data, sniffed.encoding or "utf-8"), source, doc_id)


__all__ = ["Sniffed", "format_of", "read_bytes", "read_path", "sniff"]
