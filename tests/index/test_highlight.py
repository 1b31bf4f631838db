"""index.highlight: engine marks on the folded copy become marks on the original characters.

The engine's answer is built here the way FTS5's highlight() and Elasticsearch's highlighter build
it (sentinels around the matched words of the copy the engine indexed), from real mandate text.
"""

from __future__ import annotations

import html
import re
import unicodedata

from extractors.nfkc import fold
from index.highlight import MARK_CLOSE, MARK_OPEN, mark_from_engine, mark_original
from index.query import Term, parse_query, positive_leaves
from tests.index.real_mandates import full_corpus


def _engine_marks(indexed_copy: str, word: str) -> str:
    """The indexed copy with sentinels around every whole-word occurrence of `word`."""
    return re.sub(rf"\b{re.escape(word)}\b", lambda m: MARK_OPEN + m.group() + MARK_CLOSE, indexed_copy)


def _unmark(highlight: str) -> str:
    return html.unescape(highlight.replace("<mark>", "").replace("</mark>", ""))


def _marked_words(highlight: str) -> list[str]:
    return [html.unescape(w) for w in re.findall(r"<mark>(.*?)</mark>", highlight)]


def _english_paragraph() -> str:
    return next(m.text for _, ms in full_corpus()[1:] for m in ms if "microplastics" in m.text and "fi" in m.text)


def _wide(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_marks_on_the_folded_copy_land_on_the_original_characters() -> None:
    # composed from a real paragraph: ligatures (longer when folded) and a full-width word
    text = _english_paragraph().replace("fi", "ﬁ").replace("microplastics", _wide("microplastics"))
    highlight = mark_from_engine(text, _engine_marks(fold(text), "microplastics"), [Term("microplastics")])
    assert _unmark(highlight) == text
    assert _marked_words(highlight) == [_wide("microplastics")] * text.count(_wide("microplastics"))


def test_decomposed_accents_fold_shorter_and_still_map() -> None:
    text = unicodedata.normalize("NFD", "Côte d’Ivoire and Réunion: ") + _english_paragraph()
    assert len(fold(text)) < len(text)
    highlight = mark_from_engine(text, _engine_marks(fold(text), "microplastics"), [Term("microplastics")])
    assert _unmark(highlight) == text and set(_marked_words(highlight)) == {"microplastics"}
    accented = mark_from_engine(text, _engine_marks(fold(text), "Réunion"), [Term("Réunion")])
    assert _marked_words(accented) == [unicodedata.normalize("NFD", "Réunion")]


def test_an_index_written_before_folding_still_highlights() -> None:
    # its copy is the original text itself: the marks are taken as they are
    text = "５ ㎏: " + _english_paragraph()
    highlight = mark_from_engine(text, _engine_marks(text, "microplastics"), [Term("microplastics")])
    assert _unmark(highlight) == text and set(_marked_words(highlight)) == {"microplastics"}


def test_an_answer_that_is_no_copy_of_the_text_falls_back_to_finding_the_terms() -> None:
    text = "A sentinel \x02 in the text: " + _english_paragraph()
    highlight = mark_from_engine(text, _engine_marks(fold(text), "microplastics"), [Term("microplastics")])
    assert _unmark(highlight) == text and set(_marked_words(highlight)) == {"microplastics"}


def test_html_in_the_text_is_escaped_around_and_inside_marks() -> None:
    text = "<b>ＰＣＢ</b> & " + _english_paragraph()
    highlight = mark_from_engine(text, _engine_marks(fold(text), "PCB"), [Term("PCB")])
    assert highlight.startswith("&lt;b&gt;<mark>ＰＣＢ</mark>&lt;/b&gt; &amp; ")
    assert "<" not in re.sub(r"</?mark>", "", highlight)


def test_mark_original_finds_full_width_latin_next_to_han() -> None:
    seed = next(m.text for m in full_corpus()[0][1] if "3R" in m.text)
    text = seed.replace("3R", "３Ｒ")  # composed: the seed writes 3R in ASCII
    highlight = mark_original(text, positive_leaves(parse_query("3R")))
    assert _unmark(highlight) == text and _marked_words(highlight) == ["３Ｒ"] * seed.count("3R")
    glued = "采用ＰＣＢ替代品"  # Latin glued to Han: the Han side is a word boundary
    assert _marked_words(mark_original(glued, positive_leaves(parse_query("pcb")))) == ["ＰＣＢ"]
