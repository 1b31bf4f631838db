"""Mandate tables: a table whose header names who acts, whose rows name the resolution.

The seed's Annex II (UNEP/EA.4/3) is the model case, but nothing here depends on its position
or language: a table is a mandate table when one header cell names the resolution column
("联合国环境大会决议", "UNEA resolution") and at least one other header cell names an actor
("环境署…承担的任务", "Tasks for UNEP", "会员国…", "Member States…"). Then
- section rows ("行动领域 1（知识）的相关任务", "Tasks related to action area 1 (Knowledge)")
  give the action area of the rows below them;
- the resolution cell gives number ("3/4"), symbol (UNEP/EA.3/Res.4) and title;
- each bullet of an actor column is one mandate for that column's actor.
Rows split across page breaks (the header repeated, then either the rest of the resolution's
title or an empty resolution cell) are joined so every bullet keeps its resolution.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from extractors.addressees import addressees_in
from extractors.language import detect_language
from extractors.mandate_terms import conditions_in, deadline_in, with_partners
from extractors.raw import RawDocument, RawTable
from extractors.schema import (
    Document,
    LabelOrigin,
    Mandate,
    SkippedItem,
    Source,
    mandate_id,
)
from extractors.script import han_count, has_han
from extractors.table_cells import (
    cell_items,
    clean_cell,
    join_cut,
    lines_are_items,
    strip_tags,
)
from extractors.table_header import (
    TableResolution,
    actor_labels,
    header_of,
    parse_resolution_cell,
    section_area,
)

# --- Partners, conditions, deadlines in the bullet text ---------------------------------

# The rules are extractors.mandates' (shared with paragraph mandates); a table bullet adds a few
# words of its own. The seed's colours (purple / yellow = "with partners") are lost in the text
# export, so with_partners is read off the bullet's own words: besides "与…合作" and "in
# cooperation with", a bullet about partnerships ("伙伴关系", "合作开展") is a task with partners.
_TABLE_PARTNERS = re.compile(r"合作开展|协作开展|伙伴|\bpartners?\b|\bpartnerships?\b", re.I)
# "（但不迟于2019年）": a limit the shared deadline rules do not cover yet.
_TABLE_DEADLINE = re.compile(r"不迟于\s*\d{4}\s*年(?:年底|底)?")

@dataclass
class _Bullet:
    text: str
    resolution: TableResolution
    area: str | None
    actor: str
    actor_text: str
    page: int | None
    where: str
    row: int | None = None
    item: int | None = None
    section: str | None = None
    annex: str | None = None


@dataclass
class TableExtraction:
    """What the mandate tables of one document gave: mandates, and what was left out and why."""

    mandates: list[Mandate] = field(default_factory=list)
    skipped: list[SkippedItem] = field(default_factory=list)
    tables: int = 0  # how many of the document's tables were mandate tables


# --- Public API --------------------------------------------------------------------------


def mandates_from_tables(raw: RawDocument, document: Document) -> list[Mandate]:
    """Every bullet of every mandate table in the document, one mandate each."""
    return extract_table_mandates(raw, document).mandates


def extract_table_mandates(raw: RawDocument, document: Document) -> TableExtraction:
    """Mandate-table bullets as mandates, with the items seen but not used (and why)."""
    result = TableExtraction()
    bullets: list[_Bullet] = []
    state: _TableState | None = None
    previous: RawTable | None = None
    for index, table in enumerate(raw.tables):
        continues = state is not None and previous is not None and _continues(previous, table, state)
        if not continues:
            state = None
        first = len(bullets)
        state, found = _read_table(table, index, state, bullets, result.skipped, lines_are_items(raw.format))
        annex = annex_before(raw, table.position)
        for bullet in bullets[first:]:
            bullet.annex = annex
        if found:
            result.tables += 1
        previous = table
    _number_items(bullets)
    result.mandates = [_to_mandate(b, document) for b in bullets]
    _dedupe_ids(result.mandates, document)
    return result


def seed_path() -> Path:
    """The seed document (UNEP/EA.4/3, Chinese) in the bundled corpus."""
    return Path(__file__).resolve().parents[1] / "corpus" / "bundled" / "UNEP_EA.4_3.zh.txt"


def load_seed_annex_mandates() -> list[Mandate]:
    """The seed's Annex II as labelled mandates (action area and actor stated by the document).

    A thin wrapper for training data: extractors.formats.read_path, then mandates_from_tables.
    """
    from extractors.formats import read_path  # lazily: readers load the PDF/DOCX libraries

    path = seed_path()
    raw = read_path(path)
    document = Document(
        id=raw.id,
        symbol="UNEP/EA.4/3",
        language="zh",
        title="迈向零污染地球的实施计划",
        session=4,
        source_file=path.name,
        format=raw.format,
    )
    return mandates_from_tables(raw, document)


# --- Reading one table -------------------------------------------------------------------


@dataclass
class _TableState:
    resolution_col: int
    actor_cols: dict[int, tuple[str, str]]  # column → (actor label, actor words as written)
    width: int
    area: str | None = None
    current: TableResolution | None = None
    after_header: bool = True
    last: dict[int, _Bullet] = field(default_factory=dict)  # last bullet of each column
    row: int = 0  # data rows read so far (a row a page break split counts once)
    section: str | None = None


def _read_table(
    table: RawTable,
    index: int,
    state: _TableState | None,
    bullets: list[_Bullet],
    skipped: list[SkippedItem],
    lines_are_items: bool,
) -> tuple[_TableState | None, bool]:
    found = state is not None
    if state is not None:
        state.after_header = True  # a new page of the same table, its header not repeated
    for r, given_row in enumerate(table.rows):
        raw_row = [c or "" for c in given_row]  # PDF table finders give None for empty cells
        row = [clean_cell(html.unescape(strip_tags(c))) for c in raw_row]
        header = header_of(row)
        if header is not None:
            resolution_col, actor_cols = header
            if state is None:
                state = _TableState(resolution_col, actor_cols, len(row))
            elif (resolution_col, actor_labels(actor_cols)) == (state.resolution_col, actor_labels(state.actor_cols)):
                state.after_header = True  # the header repeated after a page break: same running state
            else:  # another mandate table: its own columns, nothing carried over
                state = _TableState(resolution_col, actor_cols, len(row))
            found = True
            continue
        if state is None:
            continue
        where = f"table {index + 1}, row {r + 1}"
        area = section_area(row, raw_row)
        if area is not None:
            state.area, state.last, state.section = area, {}, next(c for c in row if c)
            continue
        cells = {c: raw_row[c] if c < len(raw_row) else "" for c in state.actor_cols}
        items = {c: cell_items(cell, lines_are_items) for c, cell in cells.items()}
        res_cell = row[state.resolution_col] if state.resolution_col < len(row) else ""
        # an empty resolution cell continues the resolution above (a cell split by a page break)
        continues = not res_cell
        if res_cell:
            ref = parse_resolution_cell(res_cell)
            if ref is not None:
                state.current = ref
                state.last = {}
            elif state.current is not None and (state.current.number is not None or state.after_header):
                # In a numbered table a first cell without a number can only be the rest of the
                # title that a page break cut off ("3/9: 消除接触含铅涂料和" + "促进废铅酸电池…").
                state.current.title = join_cut(state.current.title or "", res_cell)
                continues = True
            else:
                state.current = TableResolution(None, None, None, res_cell)
                state.last = {}
        after_break, state.after_header = state.after_header, False
        if not any(lead or texts for lead, texts in items.values()):
            continue
        if state.current is None:
            skipped.append(SkippedItem(where=where, reason="table bullets with no resolution above them"))
            continue
        split_row = continues and after_break and bool(state.last)
        if not split_row:
            state.row += 1
        for c, (lead, texts) in items.items():
            actor, actor_text = state.actor_cols[c]
            cut = state.last.get(c)
            if lead and continues and after_break and cut is not None:
                # the rest of a bullet that the page break cut off: no mark of its own
                cut.text = join_cut(cut.text, lead)
                lead = None
            for text in [lead, *texts] if lead else texts:
                bullet = _Bullet(text, state.current, state.area, actor, actor_text, table.page, where, state.row,
                                 section=state.section)
                bullets.append(bullet)
                state.last[c] = bullet
    return state, found


_ANNEX = re.compile(r"^\s*(?:附件\s*(?P<zh>[一二三四五六七八九十]+)|annex\s+(?P<roman>[IVXL]+))\s*$", re.I)
_ZH_ROMAN = {"一": "I", "二": "II", "三": "III", "四": "IV", "五": "V", "六": "VI", "七": "VII", "八": "VIII",
             "九": "IX", "十": "X"}  # fmt: skip


def annex_before(raw: RawDocument, position: int) -> str | None:
    """The annex a table is printed in: the last `附件二` / `Annex II` heading before it, as a roman numeral."""
    for block in reversed(raw.blocks[: max(0, position)]):
        m = _ANNEX.match(block.text)
        if m:
            return (m.group("roman") or "").upper() or _ZH_ROMAN.get(m.group("zh") or "")
    return None


def _number_items(bullets: list[_Bullet]) -> None:
    """A row holding several bullets numbers them (item 1, 2, …) so each has its own citation."""
    by_row: dict[tuple[str | None, int | None], list[_Bullet]] = {}
    for bullet in bullets:
        by_row.setdefault((bullet.annex, bullet.row), []).append(bullet)
    for same_row in by_row.values():
        if len(same_row) > 1:
            for n, bullet in enumerate(same_row, start=1):
                bullet.item = n


def _continues(previous: RawTable, table: RawTable, state: _TableState) -> bool:
    """A table goes on from the previous mandate table when it repeats its header, or has its
    width and follows it with at most one paragraph between (a page break's running text)."""
    first = next((row for row in table.rows if any((c or "").strip() for c in row)), None)
    if first is None:
        return True
    if header_of([clean_cell(strip_tags(c or "")) for c in first]) is not None:
        return True
    return len(first) == state.width and table.position - previous.position <= 1


# --- Bullet → Mandate --------------------------------------------------------------------


def _to_mandate(b: _Bullet, document: Document) -> Mandate:
    res = b.resolution
    area_source: LabelOrigin | None = "document" if b.area else None
    # Locator without table or row numbers so the id survives a different page split.
    locator = f"table:{b.area}:{b.actor}"
    return Mandate(
        id=mandate_id(document.id, res.key, locator, b.text),
        document=document.id,
        resolution=res.key,
        resolution_number=res.number,
        resolution_title=res.title,
        session=res.session,
        paragraph=None,
        language=_language(b.text, document.language),
        text=b.text,
        verb=None,
        actor_text=b.actor_text,
        actor=b.actor,  # type: ignore[arg-type]  # one of ACTORS by construction
        actor_source="document",
        # the column's words named from the gazetteer ("环境署" → UNEP); the column's actor stays as stated
        actor_entity=_column_entity(b.actor_text, b.actor),
        with_partners=with_partners(b.text) or bool(_TABLE_PARTNERS.search(b.text)),
        conditions=conditions_in(b.text),
        deadline=_deadline(b.text),
        action_area=b.area,  # type: ignore[arg-type]  # one of ACTION_AREAS by construction
        action_area_source=area_source,
        source=Source(
            kind="table", page=b.page, document_symbol=document.symbol, annex=b.annex, row=b.row, item=b.item,
            section=b.section,
        ),
    )


def _deadline(text: str) -> str | None:
    found = deadline_in(text)
    if found is None and (m := _TABLE_DEADLINE.search(text)):
        found = m.group(0)
    return found


def _dedupe_ids(mandates: list[Mandate], document: Document) -> None:
    """The same bullet twice under one resolution, area and actor: number the repeats."""
    seen: dict[str, int] = {}
    for m in mandates:
        n = seen.get(m.id, 0)
        seen[m.id] = n + 1
        if n:
            m.id = mandate_id(document.id, m.resolution, f"table:{m.action_area}:{m.actor}:{n}", m.text)


def _language(text: str, fallback: str) -> str:
    cjk = han_count(text)
    letters = sum(ch.isalpha() for ch in text)
    if letters and cjk / letters > 0.3:
        return "zh"
    found = detect_language(text)
    return found if found != "und" else fallback


def _column_entity(words: str, actor: str) -> str | None:
    named = addressees_in(words, "zh" if has_han(words) else "en")
    return named[0].name if named and named[0].actor == actor else None
