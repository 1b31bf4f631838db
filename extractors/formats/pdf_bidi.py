"""Right-to-left (Arabic) text on a PDF page: which characters run right to left, each line back in
reading order (the Unicode bidi algorithm, python-bidi), and which way the document sets its Arabic
paragraphs. pypdfium2 gives characters in its own logical order; the reader keeps words as the page
shows them (left to right) and reads each Arabic line here.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import TYPE_CHECKING

from bidi.algorithm import get_display

if TYPE_CHECKING:
    from extractors.formats.pdf_layout import Page


def is_rtl(ch: str) -> bool:
    """A right-to-left letter (Arabic, Hebrew) or a combining mark (which goes with its letter).
    Arabic-Indic digits are not: numbers run left to right inside right-to-left text."""
    return unicodedata.bidirectional(ch) in ("R", "AL", "NSM")


def mostly_rtl(words: list[dict]) -> bool:
    """More right-to-left letters than left-to-right ones in these words."""
    rtl = ltr = 0
    for w in words:
        for ch in w["text"]:
            kind = unicodedata.bidirectional(ch)
            rtl += kind in ("R", "AL")
            ltr += kind == "L"
    return rtl > ltr


# In an Arabic paragraph set left to right, what stands outside its Arabic text: a paragraph number
# in Western digits before it ("2 - تسلم", shown at the left) and the closing stop after it (at the right)
_LEFT_LABEL = re.compile(r"^(\d{1,3}\s?[-–])\s+")
_RIGHT_STOP = re.compile(r"\s*([.:;,!?،]+)$")


def reading_order(visual: str, rtl: bool) -> str:
    """An Arabic line as the page shows it (left to right) → the order it is read in, by the Unicode
    bidi algorithm (python-bidi, with mirroring: a "(" shown in Arabic text is a ")" read).

    A line is read as right-to-left text also in a paragraph set left to right: its Arabic runs on to
    the next line, so a comma or bracket at its edge belongs to the Arabic words beside it (read left
    to right it would move to the line's other end). Only that paragraph's number and closing stop
    stand outside the Arabic text, at its left and right."""
    if rtl:
        return get_display(visual, base_dir="R")
    label, stop = _LEFT_LABEL.match(visual), _RIGHT_STOP.search(visual)
    head = label.group(1) + " " if label else ""
    tail = stop.group(1) if stop else ""
    middle = visual[label.end() if label else 0 : stop.start() if stop else len(visual)]
    return head + get_display(middle, base_dir="R") + tail


def settle_rtl_flow(pages: list[Page]) -> None:
    """Arabic lines are set right to left in UN documents (flush right, ragged or justified), but a
    draft typed without that setting runs them left to right (flush left): which side the column's
    Arabic lines keep flush says which, and so where a line starts and how its bidi text is read."""
    lines = [ln for page in pages for ln in page.lines if ln.zone == "body" and ln.rtl_script]
    if not lines:
        return
    left = Counter(round(ln.x0) for ln in lines).most_common(1)[0][0]
    right = Counter(round(ln.x1) for ln in lines).most_common(1)[0][0]
    flush_left = flush_right = 0
    for ln in lines:
        at_left, at_right = abs(ln.x0 - left) <= 0.5 * ln.size, abs(ln.x1 - right) <= 0.5 * ln.size
        flush_left += at_left and not at_right
        flush_right += at_right and not at_left
    flow = "ltr" if flush_left > flush_right else "rtl"
    for ln in lines:
        ln.flow = flow
        ln.finish()
