"""The span of a mandate that says what it asks: what the classifier embeds (n-grams and cues read the whole).

- A sub-item's own words: "Requests the Executive Director …, to: (c) develop guidelines …" → "(c) develop
  guidelines …". The chapeau is shared by every sibling, so embedding it pulls them all to one area.
- The main act: the first instruction, without a purpose clause ("… in order to …", "以便…") or a second,
  report-back instruction ("… and to report to the Assembly …"). The phrases are language data
  (extractors/lang/<code>/spans.json).

Read off the text alone (no paragraph number), so a training row, a draft and an indexed mandate get the same
span for the same text.
"""

from __future__ import annotations

import re
from functools import cache

from extractors import lang
from extractors.script import has_han

SPAN_MODES = ("", "sub_item", "act")  # "": the whole text; "act": the sub-item's own words, then its main act
# A marker that opens a sub-item right after a colon (the chapeau's end): "…to: (c) ", "…：(a)", "…: (ii) "
_SUB_ITEM = re.compile(r"[:：]\s*([(（](?:[a-z]{1,2}|[ivxl]{1,6}|\d{1,2})[)）])\s*", re.IGNORECASE)
MIN_HEAD = 30  # characters a cut must leave (lead verb, addressee and some object), else no cut
MIN_HEAD_HAN = 10  # the same in Chinese, where a character carries about a word


def sub_item_words(text: str) -> str:
    """From the last sub-item marker that follows a colon on; the whole text when there is none."""
    last = None
    for last in _SUB_ITEM.finditer(text):  # noqa: B007 (the last match is the one kept)
        pass
    return text[last.start(1):] if last is not None and last.start(1) >= MIN_HEAD // 2 else text


@cache
def _act_enders() -> tuple[str, ...]:
    phrases: list[str] = []
    for code in lang.languages():
        data = lang.spans(code)
        phrases.extend(data.get("purpose", []) + data.get("report_back", []))
    return tuple(dict.fromkeys(phrases))


def main_act(text: str) -> str:
    """The text up to the earliest purpose or report-back phrase that leaves at least MIN_HEAD characters
    (MIN_HEAD_HAN in Chinese)."""
    cut = len(text)
    least = MIN_HEAD_HAN if has_han(text[:20]) else MIN_HEAD
    for phrase in _act_enders():
        at = text.find(phrase, least)
        if 0 <= at < cut:
            cut = at
    return text[:cut].rstrip(" ,，;；") if cut < len(text) else text


def act_span(text: str, mode: str = "act") -> str:
    """The span the classifier embeds under `mode` (one of SPAN_MODES)."""
    if mode not in SPAN_MODES:
        raise ValueError(f"span mode {mode!r}; expected one of {SPAN_MODES}")
    if not mode:
        return text
    words = sub_item_words(text)
    return main_act(words) if mode == "act" else words
