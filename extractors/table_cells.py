"""A mandate table's cell → its items: `✓`-style marks, <li> items, or list-marked lines; wrapped
lines joined (no space between Chinese characters)."""

from __future__ import annotations

import html
import re

from extractors.script import HAN

# Hand-written rather than an HTML parser: cells hold only list markup (<ul>, <li>, <p>) around
# plain text, and the bullets are marked by characters, not by tags, in the seed export.
_TAG = re.compile(r"<[^>]+>")
_LI = re.compile(r"<li\b[^>]*>", re.I)
_BULLET_MARK = re.compile(r"[✓✔☑•●▪◦■]")
_LINE_BULLET = re.compile(r"^\s*(?:[-–—*]|\(?[a-z]\)|\(?[ivx]+\)|\d+[.)])\s+", re.I | re.M)

_CJK = re.compile(f"[{HAN}]")
_CJK_WRAP = re.compile(
    rf"(?<=[{HAN}\u3000-\u303f\uff00-\uffef])[ \t]*\n\s*(?=[{HAN}\u3000-\u303f\uff00-\uffef])"
)



def split_bullets(cell: str, lines_are_items: bool = False) -> list[str]:
    """The items of one table cell: `✓`-style marks, <li> items, or list-marked lines.

    A cell with no list marks is one item: its inner line breaks are wrapping (PDF, text), unless
    `lines_are_items` says they separate paragraphs (a DOCX cell holds one paragraph per item).
    Text before the first mark is kept as an item of its own (see cell_items).
    """
    lead, items = cell_items(cell, lines_are_items)
    return [lead, *items] if lead else items


def cell_items(cell: str, lines_are_items: bool) -> tuple[str | None, list[str]]:
    """(unmarked text before the first list mark, the marked items). The unmarked lead of a
    cell continued after a page break is the end of the bullet the page cut off."""
    if not cell or not cell.strip():
        return None, []
    text = _LI.sub("\n✓ ", cell) if _LI.search(cell) else cell
    text = html.unescape(_TAG.sub(" ", text))
    lead: str | None = None
    if _BULLET_MARK.search(text):
        first, *items = _BULLET_MARK.split(text)
        lead = clean_cell(first) or None
    elif len(_LINE_BULLET.findall(text)) >= 2:
        first, *items = _LINE_BULLET.split(text)
        lead = clean_cell(first) or None
    elif lines_are_items:
        items = text.split("\n")
    else:  # one unmarked item: after a page break it may be the end of the bullet above
        return clean_cell(text) or None, []
    return lead, [t for t in (clean_cell(i) for i in items) if t]


def lines_are_items(fmt: str) -> bool:
    """Whether a line break inside a cell separates items: yes for DOCX (one paragraph per item)
    and text (a tab-separated row is one line, so only a reader's own list split puts one there);
    no for PDF, where it is where the line wrapped."""
    return fmt != "pdf"


def clean_cell(text: str) -> str:
    text = _CJK_WRAP.sub("", text)  # Chinese wraps a line without a space
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" ;；")


def join_cut(left: str, right: str) -> str:
    """Join a title cut by a page break: no space between Chinese characters."""
    if not left:
        return right
    if _CJK.match(left[-1]) or _CJK.match(right[:1]):
        return left + right
    return f"{left} {right}"


def strip_tags(text: str) -> str:
    """List markup (<ul>, <li>, <p>) around a cell's text, replaced by spaces."""
    return _TAG.sub(" ", text)


def has_bullet_mark(text: str) -> bool:
    return _BULLET_MARK.search(text) is not None
