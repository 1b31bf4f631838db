"""The interface strings (service/i18n/<code>.json): every language has every key of English, translated,
with the placeholders its page code fills in, and a plural form for every CLDR category of the language
(babel's rules, the same categories as the browser's Intl.PluralRules). The plan's headings likewise."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from service.i18n import UI_LANGUAGES, counted, plural_categories, ui_strings

HEADINGS = Path(__file__).resolve().parents[2] / "service" / "plan_formats" / "headings.json"
OTHERS = [lang for lang in UI_LANGUAGES if lang != "en"]
# Written the same as in English in that language on purpose: symbols, file formats, and words
# spelt alike ("Document", "Session", "Infrastructure" in French; "Error", "Actor" in Spanish).
SAME_AS_ENGLISH = {
    "*": {"CSV", "JSON", "API", "UNEP", "undocs.org", "DOCX"},
    "fr": {"Mode", "Document", "Session", "Infrastructure", "{n} document", "{n} documents"},
    "es": {"Error", "Actor", "UNEA-{n}"},
}


def _leaves(value: object, path: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for key, inner in value.items():
            out.update(_leaves(inner, f"{path}.{key}" if path else str(key)))
        return out
    return {path: value}


def _is_plural(value: object) -> bool:
    return isinstance(value, dict) and "other" in value


def _has_words(value: object) -> bool:
    """Letters outside the placeholders: something a person reads."""
    return bool(re.search("[A-Za-z]{3}", re.sub(r"\{\w+\}", "", str(value))))


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


@pytest.mark.parametrize("language", OTHERS)
def test_every_language_has_every_english_key(language: str) -> None:
    english, table = ui_strings()["en"], ui_strings()[language]
    plural_keys = [k for k, v in english.items() if _is_plural(v)]
    missing = sorted(set(_leaves({k: v for k, v in english.items() if k not in plural_keys}))
                     - set(_leaves(table)))
    assert not missing, missing
    assert all(_is_plural(table[k]) for k in plural_keys)


@pytest.mark.parametrize("language", OTHERS)
def test_no_string_is_left_in_english(language: str) -> None:
    english, table = _leaves(ui_strings()["en"]), _leaves(ui_strings()[language])
    allowed = SAME_AS_ENGLISH["*"] | SAME_AS_ENGLISH.get(language, set())
    untranslated = sorted(k for k, v in english.items()
                          if table.get(k) == v and v not in allowed and _has_words(v))
    assert not untranslated, untranslated


@pytest.mark.parametrize("language", UI_LANGUAGES)
def test_placeholders_and_plural_forms(language: str) -> None:
    english, table = ui_strings()["en"], ui_strings()[language]
    for key, value in table.items():
        reference = english[key]
        if _is_plural(value):
            assert plural_categories(language) <= set(value), (key, sorted(value))
            # "ولاية واحدة", "une" may spell the count out; every other placeholder is kept
            wanted = set().union(*(_placeholders(f) for f in reference.values())) - {"n"}
            assert all(wanted <= _placeholders(form) for form in value.values()), key
        elif isinstance(value, str):
            assert _placeholders(value) == _placeholders(reference), key


def test_counts_take_the_plural_form_of_their_language() -> None:
    table = lambda lang: ui_strings()[lang]["mandatesCount"]  # noqa: E731
    assert counted(table("en"), "en", 1) == "1 mandate" and counted(table("en"), "en", 5) == "5 mandates"
    assert [counted(table("ru"), "ru", n) for n in (1, 3, 5, 21)] == ["1 мандат", "3 мандата", "5 мандатов", "21 мандат"]
    assert [counted(table("ar"), "ar", n) for n in (1, 2, 3, 11, 100)] == [
        "ولاية واحدة", "ولايتين", "3 ولايات", "11 ولاية", "100 ولاية"]
    assert counted(table("fr"), "fr", 1) == "1 mandat" and counted(table("fr"), "fr", 2) == "2 mandats"
    assert counted(table("fr"), "fr", 1_000_000) == "1000000 de mandats"


def test_plan_headings_in_six_languages() -> None:
    headings = json.loads(HEADINGS.read_text(encoding="utf-8"))
    assert sorted(headings) == sorted(UI_LANGUAGES)
    english = _leaves({k: v for k, v in headings["en"].items() if not k.endswith("_count")})
    for language in OTHERS:
        table = _leaves(headings[language])
        assert set(english) <= set(table), (language, sorted(set(english) - set(table)))
        same = sorted(k for k, v in english.items() if table[k] == v and _has_words(v)
                      and v not in SAME_AS_ENGLISH["*"] | SAME_AS_ENGLISH.get(language, set()))
        assert not same, (language, same)
        for key in ("resolutions_count", "bullets_count"):
            assert plural_categories(language) <= set(headings[language][key]), (language, key)
