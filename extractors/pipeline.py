"""Read → structure → mandates for one document (or a draft), and walking folders of documents."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from extractors.kinds import read_body_and_kind, states_symbol
from extractors.language import detect_language
from extractors.mandates import mandates_from_paragraphs
from extractors.raw import RawBlock, RawDocument
from extractors.schema import (
    UN_LANGUAGES,
    Document,
    ExtractionResult,
    Mandate,
    Paragraph,
    Resolution,
    SkippedItem,
    content_hash,
)
from extractors.structure import parse_structure
from extractors.symbols import parse_symbol, symbol_from_filename
from extractors.tables import mandates_from_tables
from extractors.unea_sessions import session_adoption_date, unea_session_of

_COMPILATION_TITLE = re.compile(r"^\s*(?:Resolutions?\s+(?:and\s+decisions\s+)?adopted\b.*|.*决议和决定.*)$", re.I)


def _body_sample(raw: RawDocument, limit: int = 800) -> str:
    # a few paragraphs tell the language apart; langdetect time grows with the text
    parts, size = [], 0
    for block in raw.blocks:
        if len(block.text) < 40:  # headers, symbols, dates: too short to tell languages apart
            continue
        parts.append(block.text)
        size += len(block.text)
        if size > limit:
            break
    return " ".join(parts) or " ".join(b.text for b in raw.blocks[:50])


def extract_raw(raw: RawDocument, *, draft: bool = False, language: str | None = None) -> ExtractionResult:
    """RawDocument (from a reader) → Document, resolutions, paragraphs, mandates and skipped items."""
    language = language or detect_language(_body_sample(raw))
    structure = parse_structure(raw, language, draft=draft)
    resolutions = [pr.resolution for pr in structure.resolutions]
    head = " ".join(b.text for b in raw.blocks[:15])
    container = raw.metadata.get("symbol") or symbol_from_filename(raw.source)
    symbol = container
    if not symbol and len(resolutions) == 1:
        symbol = resolutions[0].symbol
    if not symbol:
        ref = parse_symbol(" ".join(b.text for b in raw.blocks[:8]))
        symbol = ref.symbol if ref else None
    stated = states_symbol(symbol, head, container)
    body, kind = read_body_and_kind(symbol if stated else None, head, draft=draft, resolutions=len(resolutions))
    if body != "unea" and not structure.general_assembly:
        # "Resolution 7/99" in a text that never says it is from the Environment Assembly is no
        # UNEP/EA.7/Res.99: symbols come only from what the document states
        for resolution in resolutions:
            if resolution.symbol and not states_symbol(resolution.symbol, head, container):
                resolution.symbol = None
        symbol = symbol if stated else None
    document = Document(
        id=raw.id,
        symbol=symbol,
        language=language,
        title=_document_title(raw, resolutions),
        session=_document_session(symbol, resolutions) if body else None,
        date=structure.date,
        date_source="document" if structure.date else None,
        source_file=raw.source,
        format=raw.format,
        body=body,
        kind=kind,
        official=stated,
    )
    if not draft:
        _date_by_session(document)
    skipped: list[SkippedItem] = [
        SkippedItem(where=raw.source if note.page is None else f"{raw.source} page {note.page}",
                    reason=note.reason, text=note.text)
        for note in raw.notes
    ]
    skipped += structure.skipped
    mandates: list[Mandate] = []
    paragraphs: list[Paragraph] = []
    if raw.tables:
        mandates.extend(mandates_from_tables(raw, document))
    if language not in UN_LANGUAGES:
        reason = ("language could not be recognised" if language == "und"
                  else f"language {language} is not yet supported")
        skipped.append(SkippedItem(where=raw.source, reason=reason))
        return ExtractionResult(document=document, resolutions=resolutions, mandates=mandates,
                                skipped=skipped, pages=raw.pages)
    for parsed in structure.resolutions:
        paragraphs.extend(parsed.paragraphs)
        found, not_mandates = mandates_from_paragraphs(parsed.paragraphs, parsed.resolution, document)
        mandates.extend(found)
        skipped.extend(not_mandates)
    if body != "unea":  # the session filter is the Environment Assembly's (UNEA-4), not the GA's 79th
        for mandate in mandates:
            mandate.session = None
    return ExtractionResult(document=document, resolutions=resolutions, paragraphs=paragraphs,
                            mandates=mandates, skipped=skipped, pages=raw.pages)


_ADOPTED_KINDS = ("resolution", "decision", "ministerial_declaration")


def _date_by_session(document: Document) -> None:
    """An adopted UNEA text that states no date (a registry record without its masthead) is dated by
    its session: the last day the session met (extractors/data/unea_sessions.json), marked as derived
    from the session. Drafts, reports and texts of other bodies keep no date."""
    if document.date or document.body != "unea" or not document.official or document.kind not in _ADOPTED_KINDS:
        return
    date = session_adoption_date(unea_session_of(document.symbol))
    if date:
        document.date, document.date_source = date, "session"


def _document_title(raw: RawDocument, resolutions: list[Resolution]) -> str | None:
    if len(resolutions) == 1 and resolutions[0].title and resolutions[0].title != "draft":
        return resolutions[0].title
    for block in raw.blocks[:30]:
        if _COMPILATION_TITLE.match(block.text.strip()):
            return re.sub(r"\s+", " ", block.text).strip()
    return raw.metadata.get("title")


def _document_session(symbol: str | None, resolutions: list[Resolution]) -> int | None:
    sessions = {r.session for r in resolutions if r.session is not None}
    if len(sessions) == 1:
        return sessions.pop()
    ref = parse_symbol(symbol) if symbol else None
    if ref and ref.session:
        return ref.session
    m = re.search(r"UNEP/EA\.(\d+)/", symbol or "")
    return int(m.group(1)) if m else None


def extract_path(path: str | os.PathLike[str]) -> ExtractionResult:
    """Read one file (format from its content) and extract it; UnreadableDocument when it cannot be read."""
    from extractors.formats import read_path

    return extract_raw(read_path(path))


def extract_bytes(data: bytes, source: str) -> ExtractionResult:
    """Same as extract_path for an upload's bytes; `source` names it in messages."""
    from extractors.formats import read_bytes

    return extract_raw(read_bytes(data, source))


# Invisible direction marks and overrides (LRM, RLM, LRE…RLO, LRI…PDI): pasted drafts carry them before a lead
# verb ("\u202eRequests …" found no mandate); they say how to show text, not what it says.
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def extract_draft(text: str, language: str | None = None) -> list[Mandate]:
    """Mandates in a free draft: numbered paragraphs or bare sentences, one paragraph per line."""
    text = _BIDI_CONTROLS.sub("", text)
    blocks = [RawBlock(line.strip()) for line in re.split(r"\n+", text) if line.strip()]
    raw = RawDocument(source="draft", id=content_hash(text.encode("utf-8")), format="text", blocks=blocks)
    return extract_raw(raw, draft=True, language=language).mandates


def iter_document_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Files named, and files under folders named (sorted, hidden files and folders skipped).

    A path that does not exist is yielded as is, so the caller reports it as unreadable.
    """
    for item in paths:
        path = Path(item)
        if not path.is_dir():
            yield path
            continue
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith("."):
                    yield Path(root) / name
