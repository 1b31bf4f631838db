"""The one paragraph-order key (extractors.paragraph_order), shared by browse, the resolution page and the plan."""

from __future__ import annotations

import random

import pytest

from extractors.paragraph_order import paragraph_key


def _sorted(values: list[str | None]) -> list[str | None]:
    shuffled = list(values)
    random.Random(7).shuffle(shuffled)
    return sorted(shuffled, key=paragraph_key)


def test_roman_numerals_sort_by_value_not_by_spelling() -> None:
    order = [f"7(a)({r})" for r in ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi")]
    assert _sorted(order) == order
    assert paragraph_key("7(a)(v)") < paragraph_key("7(a)(ix)")


def test_letters_double_after_z() -> None:
    letters = [f"7({c})" for c in "abcdefghijklmnopqrstuvwxyz"] + ["7(aa)", "7(bb)", "7(cc)"]
    assert _sorted(letters) == letters
    assert paragraph_key("7(z)") < paragraph_key("7(aa)")
    assert paragraph_key("7(aa)") > paragraph_key("7(b)")  # (aa) is the 27th item, not the second


def test_a_paragraph_before_its_items_and_items_before_the_next_paragraph() -> None:
    order = ["2", "7", "7#2", "7(a)", "7(a)(i)", "7(a)(ii)", "7(b)", "8", "10", "12(b)(ii)#2", None]
    assert _sorted(order) == order


@pytest.mark.parametrize(
    ("native", "latin"),
    [
        ("٧", "7"),  # Arabic-Indic digits
        ("١٢", "12"),
        ("7(a)(一)", "7(a)(i)"),  # the Chinese edition's (i)
        ("7(a)(四)", "7(a)(iv)"),
        ("7(a)(九)", "7(a)(ix)"),
        ("7(أ)", "7(a)"),  # Arabic letters, abjad order
        ("7(ب)", "7(b)"),
        ("7(هـ)", "7(e)"),
    ],
)
def test_other_scripts_sort_as_their_latin_equivalent(native: str, latin: str) -> None:
    assert paragraph_key(native) == paragraph_key(latin)


def test_chinese_and_arabic_numbering_in_order() -> None:
    chinese = ["3(a)(一)", "3(a)(二)", "3(a)(三)", "3(a)(四)", "3(a)(五)", "3(a)(十)", "3(a)(十一)"]
    arabic = ["٣", "٣(أ)", "٣(ب)", "٣(ج)", "٣(د)", "٤", "١٠"]
    assert _sorted(chinese) == chinese
    assert _sorted(arabic) == arabic


def test_used_by_browse_the_resolution_page_and_the_plan() -> None:
    import service.usecases.browse as browse
    import service.usecases.plan as plan
    import service.usecases.resolution as resolution

    assert browse.paragraph_key is paragraph_key
    assert resolution.paragraph_key is paragraph_key
    assert plan.paragraph_key is paragraph_key
