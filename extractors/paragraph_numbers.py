"""Operative paragraph numbers (`7`, `7(a)`, `7(a)(i)`): labels split off a paragraph's text, and
the path of each paragraph read where printed or rebuilt where an export stripped it.

A lead ending ":" opens a list; "(a)" under a paragraph, "(i)" under a letter or a Chinese "(一)";
a list closes at a sentence end after its penultimate item ("…; and").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from extractors import lang
from extractors.numbering import letter_index, letter_label, roman_index, roman_label, zh_index
from extractors.operative_leads import is_operative_lead
from extractors.script import HAN

# "7." / "7.\t" / "22\t" / "７．" / "(a)" / "（a）" / "a)" / "(i)" / "(一)"
_BULLET = r"^\s*(?:[-–•·✓▪]\s*)?"
_NUMBER_PREFIX = re.compile(_BULLET + r"(\d{1,3})(?:[.．](?!\d)\s*|\t+\s*)")
# any letter may follow: "8 Insta a …", "8 призывает …" (Russian leads open in lower case)
_BARE_NUMBER_PREFIX = re.compile(_BULLET + r"(\d{1,3})\s+(?=[^\W\d_]|[" + HAN + "])")
# Arabic editions: "٤ - تطلب …", "51 - …", "29- …" (Arabic-Indic or Western digits, a dash before the text)
_ARABIC_NUMBER_PREFIX = re.compile(_BULLET + r"(\d{1,3})\s*[-–]\s*(?=[\u0600-\u06ff])")
_BRACKET_PREFIX = re.compile(_BULLET + r"[(（]\s*([a-z]{1,3}|[ivxlc]{1,6}|[一二三四五六七八九十]{1,3})\s*[)）]\s*")


@dataclass(frozen=True)
class Label:
    kind: str  # "number" | "bracket" ((a) or (i)) | "roman" (known roman: Chinese (一))
    value: str


def split_label(text: str) -> tuple[Label | None, str]:
    """Printed label at the start of a paragraph, and the text after it."""
    m = _NUMBER_PREFIX.match(text) or _ARABIC_NUMBER_PREFIX.match(text)
    if m:  # int() reads Arabic-Indic digits too: "٤" → "4"
        return Label("number", str(int(m.group(1)))), text[m.end():].strip()
    # "22 Invites States …", "8 Insta a …": a number whose dot was lost, before an operative verb (not
    # "21 December"); the lead may be in any language (the label is read before the document's language is used)
    m = _BARE_NUMBER_PREFIX.match(text)
    if m and any(is_operative_lead(text[m.end():], language=code) for code in lang.languages()):
        return Label("number", m.group(1)), text[m.end():].strip()
    m = _BRACKET_PREFIX.match(text)
    if m:
        value = m.group(1)
        if zh_index(value) is not None:  # (一) is the Chinese edition's (i)
            return Label("roman", roman_label(zh_index(value) or 0)), text[m.end():].strip()
        return Label("bracket", value), text[m.end():].strip()
    return None, text.strip()


def render_path(path: Sequence[str]) -> str:
    """("7", "a", "i") → "7(a)(i)"."""
    return path[0] + "".join(f"({p})" for p in path[1:]) if path else ""


_CLOSES_LIST = re.compile(r"[.。]\s*[”\"’)]?\s*$")
_PENULTIMATE = re.compile(r"[;；,，]\s*(?:and|or|以及|和|及)\s*$")
_OPENS_LIST = re.compile(r"[:：]\s*$")


@dataclass
class _Level:
    style: str  # "letter" | "roman"
    count: int = 0  # items seen at this level
    last_item: bool = False  # the previous item ended "; and": the next one closes the list
    close_after_children: bool = False


# First-person paragraphs of a declaration ("We will …", "我们将…")
FIRST_PERSON = re.compile(r"^\s*(?:We|我们)\b")


class OperativeNumberer:
    """Assigns number paths to a resolution's operative items, one at a time, in order.

    Printed labels win; where they are missing (registry export) they are rebuilt from the text:
    a new paragraph is an item whose `is_new_paragraph(text)` is true (a 3rd-person operative verb),
    items after a lead ending ":" are subparagraphs, a lead inside a subparagraph opens a roman level,
    and a list closes after its last item ("; and" marks the one before last; "." ends the paragraph).
    """

    def __init__(self, is_new_paragraph: Callable[[str], bool]):
        self._is_new_paragraph = is_new_paragraph
        self.number = 0
        self.levels: list[_Level] = []
        self.path: list[str] = []
        self._open_pending = False  # last item ended ":" → next item goes one level down

    def _start_paragraph(self, number: int) -> list[str]:
        self.number = number
        self.levels = []
        self.path = [str(number)]
        return self.path

    def _child_style(self, label: Label | None) -> str:
        return "letter" if not self.levels else "roman"

    def _pop(self) -> None:
        """Close the innermost list, and each parent list whose last item it was."""
        self.levels.pop()
        self.path.pop()
        while self.levels and self.levels[-1].close_after_children:
            self.levels.pop()
            self.path.pop()

    def add(self, text: str) -> tuple[str, str]:
        """Number path of the next item (e.g. "7(a)"), and its text without the printed label."""
        label, body = split_label(text)
        if label and label.kind == "number":
            path = self._start_paragraph(int(label.value))
        elif label and label.kind in ("bracket", "roman"):
            path = self._place_bracket(label)
        elif self.levels and self._open_pending is False and self._is_new_paragraph(body):
            path = self._start_paragraph(self.number + 1)
        elif self._open_pending and FIRST_PERSON.match(body) and body.rstrip().endswith(".") \
                and self._is_new_paragraph(body):
            # a declaration's "… to take the following actions:" is followed by whole paragraphs ("We will …."),
            # numbered on, not list items
            path = self._start_paragraph(self.number + 1)
        elif self._open_pending or self.levels:
            path = self._place_unlabelled()
        else:
            path = self._start_paragraph(self.number + 1)
        number = render_path(path)
        self._after(body)
        return number, body

    def _place_bracket(self, label: Label) -> list[str]:
        value = label.value
        if not self.number:
            self._start_paragraph(1)
        if self._open_pending:
            # a lead ended ":" → its first child: (a) under a paragraph, (i) under a letter or (一)
            style = "roman" if self.levels or label.kind == "roman" else "letter"
            if _label_for(style, 0) == value:
                return self._push(style, 0, value)
        # which open level does this label continue? letter "(i)" after "(h)" vs roman "(i)"
        for depth in range(len(self.levels) - 1, -1, -1):
            level = self.levels[depth]
            if _label_for(level.style, level.count) == value and (label.kind != "roman" or level.style == "roman"):
                del self.levels[depth + 1:]
                del self.path[depth + 2:]
                level.count += 1
                level.last_item = False
                self.path[depth + 1] = value
                self._open_pending = False
                return self.path
        # a label we did not expect (a skipped item, a typo): start or re-sync a level of its style
        if label.kind == "roman" or (value == "i" and self.levels):
            style = "roman"
        elif letter_index(value) is not None:
            style = "letter"
        else:
            style = "roman"
        for depth, level in enumerate(self.levels):
            if level.style == style:
                del self.levels[depth:]
                del self.path[depth + 1:]
                break
        index = _index_for(style, value)
        return self._push(style, index or 0, value)

    def _push(self, style: str, index: int, value: str) -> list[str]:
        self.levels.append(_Level(style, count=index + 1))
        self.path.append(value)
        self._open_pending = False
        return self.path

    def _place_unlabelled(self) -> list[str]:
        if not self.path:
            self._start_paragraph(1)
        if self._open_pending:
            style = self._child_style(None)
            self.levels.append(_Level(style))
            self.path.append("")
            self._open_pending = False
        level = self.levels[-1]
        value = _label_for(level.style, level.count)
        level.count += 1
        self.path[-1] = value
        return self.path

    def _after(self, body: str) -> None:
        """Update list state from how the item ends."""
        if _OPENS_LIST.search(body):
            if self.levels and self.levels[-1].last_item:
                self.levels[-1].close_after_children = True
            self._open_pending = True
            return
        self._open_pending = False
        if not self.levels:
            return
        if _CLOSES_LIST.search(body):
            # a full stop ends the whole paragraph's lists
            self.levels.clear()
            del self.path[1:]
            return
        level = self.levels[-1]
        if level.last_item:
            self._pop()
        elif _PENULTIMATE.search(body):
            level.last_item = True


def _label_for(style: str, index: int) -> str:
    return letter_label(index) if style == "letter" else roman_label(index)


def _index_for(style: str, value: str) -> int | None:
    return letter_index(value) if style == "letter" else roman_index(value)
