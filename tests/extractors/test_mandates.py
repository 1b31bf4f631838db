"""Mandate rules on real resolutions: lead verbs, actors, subparagraphs, partners, conditions, deadlines."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from extractors.mandates import (
    actor_for,
    conditions_in,
    deadline_in,
    english_actor_text,
    with_partners,
)
from extractors.operative_leads import FIRST_PERSON_VERBS_EN, MANDATE_VERBS_EN, NON_MANDATE_VERBS_EN
from extractors.pipeline import extract_bytes, extract_path

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "corpus" / "bundled"
ENGLISH_REGISTRY = sorted(p for p in BUNDLED.glob("UNEP_EA.*.json") if p.name != "UNEP_EA.6_RES.1.json")


@pytest.fixture(scope="module")
def registry_results():
    return {p.name: extract_path(p) for p in ENGLISH_REGISTRY}


def _by_paragraph(result):
    """The first mandate of each paragraph (a paragraph may hold further ones for other addressees)."""
    out = {}
    for m in result.mandates:
        out.setdefault(m.paragraph, m)
    return out


def test_marine_plastic_mandates_checked_by_hand(registry_results):
    result = registry_results["UNEP_EA.2_RES.11.json"]
    ms = _by_paragraph(result)
    # 11. Requests the Executive Director, within available resources, to assist Member States …
    m = ms["11"]
    assert (m.verb, m.actor_text, m.actor, m.actor_source) == ("requests", "the Executive Director", "unep", "rule")
    assert "within available resources" in m.conditions
    assert m.resolution == "UNEP/EA.2/Res.11" and m.resolution_number == "2/11" and m.session == 2
    # the paragraph holds two mandates (issue 24): each is cited on its own
    assert m.citation == "UNEP/EA.2/Res.11, para. 11, first mandate"
    # 22 Invites States, in cooperation with industry and other stakeholders, … to organize …
    assert (ms["22"].verb, ms["22"].actor_text, ms["22"].actor) == ("invites", "States", "member_states")
    assert ms["22"].with_partners
    # 24. Requests the Executive Director to report … at its third session
    assert ms["24"].deadline == "at its third session"
    # 2. Recalls its resolution 1/6 … and urges all States that have not yet done so …
    assert (ms["2"].verb, ms["2"].actor) == ("urges", "member_states")
    # 18. Encourages product manufacturers and others …
    assert ms["18"].actor == "stakeholders"
    # 1. Recognizes …: operative, not a mandate
    reasons = {s.where: s.reason for s in result.skipped}
    assert reasons["UNEP/EA.2/Res.11 para. 1"] == "operative but not a mandate: recognizes"
    assert reasons["UNEP/EA.2/Res.11 para. 15"] == "operative but not a mandate: underlines"
    assert "1" not in ms and "15" not in ms


def test_subparagraphs_inherit_lead_verb_and_actor(registry_results):
    ms = _by_paragraph(registry_results["UNEP_EA.2_RES.13.json"])
    assert [p for p in ms if p.startswith("4")] == ["4(a)", "4(b)", "4(c)"]  # the lead itself is no mandate
    m = ms["4(a)"]
    assert m.text.startswith("Requests the Executive Director, in partnership with Member States, to continue")
    assert m.text.endswith("that seek to: (a) Assess and monitor the status and trends of natural capital;")
    assert (m.verb, m.actor, m.with_partners) == ("requests", "unep", True)
    assert ms["5(b)"].conditions == ["upon request", "subject to availability of resources"]
    # 1. Invites Member States …; 2. Recognizes …: (a)–(c) are not mandates
    assert ms["1"].actor == "member_states" and "2(a)" not in ms

    gender = _by_paragraph(registry_results["UNEP_EA.4_RES.17.json"])
    assert [p for p in gender if p.startswith("1(")] == [f"1({c})" for c in "abcdefgh"]
    assert gender["1(c)"].actor_text == "Member States" and gender["1(c)"].text.startswith("Invites Member States to: (c)")
    assert gender["2(b)"].actor == "unep" and gender["2(b)"].deadline == "at its fifth session"


def test_further_addressees_in_one_paragraph_are_their_own_mandates(registry_results):
    # 4/10 para. 4: "Calls upon Member States … , and invites the private sector, academia and other
    # stakeholders, to support …"
    para4 = [m for m in registry_results["UNEP_EA.4_RES.10.json"].mandates if m.paragraph == "4"]
    assert [(m.verb, m.actor) for m in para4] == [("calls upon", "member_states"), ("invites", "stakeholders")]
    assert para4[1].actor_text == "the private sector, academia and other stakeholders"
    assert para4[0].text == para4[1].text and para4[0].id != para4[1].id


def test_decides_and_calls_for_without_addressee(registry_results):
    ms = _by_paragraph(registry_results["UNEP_EA.5_RES.8.json"])
    # 4. Decides to convene, subject to the availability of resources, an ad hoc open-ended working group …
    # no addressee is stated: the Assembly itself acts (it convenes), never UNEP by default
    assert (ms["4"].verb, ms["4"].actor_text, ms["4"].actor_entity, ms["4"].actor) == (
        "decides", None, "United Nations Environment Assembly", "intergovernmental")
    assert "subject to the availability of resources" in ms["4"].conditions
    assert ms["4"].deadline == "by the end of 2024"


def test_ids_are_stable_and_unique(registry_results):
    again = extract_path(BUNDLED / "UNEP_EA.2_RES.13.json")
    first = registry_results["UNEP_EA.2_RES.13.json"]
    assert [m.id for m in again.mandates] == [m.id for m in first.mandates]
    all_ids = [m.id for r in registry_results.values() for m in r.mandates]
    assert len(all_ids) == len(set(all_ids))


def test_every_lead_verb_in_the_corpus_is_decided(registry_results):
    """Each operative lead verb of the bundled English resolutions is a mandate or deliberately not one."""
    verbs: Counter[str] = Counter()
    undecided = []
    for result in registry_results.values():
        verbs.update(m.verb for m in result.mandates)
        for item in result.skipped:
            if item.reason.startswith("operative but not a mandate: "):
                verbs[item.reason.rsplit(": ", 1)[1]] += 1
            elif "unrecognised" in item.reason:
                undecided.append((item.where, item.reason))
    assert undecided == []
    assert set(verbs) <= MANDATE_VERBS_EN | NON_MANDATE_VERBS_EN | FIRST_PERSON_VERBS_EN
    assert {"requests", "encourages", "invites", "urges", "calls upon", "decides"} <= set(verbs)
    assert {"welcomes", "notes", "recognizes", "takes note"} <= set(verbs)


def test_actor_rules_on_real_addressees():
    cases = {
        "the Executive Director of the United Nations Environment Programme": "unep",
        "the United Nations Environment Programme": "unep",
        "all Member States, as well as other relevant stakeholders": "member_states",
        "the Secretary-General": "un_system",
        # governing bodies of treaties are their conferences of the parties
        "the governing bodies of the UNEP-administered multilateral environmental agreements": "intergovernmental",
        "the relevant entities of the United Nations": "un_system",
        "the World Health Organization": "un_system",
        "Governments at all levels": "member_states",
        "product manufacturers and others": "stakeholders",
        "the private sector and civil society": "stakeholders",
        "执行主任": "unep",
        "会员国": "member_states",
        "各国政府和私营部门": "member_states",
    }
    assert {text: actor_for(text) for text in cases} == cases
    text = "the Executive Director, within available resources, to assist Member States"
    assert english_actor_text(text) == "the Executive Director"
    assert english_actor_text("all Member States, as well as other relevant stakeholders, to move") == \
        "all Member States, as well as other relevant stakeholders"
    assert english_actor_text("those in a position to do so to provide financial support") == \
        "those in a position to do so"
    assert english_actor_text("to convene an open-ended working group") is None
    assert english_actor_text("the establishment of harmonized definitions") is None


def test_partners_conditions_deadlines():
    assert with_partners("in close cooperation with other relevant bodies")
    assert with_partners("与相关组织合作")
    assert not with_partners("Requests the Executive Director to report")
    assert conditions_in("subject to the availability of resources and as appropriate") == [
        "subject to the availability of resources", "as appropriate"]
    assert conditions_in("请执行主任在现有资源范围内") == ["在现有资源范围内"]
    assert deadline_in("to report to the Environment Assembly at its fifth session") == "at its fifth session"
    assert deadline_in("before the end of 2019") == "before the end of 2019"
    assert deadline_in("在 2019 年年底之前提交") == "2019 年年底之前"
    assert deadline_in("在第五届会议之前") == "第五届会议之前"


# A Chinese resolution laid out as the Chinese editions are (the bundled corpus has no Chinese
# resolution text: this one is composed in that style for the test).
CHINESE_RESOLUTION = """联合国环境大会
第三届会议
3/7. 海洋垃圾和微塑料
联合国环境大会，
回顾其关于海洋塑料废弃物和微塑料的第 1/6 号决议，
关切地注意到海洋垃圾和微塑料的数量不断增加，
1. 欢迎执行主任关于海洋垃圾问题的报告；
2. 敦促所有会员国在2025年年底之前制定国家行动计划；
3. 请执行主任在现有资源范围内与相关组织合作：
(a) 加强海洋垃圾和微塑料问题的科学评估；
(b) 支持各国制定和执行国家行动计划；
4. 鼓励私营部门和民间社会酌情减少一次性塑料产品的使用；
5. 又请执行主任向环境大会第四届会议报告本决议的执行情况。
第 6 次全体会议
2017 年 12 月 6 日
"""


def test_chinese_resolution():
    result = extract_bytes(CHINESE_RESOLUTION.encode("utf-8"), "res_3_7.zh.txt")
    assert result.document.language == "zh"
    (res,) = result.resolutions
    assert (res.number, res.symbol, res.title) == ("3/7", "UNEP/EA.3/Res.7", "海洋垃圾和微塑料")
    kinds = [(p.kind, p.number) for p in result.paragraphs]
    assert kinds[:2] == [("preambular", None), ("preambular", None)]
    assert [n for k, n in kinds if k == "operative"] == ["1", "2", "3", "3(a)", "3(b)", "4", "5"]
    ms = _by_paragraph(result)
    assert "1" not in ms  # 欢迎: operative, not a mandate
    assert (ms["2"].verb, ms["2"].actor_text, ms["2"].actor, ms["2"].deadline) == (
        "敦促", "所有会员国", "member_states", "2025年年底之前")
    assert (ms["3(a)"].verb, ms["3(a)"].actor_text, ms["3(a)"].actor) == ("请", "执行主任", "unep")
    assert ms["3(a)"].with_partners and ms["3(a)"].conditions == ["在现有资源范围内"]
    assert ms["3(b)"].text.startswith("请执行主任在现有资源范围内与相关组织合作： (b) 支持各国")
    assert (ms["4"].actor_text, ms["4"].actor, ms["4"].conditions) == ("私营部门和民间社会", "stakeholders", ["酌情"])
    assert (ms["5"].verb, ms["5"].actor, ms["5"].deadline) == ("请", "unep", "第四届会议")


def test_paragraph_cut_after_its_addressee_is_reported_not_indexed():
    # UNEP/EA.5/Res.7 in the registry export holds an item "Requests to the Executive Director" whose
    # instruction was lost; the next item is the real para. 23 "Requests the Executive Director to work …".
    result = extract_path(BUNDLED / "UNEP_EA.5_RES.7.json")
    assert not [m for m in result.mandates if m.text.strip() == "Requests to the Executive Director"]
    reasons = [s for s in result.skipped if s.reason == "incomplete operative paragraph: no instruction"]
    assert [s.text for s in reasons] == ["Requests to the Executive Director"]
    assert any(m.text.startswith("Requests the Executive Director to work closely") for m in result.mandates)


def test_addressee_of_a_that_clause_ends_before_its_bare_verb():
    # UNEP/EA.2/Res.5 para. 23: "Requests that the Executive Director prepare a report for consideration …"
    result = extract_path(BUNDLED / "UNEP_EA.2_RES.5.json")
    [mandate] = [m for m in result.mandates if m.text.startswith("Requests that the Executive Director prepare")]
    assert mandate.actor_text == "the Executive Director"
    assert mandate.actor == "unep"
