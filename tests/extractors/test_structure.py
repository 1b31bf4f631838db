"""Structure parser on real documents: resolutions, preambular/operative split, paragraph numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.formats import read_path
from extractors.numbering import (
    chinese_numeral,
    letter_index,
    letter_label,
    roman_index,
    roman_label,
    zh_index,
)
from extractors.paragraph_numbers import OperativeNumberer, split_label
from extractors.raw import RawBlock, RawDocument
from extractors.structure import parse_structure, split_inline_list

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "corpus" / "bundled"
GA_PDFS = REPO / "tests" / "fixtures" / "un-ga-pdfs"


def _parse(name: str):
    raw = read_path(BUNDLED / name)
    structure = parse_structure(raw, "en")
    assert len(structure.resolutions) == 1
    return structure.resolutions[0]


def _operative(parsed) -> dict[str, str]:
    return {p.number: p.text for p in parsed.paragraphs if p.kind == "operative"}


def test_registry_json_identity_and_split():
    parsed = _parse("UNEP_EA.2_RES.11.json")
    res = parsed.resolution
    assert (res.number, res.symbol, res.session) == ("2/11", "UNEP/EA.2/Res.11", 2)
    assert res.title == "Marine plastic litter and microplastics"
    pre = [p for p in parsed.paragraphs if p.kind == "preambular"]
    assert len(pre) == 8
    assert pre[0].text.startswith("Recalling the concern reflected")
    assert pre[-1].text.startswith("Recognizing the importance of cooperation")
    ops = _operative(parsed)
    assert list(ops) == [str(n) for n in range(1, 25)]  # "22\tInvites" (no dot) is read too
    assert ops["22"].startswith("Invites States, in cooperation with industry")
    assert ops["24"].startswith("Requests the Executive Director to report to the Environment Assembly")
    # backmatter ("6th plenary meeting", "27 May 2016") is not a paragraph
    assert not any("plenary meeting" in p.text for p in parsed.paragraphs)


def test_stripped_numbers_are_rebuilt_with_subparagraph_letters():
    # UNEP/EA.2/Res.13 as exported: no numbers; "Requests …, to:" followed by capitalised items
    ops = _operative(_parse("UNEP_EA.2_RES.13.json"))
    assert list(ops) == ["1", "2", "2(a)", "2(b)", "2(c)", "3", "4", "4(a)", "4(b)", "4(c)",
                         "5", "5(a)", "5(b)", "5(c)", "5(d)", "6"]
    assert ops["4"].startswith("Requests the Executive Director, in partnership with Member States")
    assert ops["4(a)"] == "Assess and monitor the status and trends of natural capital;"
    assert ops["6"].startswith("Further requests the Executive Director to report")


def test_list_items_that_start_like_verbs_stay_subparagraphs():
    # UNEP/EA.5/Res.8: items "Processes for …", "Has procedures …", "Is able …" under ":" leads
    ops = _operative(_parse("UNEP_EA.5_RES.8.json"))
    assert [n for n in ops if n.startswith("5(")] == [f"5({letter_label(i)})" for i in range(12)]
    assert ops["5(e)"].startswith("Processes for determining")
    assert [n for n in ops if n.startswith("6(")] == [f"6({letter_label(i)})" for i in range(8)]
    assert ops["6(c)"].startswith("Has procedures")
    assert ops["7"].startswith("Decides that the ad hoc open-ended working group should include")


def test_sections_and_annex_are_not_operative_paragraphs():
    raw = read_path(BUNDLED / "UNEP_EA.2_RES.18.json")
    structure = parse_structure(raw, "en")
    ops = _operative(structure.resolutions[0])
    assert list(ops) == [str(n) for n in range(1, 9)]  # sections A–D do not break numbering
    assert not any(t.startswith(("Institutional framework", "Convention on")) for t in ops.values())
    # the annex (a list of agreements) is not read: one skipped item names it and says why (issue 24)
    [annex] = [s for s in structure.skipped if "annex" in s.reason]
    assert annex.where == "UNEP/EA.2/Res.18 annex" and annex.reason.startswith("annex not read: not a declaration")
    assert annex.text.startswith("List of multilateral environmental agreements") and "blocks)" in annex.text


def test_compilation_is_split_into_resolutions():
    names = ["UNEP_EA.2_RES.11.json", "UNEP_EA.2_RES.13.json", "UNEP_EA.4_RES.17.json"]
    singles = [_parse(n) for n in names]
    blocks = [RawBlock("Resolutions and decisions adopted by the United Nations Environment Assembly")]
    for name in names:
        blocks.extend(read_path(BUNDLED / name).blocks)
    compilation = RawDocument(source="compilation", id="c", format="text", blocks=blocks)
    parsed = parse_structure(compilation, "en").resolutions
    assert [p.resolution.symbol for p in parsed] == ["UNEP/EA.2/Res.11", "UNEP/EA.2/Res.13", "UNEP/EA.4/Res.17"]
    for single, part in zip(singles, parsed, strict=True):
        assert [(p.kind, p.number, p.text) for p in part.paragraphs] == \
            [(p.kind, p.number, p.text) for p in single.paragraphs]


def test_resolution_without_heading_uses_container_symbol():
    parsed = _parse("UNEP_EA.1_L.13.json")
    assert parsed.resolution.symbol == "UNEP/EA.1/L.13"
    assert parsed.resolution.session == 1
    assert parsed.resolution.title.startswith("Implementation of Principle 10")
    ops = _operative(parsed)
    assert ops["5"].startswith("Requests the Executive Director to further enhance access")


@pytest.fixture(scope="module")
def ga_212():
    return parse_structure(read_path(GA_PDFS / "A_RES_79_212.pdf"), "en")


def test_ga_pdf_printed_numbers(ga_212):
    (parsed,) = ga_212.resolutions
    assert parsed.resolution.symbol == "A/RES/79/212"
    assert parsed.resolution.title == "Combating sand and dust storms"
    assert ga_212.date == "2024-12-19"
    ops = _operative(parsed)
    assert list(ops) == [str(n) for n in range(1, 27)]
    assert ops["1"] == "Takes note of the report of the Secretary-General;"
    assert ops["26"].startswith("Also requests the Secretary-General to submit to the General Assembly")
    pre = [p for p in parsed.paragraphs if p.kind == "preambular"]
    assert pre[0].text.startswith("Recalling its resolutions 70/195")
    assert all(p.page for p in parsed.paragraphs)


def test_chinese_report_paragraphs_and_inline_lists():
    # the seed (UNEP/EA.4/3, Chinese) is a report, not a resolution: numbered paragraphs, no resolution
    structure = parse_structure(read_path(BUNDLED / "UNEP_EA.4_3.zh.txt"), "zh")
    assert structure.resolutions == []
    paras: dict[str, str] = {}
    for number, text in structure.report_paragraphs:
        paras.setdefault(number, text)
    assert paras["7"].startswith("迈向零污染地球是一项集体责任。")
    # "8. 实施计划：(a)推进…；(b)提出…；(c)…" is split into subparagraphs
    assert paras["8"] == "实施计划："
    assert paras["8(a)"] == "推进环境大会取得的与污染有关的成果；"
    assert paras["8(b)"].startswith("提出在哪些行动领域有机会")
    # "(一)" nested under "(a)" is the Chinese edition's (i)
    assert paras["11(a)(i)"].startswith("利用“战胜污染”平台")
    assert paras["11(c)(ii)"].startswith("通过伙伴关系开发高效解决办法")


def test_labels():
    assert [letter_label(i) for i in (0, 25, 26, 27)] == ["a", "z", "aa", "bb"]
    assert [roman_label(i) for i in (0, 3, 8, 13)] == ["i", "iv", "ix", "xiv"]
    assert letter_index("bb") == 27 and roman_index("xiv") == 13
    assert [chinese_numeral(n) for n in (1, 10, 11, 20, 99)] == ["一", "十", "十一", "二十", "九十九"]
    assert [zh_index(label) for label in ("一", "十", "十一", "一十一", "二十", "十十")] == [0, 9, 10, 10, 19, None]
    assert split_label("22\tInvites States")[0].value == "22"
    assert split_label("（a）推进")[0].value == "a"
    assert split_label("(二) 促进")[0].value == "ii"
    assert split_label("21 December 2018")[0] is None
    assert split_inline_list("Requests: (a) x; and (b) y.") == ["Requests:", "(a) x; and", "(b) y."]


# --- Property: numbering round-trips ------------------------------------------------------------

_WORDS = st.sampled_from(["support", "the", "national", "plans", "for", "waste", "data", "water", "air"])


def _clause(draw) -> str:
    return " ".join(draw(st.lists(_WORDS, min_size=2, max_size=5)))


@st.composite
def _trees(draw):
    """Paragraphs with up to two levels of subparagraphs: [(children [(grandchildren count)])]."""
    return draw(st.lists(
        st.lists(st.integers(min_value=0, max_value=3), max_size=28).map(
            lambda kids: kids if len(kids) != 1 else kids + [0]),  # a list has at least two items
        min_size=1, max_size=6))


def _render(tree, draw, numbered: bool) -> tuple[list[str], list[str]]:
    """UN-style text for the tree (items end ';', '; and' before the last, '.' at the paragraph's end)."""
    lines, paths = [], []

    def ending(index: int, count: int, last_in_paragraph: bool, has_children: bool) -> str:
        if has_children:
            return ":"
        if index == count - 1:
            return "." if last_in_paragraph else ";"
        return "; and" if index == count - 2 else ";"

    for n, kids in enumerate(tree, start=1):
        lead = f"Requests the Executive Director to {_clause(draw)}"
        lines.append((f"{n}.\t" if numbered else "") + lead + (":" if kids else "."))
        paths.append(str(n))
        for k, grandkids in enumerate(kids):
            label = letter_label(k)
            last_kid = k == len(kids) - 1
            text = f"{_clause(draw)}" + ending(k, len(kids), last_kid and not grandkids, bool(grandkids > 1))
            lines.append((f"({label})\t" if numbered else "") + text)
            paths.append(f"{n}({label})")
            if grandkids > 1:
                for g in range(grandkids):
                    r = roman_label(g)
                    end = ending(g, grandkids, last_kid and g == grandkids - 1, False)
                    lines.append((f"({r})\t" if numbered else "") + _clause(draw) + end)
                    paths.append(f"{n}({label})({r})")
    return lines, paths


@settings(max_examples=60, deadline=None)
@given(tree=_trees(), data=st.data(), numbered=st.booleans())
def test_numbering_round_trip(tree, data, numbered):
    """Number a random tree, render it (with printed numbers, or stripped like the registry export),
    parse it back: the same number paths."""
    from extractors.operative_leads import is_new_operative_paragraph

    lines, expected = _render(tree, data.draw, numbered)
    numberer = OperativeNumberer(is_new_operative_paragraph)
    assert [numberer.add(line)[0] for line in lines] == expected


def test_chinese_rendered_docx_and_pdf_number_like_the_text():
    """Numbered paragraphs of the seed rendered to DOCX and PDF (LibreOffice renderings) parse as in the text."""
    import re

    from tests.rendering import rendered_chinese_docx, rendered_chinese_pdf, soffice_available

    if not soffice_available():
        pytest.skip("LibreOffice (soffice) is not installed")

    def norm(text: str) -> str:
        return re.sub(r"\s+", "", text)

    seed: dict[str, str] = {}
    for number, text in parse_structure(read_path(BUNDLED / "UNEP_EA.4_3.zh.txt"), "zh").report_paragraphs:
        seed.setdefault(number, text)  # numbering restarts in the annexes: keep the body's
    for path in (rendered_chinese_docx(), rendered_chinese_pdf()):
        rendered = parse_structure(read_path(path), "zh").report_paragraphs
        numbers = [n for n, _ in rendered]
        assert numbers[:11] == ["1", "2", "3", "4", "5", "6", "7", "8", "8(a)", "8(b)", "8(c)"]
        seen: set[str] = set()
        for number, text in rendered:
            if number in seen:
                continue
            seen.add(number)
            if number in seed and number != "6":  # the text export runs para. 6 into a page footnote
                assert norm(text) == norm(seed[number]), (path.name, number)
