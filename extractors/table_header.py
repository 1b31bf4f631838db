"""What a mandate table's header and section rows say: which column names the resolution, which
columns name an actor (and who), which rows open an action area, and what a resolution cell holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.symbols import parse_symbol, parse_unea_number
from extractors.table_cells import clean_cell, has_bullet_mark

# A header cell naming the resolution column.
_RESOLUTION_HEADER = re.compile(r"决议|resolution", re.I)
_HEADER_LABEL_MAX = 60

# Actor words of a column header; the earliest one in the cell names the column's actor
# ("会员国单独…以及与合作伙伴共同…" is the Member States column, partners are secondary).
_ACTOR_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "unep",
        re.compile(
            r"环境署|联合国环境规划署|执行主任|\bUNEP\b|\bUN\s+Environment\b|"
            r"United\s+Nations\s+Environment\s+Programme|Executive\s+Director",
            re.I,
        ),
    ),
    ("member_states", re.compile(r"会员国|成员国|各国政府|Member\s+States|\bGovernments\b", re.I)),
    ("un_system", re.compile(r"联合国系统|\bUN\s+system\b|United\s+Nations\s+system", re.I)),
    ("stakeholders", re.compile(r"利益攸关方|\bstakeholders\b", re.I)),
    ("intergovernmental", re.compile(r"政府间机构|\bintergovernmental\s+bodies\b", re.I)),
)

# Section rows: the words "action area" plus the area's name.
_SECTION_MARK = re.compile(r"行动领域|action\s+area", re.I)
_AREA_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("knowledge", re.compile(r"知识|knowledge", re.I)),
    ("implementation", re.compile(r"实施|implementation", re.I)),
    ("infrastructure", re.compile(r"基础设施|infrastructure", re.I)),
    ("awareness", re.compile(r"提高认识|认识|awareness", re.I)),
    ("leadership", re.compile(r"领导能力|领导|leadership", re.I)),
)

# The resolution cell: "3/4: 环境与健康", "3/8：…" (full-width colon), "Resolution 2/11. Marine…",
# or a symbol "UNEP/EA.2/Res.11 Marine…".
_RESOLUTION_CELL = re.compile(
    r"^\s*(?:(?:UNEA\s+)?resolution\s+|决议\s*|第\s*)?"
    r"(?P<ref>UNEP/EA\.\d+/Res\.\d+|\d{1,2}/\d{1,3})\s*(?:号决议)?\s*[:：.．、]?\s*(?P<title>.*)$",
    re.I | re.S,
)


@dataclass
class TableResolution:
    """One occurrence of a resolution cell; its title may grow when a page break split it."""

    number: str | None
    symbol: str | None
    session: int | None
    title: str | None

    @property
    def key(self) -> str:
        return self.symbol or self.number or (self.title or "unknown")



def header_of(row: list[str]) -> tuple[int, dict[int, tuple[str, str]]] | None:
    """(resolution column, {column: (actor, actor words)}) if the row is a mandate-table header."""
    if sum(1 for c in row if c) < 2 or any(has_bullet_mark(c) or _RESOLUTION_CELL.match(c) for c in row):
        return None  # a row with bullets or a resolution number is data
    # the resolution column's header is a short label, not a task that mentions a resolution
    resolution_col = next(
        (i for i, c in enumerate(row) if c and len(c) <= _HEADER_LABEL_MAX and _RESOLUTION_HEADER.search(c)),
        None,
    )
    if resolution_col is None:
        return None
    actor_cols: dict[int, tuple[str, str]] = {}
    for i, cell in enumerate(row):
        if i == resolution_col or not cell:
            continue
        hits = [(m.start(), actor, m.group(0)) for actor, rx in _ACTOR_WORDS if (m := rx.search(cell))]
        if hits:
            _, actor, words = min(hits)
            actor_cols[i] = (actor, words)
    return (resolution_col, actor_cols) if actor_cols else None


def actor_labels(actor_cols: dict[int, tuple[str, str]]) -> dict[int, str]:
    return {col: actor for col, (actor, _) in actor_cols.items()}


def section_area(row: list[str], raw_row: list[str]) -> str | None:
    filled = {c for c in row if c}
    if len(filled) != 1 or any(has_bullet_mark(c) for c in raw_row):
        return None  # merged cells repeat one text (DOCX); a section row holds nothing else
    text = filled.pop()
    if not _SECTION_MARK.search(text) or len(text) > 80:
        return None
    hits = [(m.start(), area) for area, rx in _AREA_WORDS if (m := rx.search(text))]
    return min(hits)[1] if hits else None


def parse_resolution_cell(text: str) -> TableResolution | None:
    m = _RESOLUTION_CELL.match(text)
    if not m:
        return None
    ref = parse_symbol(m.group("ref")) or parse_unea_number(m.group("ref"))
    if ref is None:
        return None
    title = clean_cell(m.group("title")) or None
    return TableResolution(ref.number, ref.symbol, ref.session, title)
