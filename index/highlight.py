"""Highlights on the ORIGINAL mandate text, for both backends.

The engines search an NFKC-folded copy of the text (extractors.nfkc: Ｐｌａｓｔｉｃ → Plastic,
㎏ → kg), so what their highlighters mark is the folded copy, whose offsets may differ from the
original's. `mark_from_engine` reads the engine's marks (sentinel characters around matches),
maps them back through the fold's offset map and marks the same characters of the original;
`mark_original` finds the wanted terms itself (used for Chinese text, whose FTS column is
segmented). Either way the answer is the original text, HTML-escaped, with <mark>…</mark> around
the matched original characters: unmarking and unescaping it gives the stored text back exactly.
"""

from __future__ import annotations

import html
import re

from extractors.nfkc import FoldedText, fold, fold_with_map
from index.fields import HAN, has_indexed_han, squeeze_han_spaces
from index.query import Phrase, Term

MARK_OPEN, MARK_CLOSE = "\x02", "\x03"  # what the engines put around matches (never in HTML)
# a Latin word starts where no other Latin letter/digit precedes it and its ending stops at Han
# (采用PCB替代品 holds the word PCB)
_WORD_START = f"(?<![^\\W{HAN}])"
_WORD_ENDING = f"[^\\W{HAN}]*"


def mark_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """HTML-escaped `text` with <mark> around the given [start, end) spans (merged if they overlap)."""
    merged: list[list[int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out.append(html.escape(text[last:start]) + "<mark>" + html.escape(text[start:end]) + "</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def _to_original(folded: FoldedText, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [folded.original_span(start, end) for start, end in spans if end > start]


def mark_original(text: str, leaves: list[Term | Phrase]) -> str:
    """HTML-escaped `text` with each occurrence of the wanted terms wrapped in <mark>.

    The terms are looked for in the folded text (so ＰＣＢ in the text matches the query PCB) and
    the matches marked on the original characters: Han terms as substrings, other words at word
    starts with any ending (prefix* and the stemmed forms the engine matched: monitor →
    monitoring).
    """
    folded = fold_with_map(text)
    spans: list[tuple[int, int]] = []
    for leaf in leaves:
        needle = fold(leaf.text)
        if isinstance(leaf, Phrase):
            needle = squeeze_han_spaces(needle)
        if has_indexed_han(needle):
            pattern = re.escape(needle)
        else:
            words = [re.escape(w) for w in re.findall(r"\w+", needle)]
            if not words:
                continue
            pattern = _WORD_START + r"\W+".join(words) + _WORD_ENDING
        spans.extend(m.span() for m in re.finditer(pattern, folded.text, flags=re.IGNORECASE))
    return mark_spans(text, _to_original(folded, spans))


def _sentinel_spans(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """The engine's highlight without its sentinels, and the [start, end) spans they enclosed."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    length, start = 0, None
    for piece in re.split(f"([{MARK_OPEN}{MARK_CLOSE}])", marked):
        if piece == MARK_OPEN:
            start = length
        elif piece == MARK_CLOSE:
            if start is not None:
                spans.append((start, length))
            start = None
        else:
            plain.append(piece)
            length += len(piece)
    return "".join(plain), spans


def mark_from_engine(text: str, marked: str, leaves: list[Term | Phrase]) -> str:
    """The original `text` marked where the engine marked its indexed copy.

    `marked`: the engine's highlight (MARK_OPEN/MARK_CLOSE around matches, no escaping) of the
    copy it indexed — fold(text), or `text` itself in an index written before folding. Anything
    else (e.g. the text held a sentinel character) falls back to mark_original, never to marks
    in the wrong place.
    """
    return mark_from_engines(text, [marked], leaves)


def mark_from_engines(text: str, marked: list[str], leaves: list[Term | Phrase]) -> str:
    """The original `text` marked wherever any of the engine's highlights (one per searched
    field, each marking the clauses on that field) marked its indexed copy: the union of the
    marks. No highlight: the text escaped, unmarked."""
    spans: list[tuple[int, int]] = []
    folded = None
    for engine_text in marked:
        plain, engine_spans = _sentinel_spans(engine_text)
        if plain == text:  # an index written before folding, or text NFKC leaves alone
            spans.extend(engine_spans)
            continue
        folded = folded or fold_with_map(text)
        if plain != folded.text:
            return mark_original(text, leaves)  # not a copy of this text: never marks in the wrong place
        spans.extend(_to_original(folded, engine_spans))
    return mark_spans(text, spans)

