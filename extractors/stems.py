"""Word forms to index terms: Snowball stems (PyStemmer) for French, Spanish, Russian and Arabic, with
diacritic folding where the language allows it and Arabic letter normalisation.

One function serves the addressee matcher (a case ending or a clitic must not hide "Генерального
секретаря" from "Генеральный секретарь", "بفريق الخبراء" from "فريق الخبراء") and the full-text index
(a query "océans" finds "océan"), so both read words the same way.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import cache
from typing import Any

# Snowball algorithm names of the languages stemmed; English and Chinese keep their own analysis
SNOWBALL = {"fr": "french", "es": "spanish", "ru": "russian", "ar": "arabic"}
# folding accents is safe in French and Spanish (é/e, ñ stays: it is a letter of its own in Spanish)
_FOLD_ACCENTS = frozenset({"fr", "es"})

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # tashkeel, tatweel
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ؤ": "و", "ئ": "ي"})
_lock = threading.Lock()


@cache
def _stemmer(language: str) -> Any:
    import Stemmer

    return Stemmer.Stemmer(SNOWBALL[language])


def normalize_arabic(text: str) -> str:
    """Drop short vowels and tatweel; one alef for أ إ آ ٱ, ي for final ى, hamza seats to their letter."""
    return _ARABIC_MARKS.sub("", text).translate(_ALEF)


def fold_accents(word: str) -> str:
    """"océans" → "oceans"; ñ is kept (a Spanish letter, not an accent)."""
    out = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch) and not (out and out[-1] == "n" and ch == "\u0303"):
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


_AR_ARTICLE = re.compile("^(?:وال|بال|كال|فال|لل|ال)(?=...)")
_AR_PROCLITIC = re.compile("^[وبلفك](?=....)")


def _strip_proclitics(word: str) -> str:
    """"والحكومات" → "حكومات", "بفريق" → "فريق": the joined conjunction, preposition and article, which
    the Snowball stemmer strips unevenly ("بفريق" → "فريق" but "فريق" → "ريق"); both sides then stem alike."""
    stripped = _AR_ARTICLE.sub("", word)
    return stripped if stripped != word else _AR_PROCLITIC.sub("", word)


def stem(word: str, language: str) -> str:
    """The index term of one lower-cased word in `language` (the word itself where no stemmer applies)."""
    if language not in SNOWBALL or not word:
        return word
    if language == "ar":
        word = _strip_proclitics(normalize_arabic(word))
    with _lock:  # a PyStemmer object is not thread-safe
        out = _stemmer(language).stemWord(word)
    return fold_accents(out) if language in _FOLD_ACCENTS else out


def stems(words: list[str], language: str) -> list[str]:
    return [stem(w, language) for w in words]
