"""Plan bullets: a mandate shortened the way the seed's Annex II shortens it, on real paragraphs.

English: bundled UN-registry resolutions (UNEA-2, UNEA-6). Chinese: the corpus has no Chinese
resolution, so real Chinese operative paragraphs of the UN Parallel Corpus sample
(../shared/corpus/un-parallel, documents named in each case) go through the draft pipeline.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from extractors.bullets import bullet_of, shorten
from extractors.pipeline import extract_draft, extract_path
from extractors.schema import Mandate
from extractors.tables import load_seed_annex_mandates

BUNDLED = Path(__file__).resolve().parents[2] / "corpus" / "bundled"


@cache
def _mandates(name: str) -> tuple[Mandate, ...]:
    return tuple(extract_path(BUNDLED / name).mandates)


def _mandate(name: str, paragraph: str, actor_text_has: str | None = None) -> Mandate:
    found = [
        m
        for m in _mandates(name)
        if m.paragraph.split("#")[0] == paragraph
        and (actor_text_has is None or actor_text_has in (m.actor_text or ""))
    ]
    assert len(found) == 1, [(m.paragraph, m.actor_text) for m in found]
    return found[0]


@pytest.mark.parametrize(
    ("name", "paragraph", "addressee", "bullet"),
    [
        # lead verb, addressee and the condition between them go ("subject to the availability of resources")
        ("UNEP_EA.6_RES.10.json", "3", None,
         "Provide an updated global online platform for information sharing and communication"),
        # the plain case: "Requests the Executive Director to report …"
        ("UNEP_EA.2_RES.11.json", "24", None,
         "Report to the Environment Assembly at its third session on progress in the implementation of the "
         "present resolution"),
        # a frame clause ("in their efforts to combat …,") and the trailing "as appropriate" go
        ("UNEP_EA.6_RES.14.json", "2", None,
         "Formulate or consider refining their voluntary land degradation neutrality targets"),
        # the second addressee of a paragraph: only its own clause
        ("UNEP_EA.2_RES.11.json", "11", "those in a position", "Support such action"),
        # a subparagraph keeps its own words; its lead's partner goes to the end
        ("UNEP_EA.2_RES.9.json", "2(f)", None,
         "Report to the United Nations Environment Assembly at its next session on progress made in "
         "implementing the relevant provisions of the present resolution (in cooperation with the Food and "
         "Agriculture Organization of the United Nations and other relevant international organizations)"),
        # no addressee: the verb is the instruction's own and stays ("Also encourages the establishment …")
        ("UNEP_EA.6_RES.15.json", "8", None, None),
    ],
)  # fmt: skip
def test_english_bullets_drop_lead_addressee_and_conditions(name, paragraph, addressee, bullet) -> None:
    mandate = _mandate(name, paragraph, addressee)
    got = bullet_of(mandate)
    if bullet is not None:
        assert got == bullet
    else:
        assert got.startswith("Call for continued cooperation and coordination on marine issues"), got
    assert got[0].isupper() and not got.endswith((";", ",", ".", ":"))
    for condition in mandate.conditions:
        assert condition not in got


def test_partner_insertion_is_moved_to_the_end() -> None:
    mandate = _mandate(
        "UNEP_EA.2_RES.11.json", "21"
    )  # "Requests the Executive Director, in close cooperation with …, to undertake"
    got = bullet_of(mandate)
    assert got.startswith("Undertake an assessment of the effectiveness of relevant international")
    assert got.endswith("(in close cooperation with other relevant bodies and organizations)")
    assert "Executive Director" not in got and "within available resources" not in got
    # the qualification after the task goes, as in the seed's "评估…治理战略和办法的有效性"
    assert "taking into consideration" not in got


def test_list_of_infinitives_is_one_bullet_without_its_to() -> None:
    got = bullet_of(_mandate("UNEP_EA.2_RES.11.json", "18"))
    assert got.startswith("Consider the life cycle environmental impacts of products containing microbeads")
    assert "; eliminate or reduce the use of primary microplastic particles" in got
    assert "; to " not in got


def test_every_bundled_unea2_and_unea6_mandate_gets_a_shorter_bullet() -> None:
    names = sorted(p.name for p in BUNDLED.glob("UNEP_EA.[26]_RES.*.json"))
    mandates = [m for name in names for m in _mandates(name)]
    assert len(mandates) > 250
    for m in mandates:
        got = bullet_of(m)
        assert got and len(got) < len(m.text), (m.citation, got)
        assert not got.lower().startswith(
            ("requests", "urges", "invites", "encourages the executive director")
        ), got
        if m.actor_text and len(m.actor_text) > 12 and not m.paragraph.count("("):
            assert not got.startswith(m.actor_text), (m.citation, got)


def test_table_bullets_are_already_bullets() -> None:
    seed = load_seed_annex_mandates()
    assert all(bullet_of(m) == m.text.strip(" ；;") for m in seed[:40])


@pytest.mark.parametrize(
    ("paragraph", "bullet"),
    [
        # UN Parallel Corpus sample, 2015/dp/2015/10 line 452 (UNDP Executive Board decision)
        ("8. 鼓励开发署继续确保评估这些模式连带的具体信托风险，制定适当保障措施，并及时启动监测和审计进程。",
         "继续确保评估这些模式连带的具体信托风险，制定适当保障措施，并及时启动监测和审计进程"),
        # 2015/e/icef/2015/l_4 line 949 (UNICEF Executive Board): the partner phrase to the end, as the seed does
        ("4. 鼓励儿基会通过与伙伴合作，调集充足的资源，满足所有儿童发展和人道主义两方面的需求；",
         "调集充足的资源，满足所有儿童发展和人道主义两方面的需求（通过与伙伴合作）"),
    ],
)  # fmt: skip
def test_chinese_bullets(paragraph: str, bullet: str) -> None:
    (mandate,) = extract_draft(paragraph, language="zh")
    assert bullet_of(mandate) == bullet


def test_shorten_drops_a_chinese_condition_between_addressee_and_instruction() -> None:
    # a condition extractors.mandates lists, before the seed's own 2/9 bullet (composed: no Chinese
    # resolution in the corpus says it this way)
    text = "请执行主任在现有资源范围内继续提高对食物废物问题的环境层面的认识。"
    got = shorten(text, language="zh", verb="请", actor_text="执行主任", paragraph="5")
    assert got == "继续提高对食物废物问题的环境层面的认识"
