"""A resolution's page: its whole operative part (read again from the stored original) with the
paragraphs that hold mandates marked, the date it was adopted (its document's, else its UNEA session's) and its official document on undocs.org.
A resolution known only from a mandate table (3/9 in the seed's Annex II) shows those rows."""

from __future__ import annotations

from extractors.paragraph_order import paragraph_key
from extractors.schema import Document, Mandate
from index.base import MandateIndex, SearchQuery
from service.usecases.browse import (
    AdoptionDates,
    reading_order,
    resolution_of_query,
    undocs_link,
)
from service.usecases.errors import NotFound
from service.usecases.results import CitedMandate, ResolutionPage, ResolutionParagraph

_MAX = 1000  # SearchQuery.limit's ceiling: a resolution holds far fewer mandates


def resolution_page(index: MandateIndex, store, symbol: str) -> ResolutionPage:  # type: ignore[no-untyped-def]
    key = resolution_of_query(index, symbol) or symbol
    hits = index.search(SearchQuery(filters={"resolution": [key]}, limit=_MAX)).hits
    mandates = sorted((h.mandate for h in hits), key=reading_order)
    if not mandates:
        raise NotFound(f"no indexed mandate of resolution {symbol!r}")
    documents = {m.document for m in mandates}
    own = _own_document(index, key, documents)
    paragraphs = _operative_paragraphs(store, own, key, mandates) if own is not None else []
    first = mandates[0]
    # its own document's date (as stated, or its session's when it states none); else, a UNEA
    # resolution known only from a table (3/9), its session's last day
    dates = AdoptionDates([own] if own is not None else [])
    adopted, adopted_source = dates.of(first), dates.source_of(first)
    return ResolutionPage(
        resolution=key,
        number=first.resolution_number,
        title=first.resolution_title or (own.title if own else None),
        adopted=adopted,
        adopted_source=adopted_source,
        official_url=undocs_link(key if key.startswith(("UNEP/EA.", "A/")) else None),
        document=own,
        sources=sorted(documents),
        paragraphs=paragraphs,
        mandates=[CitedMandate.of(m) for m in mandates],
    )


def _own_document(index: MandateIndex, key: str, documents: set[str]) -> Document | None:
    """The document that is this resolution (its symbol), not a report that tabulates it."""
    for document_id in sorted(documents):
        document = index.get_document(document_id)
        if document is not None and document.symbol == key:
            return document
    return None


def _operative_paragraphs(store, document: Document, key: str, mandates: list[Mandate]) -> list[ResolutionParagraph]:  # type: ignore[no-untyped-def]
    """Every operative paragraph of the resolution, each with the ids of its mandates."""
    by_paragraph: dict[str | None, list[str]] = {}
    for m in mandates:
        by_paragraph.setdefault(m.paragraph, []).append(m.id)
    try:
        data = store.get_bytes(document.id)
    except (KeyError, FileNotFoundError, ValueError):
        data = None
    if data is None:  # no stored original: the mandates' own paragraphs only
        return [ResolutionParagraph(number=p, text=None, mandates=ids) for p, ids in by_paragraph.items()]
    from extractors.pipeline import extract_bytes  # lazily: loads the language tools

    result = extract_bytes(data, document.source_file or document.id)
    out = [
        ResolutionParagraph(number=p.number, text=p.text, mandates=by_paragraph.get(p.number, []))
        for p in result.paragraphs
        if p.kind == "operative" and p.resolution in (key, document.symbol)
    ]
    return sorted(out, key=lambda p: paragraph_key(p.number)) or [
        ResolutionParagraph(number=p, text=None, mandates=ids) for p, ids in by_paragraph.items()
    ]
