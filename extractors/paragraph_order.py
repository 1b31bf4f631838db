"""The one paragraph-order key: browse, the resolution page and the plan sort paragraphs with it.

"7(a)(ix)" → ((0, 7), (0, 0), (0, 8)): each level by its index in its own numbering
(extractors.numbering), so (v) < (ix), (z) < (aa) < (bb) and (aa) after (z), never between (a) and (b).
A level may be written in Arabic-Indic digits ("٧"), Chinese numerals ("(一)", the Chinese edition's
(i)) or Arabic letters ("(أ)"). "9#2" (the second addressee of paragraph 9) sorts right after "9".
No paragraph (a table's bullet) sorts last.
"""

from __future__ import annotations

import re

from extractors.numbering import arabic_letter_index, letter_index, roman_index, zh_index

# a level: digits (any script: \d reads "٧"), Latin letters, Chinese numerals, or an Arabic letter (with "ـ")
_PART = re.compile(r"\d+|[a-z]+|[一二三四五六七八九十]+|[\u0621-\u064aـ]+", re.IGNORECASE)
_LAST = ((2, 0, ""),)  # no paragraph: after every numbered one


def _level(part: str, depth: int) -> tuple[int, int, str]:
    """(0, index, "") for a label read by its numbering; (1, 0, text) for one that is not (sorted by text, after)."""
    if part.isdigit():
        return (0, int(part), "")  # int() reads Arabic-Indic digits as well
    lowered = part.lower()
    # the third level is roman ("(iv)"); at the second, "(i)" is the letter after (h)
    readings = (roman_index, letter_index) if depth >= 2 else (letter_index, roman_index)
    for read in (*readings, zh_index, arabic_letter_index):
        index = read(lowered)
        if index is not None:
            return (0, index, "")
    return (1, 0, lowered)


def paragraph_key(paragraph: str | None) -> tuple:
    """A sort key for a paragraph number path: "7" < "7(a)" < "7(a)(v)" < "7(a)(ix)" < "7(z)" < "7(aa)" < "8" < None."""
    if not paragraph or not paragraph.strip():
        return (_LAST, 0)
    path, _, addressee = paragraph.partition("#")
    parts = tuple(_level(p, depth) for depth, p in enumerate(_PART.findall(path)))
    return (parts or _LAST, int(addressee) if addressee.isdigit() else 0)
