"""Compatibility folding (Unicode NFKC) for search, with a map from the folded text back to the
original, so a match found in the folded form can be marked on the original characters.

NFKC makes full-width letters and digits (Ｐｌａｓｔｉｃ, ２０３０), full-width punctuation (，（）),
ligatures (ﬁ), squared units (㎏ → kg), CJK compatibility ideographs and the like compare equal to
their plain forms. Both the indexed text and the query go through `fold`, so either may use them.

The text is folded one *segment* at a time — a character plus the characters that may combine or
compose with it (combining marks, conjoining jamo, the few vowel signs that compose) — so that each
folded character comes from one known stretch of the original. For every text this module has
met, that equals unicodedata.normalize("NFKC", text); what matters is that index and query both use
it. NFKC can change lengths (ﬃ → ffi, ㎏ → kg, Ǆ+◌̌ …), which is why a map is kept rather than
offsets assumed equal.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

__all__ = ["FoldedText", "fold", "fold_with_map"]


def fold(text: str) -> str:
    """The searchable form of `text` (NFKC, segment by segment; see the module docstring)."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    return "".join(unicodedata.normalize("NFKC", segment) for _, segment in _segments(text))


@dataclass(frozen=True)
class FoldedText:
    """`text` = fold(original); `starts[j]`, `ends[j]`: the stretch of the original that folded
    character j came from (a whole segment, so a match never splits an original character)."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original's [start, end) holding folded characters [start, end) (end > start)."""
        return self.starts[start], self.ends[end - 1]


def fold_with_map(text: str) -> FoldedText:
    if unicodedata.is_normalized("NFKC", text):  # the common case: nothing moves
        offsets = tuple(range(len(text)))
        return FoldedText(text, text, offsets, tuple(i + 1 for i in offsets))
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, segment in _segments(text):
        folded = unicodedata.normalize("NFKC", segment)
        parts.append(folded)
        starts.extend([start] * len(folded))
        ends.extend([start + len(segment)] * len(folded))
    return FoldedText(text, "".join(parts), tuple(starts), tuple(ends))


def _segments(text: str) -> list[tuple[int, str]]:
    """(offset, segment) pairs: a new segment starts at every character that neither combines
    (canonical combining class > 0) nor composes under NFC with the segment so far (가 + ᆨ → 각,
    ᄀ + ᅡ + ᆨ → 각)."""
    out: list[tuple[int, str]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or not _joins(text[start:i], text[i]):
            out.append((start, text[start:i]))
            start = i
    return out


def _joins(segment: str, ch: str) -> bool:
    if unicodedata.combining(ch):
        return True
    if ch.isascii() and segment[-1].isascii():  # fast path: ASCII never composes
        return False
    # each side normalised alone first: a character NFC itself changes (Å, 豈) joins nothing
    nfc = unicodedata.normalize
    return nfc("NFC", segment + ch) != nfc("NFC", segment) + nfc("NFC", ch)
