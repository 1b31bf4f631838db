"""Language facts as data, one folder per language (ISO 639-1 code), like spaCy's `lang/`.

Each folder holds the same files with the same keys, so adding a language is adding a folder:
- `verbs.json`: lead verbs (mandate / non-mandate), adverbs, preambular leads, first-person forms;
- `addressees.json`: the addressee gazetteer: canonical name, actor class, the forms texts use; the head
  nouns that refer back to a body ("the Agency") and the addressees a text leaves open (extractors/referents.py);
- `deadlines.json`: the patterns of a deadline and the words that mark a cited past event;
- `spans.json`: the phrases that end a mandate's main act (a purpose clause, a report-back clause).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

LANG_DIR = Path(__file__).resolve().parent


@cache
def languages() -> tuple[str, ...]:
    """Codes of the languages that have a data folder (read once: every extraction asks)."""
    return tuple(sorted(p.name for p in LANG_DIR.iterdir() if p.is_dir() and (p / "verbs.json").exists()))


@cache
def _load(code: str, name: str) -> Any:
    path = LANG_DIR / code / f"{name}.json"
    if not path.exists():
        raise KeyError(f"no {name} data for language {code!r} (expected {path})")
    return json.loads(path.read_text(encoding="utf-8"))


def verbs(code: str) -> dict[str, Any]:
    return _load(code, "verbs")


def addressees(code: str) -> list[dict[str, Any]]:
    """[{"name": canonical name, "actor": actor class, "forms": [...]}, ...]"""
    return _load(code, "addressees")["entities"]


def addressee_words(code: str) -> dict[str, Any]:
    """The addressees file's other keys: `references` ("the Agency": head nouns that refer back to a body
    named before) and `open_addressees` ("those in a position to do so": no one in particular)."""
    return {k: v for k, v in _load(code, "addressees").items() if k not in ("_about", "entities")}


def deadlines(code: str) -> dict[str, Any]:
    return _load(code, "deadlines")


def spans(code: str) -> dict[str, Any]:
    """{"purpose": [...], "report_back": [...]}: where a mandate's main act ends (extractors.spans)."""
    return _load(code, "spans")
