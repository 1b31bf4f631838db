"""Addressees a text names by reference ("the Agency") or leaves open ("those in a position to do so").

"Welcomes the work of the International Renewable Energy Agency …, and encourages the Agency to continue
…": "the Agency" is the last body named before it, in the paragraph or earlier in the resolution, whose
name holds the same head noun (the gazetteer's forms, or a capitalised name as written). When no such body
was named, the reference is left open: the mandate says "none" (no addressee could be read), never a
guess. "Invites those in a position to do so to …" names no one either: open too.

The words are data (extractors/lang/<code>/addressees.json: `references`, `open_addressees`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from extractors import lang
from extractors.addressees import find_entities, known_addressees
from extractors.schema import Addressee


@cache
def _words(language: str) -> dict[str, Any]:
    return lang.addressee_words(language if language in lang.languages() else "en")


@cache
def _reference_pattern(language: str) -> re.Pattern[str] | None:
    refs = _words(language).get("references") or {}
    nouns, articles = refs.get("nouns") or [], refs.get("articles") or []
    if not nouns:
        return None
    article = "|".join(re.escape(a) for a in sorted(articles, key=len, reverse=True))
    noun = "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True))
    # the whole addressee is the reference: "the Agency", not "the Agency for …" (a name)
    return re.compile(rf"^\s*(?:(?:{article})\s*)?(?P<noun>{noun})\s*[,.]?\s*$", re.I)


def reference_noun(actor_text: str | None, language: str) -> str | None:
    """"the Agency" → "Agency": the head noun of an addressee written as a reference; None otherwise."""
    pattern = _reference_pattern(language) if actor_text else None
    m = pattern.match(actor_text) if pattern and actor_text else None
    return m.group("noun") if m else None


def is_open(actor_text: str | None, language: str) -> bool:
    """"those in a position to do so", "all those concerned": an addressee the text leaves open."""
    if not actor_text:
        return False
    said = re.sub(r"\s+", " ", actor_text.strip(" ,.;:").lower())
    return any(said == phrase or said.startswith(phrase + ",") for phrase in _words(language).get("open_addressees", []))


@cache
def _forms(language: str) -> dict[str, tuple[str, ...]]:
    return {item["name"]: tuple(item["forms"]) + (item["name"],) for item in lang.addressees(language)}


def _holds(noun: str, names: Sequence[str]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(noun)}(?!\w)", n, re.I) for n in names)


def referent(noun: str, before: Sequence[str], language: str, assembly: str) -> Addressee | None:
    """The body "the <noun>" refers to: the last named before it whose name holds the noun. `before`: the
    resolution's texts in reading order (title, earlier paragraphs, the paragraph up to the reference).
    None when none was named (or, for nouns the assembly itself owns, its own body: data `by_assembly`)."""
    forms = _forms(language)
    for text in reversed(before):
        candidates: list[tuple[int, Addressee]] = []
        spans = []
        for m in find_entities(text, language):
            spans.append((m.start, m.end))
            if _holds(noun, forms.get(m.entity.name, ())) or _holds(noun, [text[m.start:m.end]]):
                asked = known_addressees(text[m.start:m.end], language, assembly)
                if asked:
                    candidates.append((m.start, asked[0]))
        for m in _named(noun, language).finditer(text):
            if not any(a < m.end() and m.start() < b for a, b in spans):  # a name the gazetteer lacks
                candidates.append((m.start(), Addressee(name=m.group(0), actor=None)))
        if candidates:
            return max(candidates, key=lambda c: c[0])[1]
    own = ((_words(language).get("references") or {}).get("by_assembly") or {}).get(assembly, {})
    name = next((v for k, v in own.items() if k.lower() == noun.lower()), None)
    found = known_addressees(name, language, assembly) if name else []
    return found[0] if found else None


@cache
def _named(noun: str, language: str) -> re.Pattern[str]:
    """A capitalised name ending in the noun: "International Renewable Energy Agency" (English-like scripts)."""
    joiners = "|".join(re.escape(w) for w in (_words(language).get("references") or {}).get("name_joiners", []))
    word = r"[A-Z][\w'’-]*"
    return re.compile(rf"\b{word}(?:\s+(?:(?:{joiners})\s+)*{word})*\s+{re.escape(noun)}\b" if joiners
                      else rf"\b{word}(?:\s+{word})*\s+{re.escape(noun)}\b")
