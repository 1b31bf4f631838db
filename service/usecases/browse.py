"""Reading a resolution as a legal officer does: a symbol typed as the query, mandates in paragraph
order, the date a resolution was adopted, filters by year.

Everything here goes through the MandateIndex protocol (facets, list_documents), so it works the
same on every backend.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractors.schema import Document, Mandate
from extractors.symbols import parse_symbol, parse_unea_number
from index.base import MandateIndex, SearchQuery

# A query that is nothing but a resolution symbol or number: UNEP/EA.4/Res.6, 4/6, A/RES/79/211
_SYMBOL_QUERY = re.compile(r"(?:UNEP/EA\.\d+/Res\.\d+|A/RES/\d+/\d+|\d{1,2}/\d{1,3})", re.I)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
          "xi": 11, "xii": 12, "xiii": 13, "xiv": 14, "xv": 15}  # fmt: skip
_PATH_PART = re.compile(r"\d+|[a-z]+", re.I)


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


def paragraph_key(paragraph: str | None) -> tuple:
    """`7(a)(ii)` → (7, 1, 2): numbers, letters and roman numerals in reading order; None last."""
    if not paragraph:
        return ((1, 0),)
    key = []
    for depth, part in enumerate(_PATH_PART.findall(paragraph)):
        lowered = part.lower()
        if part.isdigit():
            key.append((0, int(part)))
        elif depth >= 2 and lowered in _ROMAN:
            key.append((0, _ROMAN[lowered]))
        else:
            key.append((0, sum((ord(c) - 96) * 27**i for i, c in enumerate(reversed(lowered)))))
    return tuple(key)


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
    resolution's registry record, a GA resolution's masthead). A mandate table's row on a
    resolution whose own document is not indexed has no adoption date (never the report's date)."""

    def __init__(self, documents: Iterable[Document]):
        self.by_resolution: dict[str, str] = {}
        for document in documents:
            if document.symbol and document.date:
                self.by_resolution.setdefault(document.symbol, document.date)

    def of(self, mandate: Mandate) -> str | None:
        return self.by_resolution.get(mandate.resolution)

    def resolutions_in(self, years: Iterable[int]) -> list[str]:
        wanted = {str(y) for y in years}
        return sorted(r for r, d in self.by_resolution.items() if d[:4] in wanted)


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
