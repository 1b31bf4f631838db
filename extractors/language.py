"""Language detection and tokenisation: script first, langdetect for Latin text, jieba for Chinese.

jieba loads the repository's UN-terms dictionary (extractors/data/un_terms.zh.txt: "word freq tag"
per line) once per process, so terms such as 化管方针, 微塑料, 利益攸关方 and 可持续发展目标 stay
whole instead of being cut into 化管/方针, 微/塑料, 利益/攸关/方 and 可/持续/发展/目标. The list
was grown from the seed (UNEP/EA.4/3, Chinese): terms that occur there and that jieba's default
dictionary splits wrongly, plus the conventions and bodies its 《…》 titles and annexes name.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path
from types import ModuleType

from extractors.nfkc import fold
from extractors.schema import UN_LANGUAGES
from extractors.script import has_han, is_han
from extractors.stems import SNOWBALL, stem

__all__ = [
    "UN_LANGUAGES",
    "UN_TERMS_DICT",
    "detect_language",
    "ensure_jieba",
    "segment_zh",
    "stem_languages_for",
    "tokenize_for_index",
]

UN_TERMS_DICT = Path(__file__).resolve().parent / "data" / "un_terms.zh.txt"
FUNCTION_WORDS = Path(__file__).resolve().parent / "data" / "function_words.json"

# Latin-script UN languages langdetect may answer with; others (it, pt, nl …) count as unsure
_LATIN_UN_LANGUAGES = ("en", "fr", "es")
_MIN_LATIN_LETTERS = 12  # below this langdetect guesses
_MIN_PROBABILITY = 0.5
# A Latin text is decided by its function words alone when at least this many are found and all
# of them are one language's: langdetect (1-3 ms a paragraph, most of a draft's extraction) then
# only sees texts where the words leave doubt. Both thresholds were set on the bundled corpus and
# the UN Parallel sample, where the decided texts' answers equal langdetect's (tests/extractors).
_DECISIVE_FUNCTION_WORDS = 5
_WORD = re.compile(r"[^\W\d_]+")

_jieba_lock = threading.Lock()
_jieba_ready = False
_langdetect_lock = threading.Lock()


# --- detection --------------------------------------------------------------------------------


def _script_counts(text: str) -> dict[str, int]:
    counts = {"han": 0, "cyrillic": 0, "arabic": 0, "latin": 0}
    for ch, n in Counter(text).items():  # each distinct character classified once
        script = _script_of(ch)
        if script:
            counts[script] += n
    return counts


@cache
def _script_of(ch: str) -> str | None:
    if is_han(ch):
        return "han"
    if "\u0400" <= ch <= "\u04ff":
        return "cyrillic"
    if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufefc":
        return "arabic"
    if ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN"):
        return "latin"
    return None


@cache
def _function_words() -> dict[str, str]:
    """word → its language (en, fr, es) or "other" (a Portuguese, Italian or German word)."""
    data = json.loads(FUNCTION_WORDS.read_text(encoding="utf-8"))
    words = {word: "other" for word in data["other_latin"]}
    for code in _LATIN_UN_LANGUAGES:
        words.update({word: code for word in data[code]})
    return words


def _decided_by_function_words(text: str) -> str | None:
    """en, fr or es when the text's function words are many and all one language's; else None."""
    words = _function_words()
    hits = Counter(words.get(word) for word in _WORD.findall(text.lower()))
    hits.pop(None, None)
    if len(hits) == 1:
        (code, n), = hits.items()
        if code != "other" and n >= _DECISIVE_FUNCTION_WORDS:
            return code
    return None


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language (one of the six UN languages) or "und" when unsure.

    Script decides first: Han → zh (one Han character carries about as much as two Latin letters,
    so a Chinese paragraph quoting "UNEP/EA.4/3" or "SAICM" stays zh), Cyrillic → ru, Arabic → ar.
    Latin-script text goes to langdetect (seeded, deterministic) and must come out en, fr or es.
    """
    if not text or not text.strip():
        return "und"
    counts = _script_counts(text[:20000])
    han, latin = counts["han"], counts["latin"]
    if han and han * 2 >= latin:
        return "zh"
    if counts["cyrillic"] > latin and counts["cyrillic"] >= counts["arabic"]:
        return "ru"
    if counts["arabic"] > latin:
        return "ar"
    if latin < _MIN_LATIN_LETTERS:
        return "und"
    decided = _decided_by_function_words(text[:20000])
    if decided:
        return decided
    probabilities = _langdetect_probabilities(text[:20000])
    best = max(_LATIN_UN_LANGUAGES, key=lambda lang: probabilities.get(lang, 0.0))
    return best if probabilities.get(best, 0.0) >= _MIN_PROBABILITY else "und"


