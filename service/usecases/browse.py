"""Reading a resolution as a legal officer does: a symbol typed as the query, mandates in paragraph
order, the date a resolution was adopted (its document's, else its UNEA session's), filters by year.

Everything here goes through the MandateIndex protocol (facets, list_documents), so it works the
same on every backend.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractors.paragraph_order import paragraph_key  # the one key (plan, resolution page)
from extractors.schema import DateOrigin, Document, Mandate
from extractors.symbols import parse_symbol, parse_unea_number
from extractors.unea_sessions import session_adoption_date, unea_session_of
from index.base import MandateIndex, SearchQuery

# A query that is nothing but a resolution symbol or number: UNEP/EA.4/Res.6, 4/6, A/RES/79/211
_SYMBOL_QUERY = re.compile(r"(?:UNEP/EA\.\d+/Res\.\d+|A/RES/\d+/\d+|\d{1,2}/\d{1,3})", re.I)


def resolution_of_query(index: MandateIndex, q: str) -> str | None:
    """The indexed resolution a query names (`UNEP/EA.4/Res.6`, `4/6`, `A/RES/79/211`), else None."""
    text = q.strip().strip('"').strip()
    if not text or not _SYMBOL_QUERY.fullmatch(text):
        return None
    ref = parse_symbol(text) or parse_unea_number(text)
    if ref is None:
        return None
    indexed = index.facets(SearchQuery()).get("resolution", {})
    for candidate in (ref.symbol, ref.number):
        if candidate and candidate in indexed:
            return candidate
    lowered = {value.lower(): value for value in indexed}
    return lowered.get((ref.symbol or "").lower())


def resolution_key(mandate: Mandate) -> tuple:
    """UNEA 3/7 before 3/10 before 4/1; then anything without a number, by name."""
    number = mandate.resolution_number or ""
    parts = [int(p) for p in re.findall(r"\d+", number)[:2]]
    return (0, *parts) if len(parts) == 2 else (1, 0, 0, mandate.resolution)


def reading_order(mandate: Mandate) -> tuple:
    """Resolution, then paragraph, then a table's row: the order the document prints them in."""
    where = mandate.source
    return (resolution_key(mandate), mandate.resolution, paragraph_key(mandate.paragraph), where.row or 0, where.item or 0, mandate.id)


class AdoptionDates:
    """When each indexed resolution was adopted: the date its own document states (a UNEA
    resolution's registry record, a GA resolution's masthead); else, for a UNEA resolution (its own
    document indexed without a date, or not indexed at all: a mandate table's row on 3/7), the last
    day of the session that adopted it (extractors/data/unea_sessions.json), marked "session". A
    table's row never takes the report's date."""

    def __init__(self, documents: Iterable[Document]):
        self.by_resolution: dict[str, str] = {}
        self.source: dict[str, DateOrigin] = {}
        for document in documents:
            if document.symbol and document.date and document.symbol not in self.by_resolution:
                self.by_resolution[document.symbol] = document.date
                self.source[document.symbol] = document.date_source or "document"
        self._by_session: dict[str, str | None] = {}

    def _session_date(self, resolution: str) -> str | None:
        if resolution not in self._by_session:
            self._by_session[resolution] = session_adoption_date(unea_session_of(resolution))
        return self._by_session[resolution]

    def of(self, mandate: Mandate) -> str | None:
        return self.by_resolution.get(mandate.resolution) or self._session_date(mandate.resolution)

    def source_of(self, mandate: Mandate) -> DateOrigin | None:
        """document: the date its own document states; session: its session's last day; None: no date."""
        if mandate.resolution in self.by_resolution:
            return self.source[mandate.resolution]
        return "session" if self._session_date(mandate.resolution) else None

    def resolutions_in(self, years: Iterable[int], indexed: Iterable[str] = ()) -> list[str]:
        """The resolutions adopted in `years`: those with a dated document, and of `indexed` (the
        index's resolution facet) those dated by their UNEA session."""
        wanted = {str(y) for y in years}
        found = {r for r, d in self.by_resolution.items() if d[:4] in wanted}
        for resolution in indexed:
            if resolution not in self.by_resolution and (self._session_date(resolution) or "")[:4] in wanted:
                found.add(resolution)
        return sorted(found)


_DATES: dict[int, tuple[list[Document], AdoptionDates]] = {}


def adoption_dates(index: MandateIndex, documents: list[Document]) -> AdoptionDates:
    """AdoptionDates of `documents` (index.list_documents()), derived again only when the index
    hands back another list (the SQLite index keeps one per index generation): every search
    asks for these."""
    cached = _DATES.get(id(index))
    if cached is None or cached[0] is not documents:
        cached = _DATES[id(index)] = (documents, AdoptionDates(documents))
    return cached[1]


def undocs_link(symbol: str | None) -> str | None:
    """The official document on the UN's document system (works for UNEP/EA.* and A/RES/* symbols)."""
    if not symbol or not (symbol.startswith("UNEP/EA.") or symbol.startswith("A/")):
        return None
    return f"https://undocs.org/{symbol}"
