"""extractors.nfkc: the fold is NFKC on real text, and its map leads back to the original characters."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from extractors.nfkc import fold, fold_with_map

BUNDLED = Path(__file__).resolve().parents[2] / "corpus" / "bundled"


def _bundled_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(BUNDLED.glob("*.txt"))]
    for path in sorted(BUNDLED.glob("*.json"))[:20]:
        texts.extend(p["text"] for p in json.loads(path.read_text(encoding="utf-8")))
    return texts


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# Composed cases: full-width, ligatures and squared units (longer when folded), decomposed accents
# and conjoining jamo (shorter), CJK compatibility ideographs, a lone combining mark at the start.
COMPOSED = [
    _full_width("Plastic 2030 (UNEP/EA.4/3)"),
    "scientiﬁc ﬃ 5 ㎏ ㍻ ½",
    unicodedata.normalize("NFD", "Côte d’Ivoire, Réunion, São Tomé"),
    "\u1100\u1161\u11a8 가\u11a8",
    "\uf900\uf901 ⾦",
    "\u0301abc",
]


def test_fold_is_nfkc_on_the_bundled_texts_and_on_composed_ones() -> None:
    texts = _bundled_texts()
    assert any(not unicodedata.is_normalized("NFKC", t) for t in texts)  # the seed's （，）
    for text in [*texts, *COMPOSED, *(_full_width(t) for t in texts[:50])]:
        assert fold(text) == unicodedata.normalize("NFKC", text)
        assert fold_with_map(text).text == fold(text)


@pytest.mark.parametrize("text", COMPOSED + [_full_width("microplastics") + "，微塑料（２０３０）"])
def test_every_folded_character_maps_to_the_original_stretch_it_came_from(text: str) -> None:
    folded = fold_with_map(text)
    assert len(folded.starts) == len(folded.ends) == len(folded.text)
    assert list(folded.starts) == sorted(folded.starts) and folded.ends[-1] == len(text)
    j = 0
    while j < len(folded.text):  # walk the stretches: each folds to exactly its folded characters
        start, end = folded.starts[j], folded.ends[j]
        k = j
        while k < len(folded.text) and folded.starts[k] == start:
            k += 1
        assert fold(text[start:end]) == folded.text[j:k]
        assert folded.original_span(j, k) == (start, end)
        j = k


def test_a_match_in_the_folded_text_maps_to_the_original_characters() -> None:
    text = "Over 5 ㎏ of ﬁne " + _full_width("microplastics") + " in 2030"
    folded = fold_with_map(text)
    start = folded.text.index("microplastics")
    a, b = folded.original_span(start, start + len("microplastics"))
    assert text[a:b] == _full_width("microplastics")
    k = folded.text.index("kg")
    assert text[slice(*folded.original_span(k, k + 2))] == "㎏"
    g = folded.text.index("kg") + 1  # half of an expansion still marks the whole original character
    assert text[slice(*folded.original_span(g, g + 1))] == "㎏"


def test_nfkc_text_is_its_own_fold_with_the_identity_map() -> None:
    text = "Requests the Executive Director to report"
    folded = fold_with_map(text)
    assert folded.text == text and folded.starts == tuple(range(len(text)))
