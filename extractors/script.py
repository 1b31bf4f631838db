"""Which characters are Han (Chinese): defined once, for every room that asks "is this Chinese?".

Han = CJK Unified Ideographs with Extension A and the Compatibility Ideographs (the UN's Chinese
texts use nothing rarer; Extension B and beyond are counted by `is_han` too, for the language guess).
"""

from __future__ import annotations

import re

# For regular-expression character classes: f"[{HAN}]".
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_CHAR = re.compile(f"[{HAN}\U00020000-\U0002ebef]")


def is_han(ch: str) -> bool:
    """One character is a Han ideograph."""
    return bool(_HAN_CHAR.fullmatch(ch))


def has_han(text: str) -> bool:
    """The text holds at least one Han ideograph (ask of `text[:20]` for "does it start in Chinese")."""
    return _HAN_CHAR.search(text) is not None


def han_count(text: str) -> int:
    return len(_HAN_CHAR.findall(text))


# CJK punctuation, radicals and full-width forms: like Han, set without spaces between characters.
_CJK_EXTRA = re.compile("[\u2e80-\u2fdf\u3000-\u303f\uff00-\uffef]")


def is_cjk(ch: str) -> bool:
    """Han, or CJK punctuation, radicals or full-width forms: text written without spaces."""
    return is_han(ch) or _CJK_EXTRA.fullmatch(ch) is not None


_CYRILLIC = re.compile("[\u0400-\u04ff]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")


def script_language(text: str) -> str | None:
    """zh, ru or ar when the text opens in Han (any in its first 20 characters), Cyrillic or Arabic script
    (more of those letters than Latin ones); None for Latin text, whose language the script cannot tell."""
    if has_han(text[:20]):
        return "zh"
    cyrillic, arabic, latin = (len(p.findall(text)) for p in (_CYRILLIC, _ARABIC, _LATIN))
    if cyrillic > latin and cyrillic >= arabic:
        return "ru"
    if arabic > latin:
        return "ar"
    return None
