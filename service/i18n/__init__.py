"""The interface in the six UN languages: one table of page strings per language (<code>.json here).

Values are plain strings with {name} placeholders, label tables (actors, areas, fields …), or plural
tables keyed by CLDR plural category ("one", "few", "many", "other" …: what Intl.PluralRules in the
browser and babel here choose for a count). English is the reference: every language has its keys.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale

HERE = Path(__file__).resolve().parent
UI_LANGUAGES: tuple[str, ...] = ("ar", "en", "es", "fr", "ru", "zh")


@cache
def ui_strings() -> dict[str, dict[str, Any]]:
    """Every language's table, as the page receives it (language code → key → value)."""
    return {lang: json.loads((HERE / f"{lang}.json").read_text(encoding="utf-8")) for lang in UI_LANGUAGES}


def plural_category(language: str, n: int) -> str:
    """CLDR's plural category of a count in a language ("one", "few", "many", "other" …), from babel."""
    return Locale.parse(language).plural_form(n)


def plural_categories(language: str) -> set[str]:
    """Every category a count can fall in, in this language (always with "other")."""
    return set(Locale.parse(language).plural_form.tags) | {"other"}


def counted(table: dict[str, str], language: str, n: int, **values: object) -> str:
    """A plural table's form for n, filled in: counted({"one": "{n} mandate", "other": …}, "en", 1)."""
    form = table.get(plural_category(language, n)) or table["other"]
    return form.format(n=n, **values)
