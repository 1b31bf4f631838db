"""Paragraph numbering labels, written once: letters (a … z, aa, bb …), roman numerals (i, ii …) and
Chinese numerals (一 … 九十九), each as index → label and label → index.

Hand-written: UN numbering conventions (letters double after z; lower-case roman for the third
level; Chinese 一二三 in brackets for the Chinese edition's (i)) are not covered by a library we found.
"""

from __future__ import annotations

import string

_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # fmt: skip
_ZH_DIGITS = "零一二三四五六七八九"


def letter_label(index: int) -> str:
    """0 → a … 25 → z, 26 → aa, 27 → bb (UN style doubles the letter after z)."""
    letters = string.ascii_lowercase
    return letters[index % 26] * (index // 26 + 1)


def letter_index(label: str) -> int | None:
    if not label or not label.isalpha() or not label.islower() or len(set(label)) != 1:
        return None
    return (len(label) - 1) * 26 + (ord(label[0]) - ord("a"))


def roman_label(index: int) -> str:
    """0 → i, 1 → ii, 3 → iv …"""
    n, out = index + 1, []
    for value, numeral in _ROMAN:
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


_ROMAN_INDEX = {roman_label(i): i for i in range(400)}


def roman_index(label: str) -> int | None:
    return _ROMAN_INDEX.get(label) if label else None


def chinese_numeral(n: int) -> str:
    """0 → 零, 1 → 一, 10 → 十, 11 → 十一, 20 → 二十 … 99; other numbers in digits."""
    if 0 <= n < 10:
        return _ZH_DIGITS[n]
    if 10 <= n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _ZH_DIGITS[tens]) + "十" + (_ZH_DIGITS[ones] if ones else "")
    return str(n)


_ZH_INDEX = {chinese_numeral(n): n - 1 for n in range(1, 100)}
_ZH_INDEX.update({"一" + chinese_numeral(n): n - 1 for n in range(10, 20)})  # 一十一: 11 written in full


def zh_index(label: str) -> int | None:
    """一 → 0, 九 → 8, 十 → 9, 十一 → 10 … (UN Chinese subparagraph labels)."""
    return _ZH_INDEX.get(label) if label else None


# Arabic editions letter their sub-items in abjad order: (أ) (ب) (ج) (د) (هـ) (و) …
_ABJAD = "أبجدهوزحطيكلمنسعفصقرشتثخذضظغ"


def arabic_letter_index(label: str) -> int | None:
    """أ → 0, ب → 1 … (abjad order; "هـ" is ه with its tatweel)."""
    label = label.replace("ـ", "").replace("ا", "أ").replace("إ", "أ") if label else label
    return _ABJAD.index(label) if label and len(label) == 1 and label in _ABJAD else None