def _langdetect_probabilities(text: str) -> dict[str, float]:
    from langdetect import DetectorFactory
    from langdetect.detector_factory import init_factory
    from langdetect.lang_detect_exception import LangDetectException

    with _langdetect_lock:  # the factory is a module global, loaded once
        DetectorFactory.seed = 0
        init_factory()
        from langdetect.detector_factory import _factory

        detector = _factory.create()
        detector.append(text)
        try:
            return {item.lang: item.prob for item in detector.get_probabilities()}
        except LangDetectException:
            return {}


# --- jieba ------------------------------------------------------------------------------------


def ensure_jieba() -> None:
    """Initialise jieba once per process (thread-safe), load the UN-terms dictionary and the addressees."""
    global _jieba_ready
    if _jieba_ready:
        return
    with _jieba_lock:
        if _jieba_ready:
            return
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        jieba.load_userdict(str(UN_TERMS_DICT))
        _add_addressee_forms(jieba)
        _jieba_ready = True


def _add_addressee_forms(jieba: ModuleType) -> None:
    """The addressee gazetteer's Chinese forms (extractors/lang/zh) as words, so 各国政府, 联合国发展系统 stay
    whole and the addressee matcher sees them as tokens. Words jieba already knows keep their frequency."""
    from extractors import lang

    for entity in lang.addressees("zh"):
        for form in entity["forms"]:
            if not jieba.dt.FREQ.get(form):
                jieba.add_word(form)


def segment_zh(text: str) -> list[str]:
    """jieba's precise mode with the UN-terms dictionary; whitespace tokens dropped."""
    ensure_jieba()
    import jieba

    return [tok for tok in jieba.cut(text, cut_all=False) if tok.strip()]


_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def tokenize_for_index(text: str, language: str, *, stemmed: bool = False) -> str:
    """Space-joined, lower-cased tokens for a full-text index (use the same call on queries).

    The text is NFKC-folded first (extractors.nfkc), so full-width letters and digits
    (ＵＮＥＰ, ２０３０) give the same tokens as their plain forms.
    zh: jieba's search mode — the precise-mode words plus the dictionary sub-words inside long
    ones (可持续发展目标 → 可持续 发展 目标 可持续发展目标), so a query for a sub-word still
    matches; punctuation is dropped. Other languages: words (letters and digits), lower-cased.
    Text in any language that holds Han characters (a mixed paragraph) is segmented by jieba.
    `stemmed` (French, Spanish, Russian, Arabic): each word's Snowball stem, accents folded where the
    language allows and Arabic alef/hamza forms made one (extractors.stems), so "océans" and "océan",
    "загрязнения" and "загрязнение", "والملوثات" and "الملوثات" give the same term.
    """
    text = fold(text)
    if stemmed and language in SNOWBALL and not _has_han(text):
        return " ".join(stem(word, language) for word in _WORD.findall(text.lower()))
    if language == "zh" or _has_han(text):
        ensure_jieba()
        import jieba

        tokens: list[str] = []
        for tok in jieba.cut_for_search(text):  # Latin words pass through whole
            tokens.extend(_WORD.findall(tok.lower()))
        return " ".join(tokens)
    return " ".join(_WORD.findall(text.lower()))


def _has_han(text: str) -> bool:
    return has_han(text)


def stem_languages_for(text: str) -> tuple[str, ...]:
    """The stemmed languages a query word may be in, by its script: Cyrillic → ru, Arabic → ar,
    Latin with letters English does not write (é, ñ, ç …) → fr and es (a search does not say which language
    its words are in). A plain ASCII word gets none: the indexes' English analysis (Porter over folded
    accents) already finds "ocean" in "océans", and English queries keep the form they had."""
    if text.isascii():
        return ()
    counts = _script_counts(text)
    if counts["cyrillic"] > counts["latin"]:
        return ("ru",)
    if counts["arabic"] > counts["latin"]:
        return ("ar",)
    return ("fr", "es") if counts["latin"] else ()


def other_language(text: str, least: float = 0.9) -> str | None:
    """The ISO code of a language outside the six that the text is clearly written in (German, Italian …:
    langdetect's top guess with at least `least` probability), else None. For saying why a text yields no
    mandate, instead of an empty answer."""
    if not text or detect_language(text) != "und":
        return None
    probabilities = _langdetect_probabilities(text[:20000])
    if not probabilities:
        return None
    best = max(probabilities, key=probabilities.get)
    return best if best not in UN_LANGUAGES and probabilities[best] >= least else None
