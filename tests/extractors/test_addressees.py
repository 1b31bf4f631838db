"""Who must act, on real text: the addressee named from the gazetteer, its actor class, never UNEP by default.

Sources: the bundled registry JSON (UNEA resolutions and the UNEA-4 ministerial declaration), the GA PDFs
in ../shared (copies in tests/fixtures/un-ga-pdfs), the seed's Chinese report and Chinese lines of the UN
Parallel Corpus sample (../shared/corpus/un-parallel/un-parallel-sample.jsonl).
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from extractors import lang
from extractors.addressees import addressees_in, chinese_actor_text, find_entities
from extractors.mandates import deadline_in
from extractors.pipeline import extract_draft, extract_path
from extractors.schema import ACTORS
from tests.extractors.addressee_table import BUNDLED, TABLE, english_registry_files, render, table_rows
from tests.shared_corpus import UN_PARALLEL_SAMPLE

REPO = Path(__file__).resolve().parents[2]
GA_PDFS = REPO / "tests" / "fixtures" / "un-ga-pdfs"
PARALLEL = UN_PARALLEL_SAMPLE
UNEP_ENTITIES = {e["name"] for e in lang.addressees("en") if e["actor"] == "unep"} | {"UNEP secretariat"}


@pytest.fixture(scope="module")
def bundled():
    return {p.name: extract_path(p) for p in english_registry_files()}


def _paragraph(result, number):
    return [m for m in result.mandates if m.paragraph == number]


def test_addressees_table_of_the_bundled_corpus_is_unchanged():
    """Every addressee the extractor reads in the bundled English corpus, with its actor: reviewed by hand."""
    expected = TABLE.read_text(encoding="utf-8")
    actual = render(table_rows())
    diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), str(TABLE), "now"))
    assert actual == expected, "addressees changed; review and rewrite with " \
        "`python -m tests.extractors.addressee_table --write`:\n" + diff


def test_no_mandate_addressed_to_another_body_is_labelled_unep(bundled):
    for result in bundled.values():
        for m in result.mandates:
            # the extractor reads the addressee, or keeps its words unclassified, or says it cannot: it never guesses
            assert m.actor_source in ("rule", "none", None), m
            if m.actor_source is None:
                assert m.actor is None and m.actor_text and m.actor_entities[0].actor is None
            if m.actor == "unep":
                assert m.actor_entity in UNEP_ENTITIES, (m.citation, m.actor_text, m.actor_entity)
            if m.actor_source == "none":
                assert m.actor is None and m.actor_entity is None


def test_the_issues_addressees_in_the_bundled_resolutions(bundled):
    # 5/14 para. 4(a)–(h): "Decides that the intergovernmental negotiating committee …"
    inc = [m for m in bundled["UNEP_EA.5_RES.14.json"].mandates if m.paragraph.startswith("4(")]
    assert [m.paragraph for m in inc] == [f"4({c})" for c in "abcdefgh"]
    assert {(m.actor, m.actor_entity) for m in inc} == {("intergovernmental", "Intergovernmental negotiating committee")}
    # 4/6 para. 8: "Invites the Environment Management Group …"
    [emg] = _paragraph(bundled["UNEP_EA.4_RES.6.json"], "8")
    assert (emg.actor, emg.actor_entity, emg.actor_text) == ("un_system", "Environment Management Group",
                                                             "the Environment Management Group")
    # 4/22 para. 4: "Requests the monitoring mechanism …" (a body of the Assembly, not UNEP)
    mechanism = [m for m in bundled["UNEP_EA.4_RES.22.json"].mandates if m.paragraph.startswith("4(")]
    assert mechanism and {(m.actor, m.actor_entity) for m in mechanism} == {("intergovernmental", "Monitoring mechanism")}
    # 5/7 para. 11: "Encourages the Executive Board of the Special Programme …"
    [board] = _paragraph(bundled["UNEP_EA.5_RES.7.json"], "11")
    assert (board.actor, board.actor_entity) == ("intergovernmental", "Executive Board of the Special Programme")
    # 6/9 para. 4: "Invites the General Assembly … at its seventy-ninth session"
    [ga] = _paragraph(bundled["UNEP_EA.6_RES.9.json"], "4")
    assert (ga.actor, ga.actor_entity, ga.deadline) == ("intergovernmental", "General Assembly",
                                                        "at its seventy-ninth session")


def test_a_lead_with_partners_names_them(bundled):
    """"Requests the Executive Director, in cooperation with WHO …": UNEP leads, the partner is listed."""
    found = [m for r in bundled.values() for m in r.mandates
             if any(e.partner and e.name == "WHO" for e in m.actor_entities)]
    assert found
    for m in found:
        assert (m.actor, m.actor_entity, m.with_partners) == ("unep", "UNEP Executive Director", True)
        assert m.actor_entities[0].name == "UNEP Executive Director" and not m.actor_entities[0].partner


def test_verbs_inside_the_paragraph_give_their_own_mandates(bundled):
    # 4/20 para. 5: "Decides to review Montevideo Programme V no later than 2025 and requests the Executive Director …"
    decides, requests = _paragraph(bundled["UNEP_EA.4_RES.20.json"], "5")
    assert (decides.verb, decides.actor_entity, decides.actor, decides.deadline) == (
        "decides", "United Nations Environment Assembly", "intergovernmental", "no later than 2025")
    assert (requests.verb, requests.actor_entity, requests.actor) == ("requests", "UNEP Executive Director", "unep")
    # 2/10 para. 10: "Notes the document … and requests the Executive Director to communicate …" (no comma)
    [notes] = _paragraph(bundled["UNEP_EA.2_RES.10.json"], "10")
    assert (notes.verb, notes.actor) == ("requests", "unep")
    # 4/6 para. 4: "Recalls its resolution 2/11 … and invites Member States, in close collaboration with the private sector, to: (a) …"
    recalls = _paragraph(bundled["UNEP_EA.4_RES.6.json"], "4(a)")
    assert [(m.verb, m.actor_entity) for m in recalls] == [("invites", "Member States")]
    assert [e.name for e in recalls[0].actor_entities if e.partner] == ["Private sector"]


def test_ministerial_declaration_gives_numbered_cited_commitments_and_calls(bundled):
    result = bundled["UNEP_EA.4_HLS.1.json"]
    assert not [s for s in result.skipped if s.reason == "report text outside any resolution"]
    [declaration] = result.resolutions
    assert declaration.symbol == "UNEP/EA.4/HLS.1"
    commitments = [m for m in result.mandates if m.verb == "commits"]
    assert len(commitments) >= 20
    first = commitments[0]
    assert first.text.startswith("We will undertake measures to invest in integrated")
    assert (first.citation, first.actor_text, first.actor_entity, first.actor) == (
        "UNEP/EA.4/HLS.1, para. 4", "We", "Member States", "member_states")
    assert len({m.paragraph for m in commitments}) == len(commitments)  # one commitment per paragraph
    # "We request the Executive Director … for our consideration at the seventh session of the … Assembly."
    [request] = [m for m in result.mandates if m.verb == "requests"]
    assert request.text.startswith("We request the Executive Director of the United Nations Environment Programme")
    assert (request.actor_entity, request.actor, request.deadline) == (
        "UNEP Executive Director", "unep", "at the seventh session")
    # "We encourage the disclosure of appropriate product information …": a call with no addressee is said so
    [call] = [m for m in result.mandates if m.verb == "encourages"]
    assert (call.actor, call.actor_source, call.actor_entity) == (None, "none", None)
    # statements are operative but not mandates
    reasons = {s.where: s.reason for s in result.skipped}
    assert reasons["UNEP/EA.4/HLS.1 para. 2"] == "operative but not a mandate: reaffirms"


def test_first_person_calls_in_un_documents():
    lines = {json.loads(line)["en"] for line in PARALLEL.read_text(encoding="utf-8").splitlines()}
    call = next(t for t in lines if t.startswith("We call on all Member States to implement now the Beijing"))
    [m] = extract_draft(call, language="en")
    assert (m.verb, m.actor_text, m.actor_entity, m.actor) == ("calls on", "all Member States", "Member States",
                                                                "member_states")
    both = next(t for t in lines if t == "We call on the United Nations and Member States to:")
    [m] = extract_draft(both + "\n(a) Implement the Beijing Platform for Action;", language="en")
    assert [(e.name, e.actor) for e in m.actor_entities] == [("United Nations system", "un_system"),
                                                            ("Member States", "member_states")]


@pytest.fixture(scope="module")
def ga():
    return {p.name: extract_path(p) for p in sorted(GA_PDFS.glob("A_RES_*.pdf"))}


def test_ga_pdf_addressees(ga):
    sand = ga["A_RES_79_212.pdf"]
    sg = [m for m in sand.mandates if m.paragraph == "25"][0]
    assert (sg.actor_entity, sg.actor, sg.resolution) == ("Secretary-General", "un_system", "A/RES/79/212")
    [pga] = [m for m in ga["A_RES_78_158.pdf"].mandates if m.paragraph == "9"]
    assert pga.text.startswith("Requests the President of the General Assembly to convene")
    assert (pga.actor_entity, pga.actor, pga.deadline) == ("President of the General Assembly", "intergovernmental",
                                                           "at the seventy-ninth session")
    # "the secretariat" of a GA resolution is the United Nations Secretariat's, not UNEP's
    assert [(e.name, e.actor) for e in addressees_in("the secretariat", "en", "ga")] == [
        ("United Nations Secretariat", "un_system")]
    # "Urges the international community to continue …" (79/202 para. 20): a body, though it ends in -ity
    [community] = [m for m in ga["A_RES_79_202.pdf"].mandates if m.paragraph == "20"]
    assert (community.actor_entity, community.actor) == ("International community", "member_states")
    # "Invites all States Members …, as well as the organizations of the United Nations system, … to observe …"
    [lake] = [m for m in ga["A_RES_79_142.pdf"].mandates if m.paragraph == "2"]
    assert [e.name for e in lake.actor_entities][:3] == ["Member States", "United Nations system", "International organizations"]
    # a cited meeting of another body is history, not a deadline ("adopted … at its fifteenth meeting")
    [welcomes] = [p for p in ga["A_RES_78_155.pdf"].paragraphs if p.number == "5"]
    assert "at its fifteenth meeting" in welcomes.text and deadline_in(welcomes.text) is None


def test_deadlines_and_history():
    assert deadline_in("to report thereon to the General Assembly at its eightieth session") == "at its eightieth session"
    assert deadline_in("to halve food waste by 2030") == "by 2030"
    assert deadline_in("在第七届会议上报告") == "第七届会议上"
    assert deadline_in("the decision adopted by the Executive Board at its 159th meeting") is None


# --- Chinese -------------------------------------------------------------------------------------


def _parallel_zh(document: str, start: str) -> str:
    for line in PARALLEL.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["document"] == document and item["zh"].lstrip("0123456789. ").startswith(start):
            return item["zh"]
    raise AssertionError(f"{document}: no line starting {start!r}")


@pytest.mark.parametrize(("document", "start", "verb", "entities"), [
    ("2015/a/69/687", "请秘书长", "请", [("Secretary-General", "un_system")]),
    ("2015/s/res/2196__2015_", "还敦促所有会员国", "敦促", [("Member States", "member_states"),
                                                     ("United Nations system", "un_system")]),
    ("2015/a/69/765", "敦促制药业", "敦促", [("Private sector", "stakeholders"),
                                        ("Academia and research institutions", "stakeholders"),
                                        ("Donors", "stakeholders"), ("Member States", "member_states")]),
    ("2015/e/icef/2015/l_4", "鼓励儿基会通过", "鼓励", [("UNICEF", "un_system")]),
])
def test_chinese_addressees_in_un_resolution_wording(document, start, verb, entities):
    text = _parallel_zh(document, start)
    [m] = extract_draft(text, language="zh")[:1]
    assert m.verb == verb
    assert [(e.name, e.actor) for e in m.actor_entities if not e.partner] == entities
    assert m.actor == entities[0][1] and m.actor_source == "rule"


def test_chinese_further_mandate_joined_by_bing_yaoqing():
    # UNEP/CHW.12/26 (Basel COP decision): "注意到…战略，并邀请各缔约方和其他各方在2016年3月31日之前向秘书处提供…"
    text = _parallel_zh("2015/unep/chw_12/26", "注意到 拟议联合信息交换机制战略")
    [m] = extract_draft(text, language="zh")
    assert (m.verb, m.actor_text, m.actor_entity, m.actor) == ("邀请", "各缔约方和其他各方", "Parties", "member_states")
    assert m.deadline == "2016年3月31日之前"


def test_chinese_forms_of_the_bodies():
    """The seed's own wording and the Chinese names of the bodies the issue lists."""
    seed = (BUNDLED / "UNEP_EA.4_3.zh.txt").read_text(encoding="utf-8")
    sentence = next(s for s in seed.split("。") if "各国环境部长请环境署执行主任编写" in s)
    after = sentence[sentence.index("请环境署执行主任") + 1:]
    assert chinese_actor_text(after) == "环境署执行主任"
    assert [(e.name, e.actor) for e in addressees_in("环境署执行主任", "zh")] == [("UNEP Executive Director", "unep")]
    cases = {
        "请秘书长": ("Secretary-General", "un_system"),
        "请联合国发展系统": ("United Nations development system", "un_system"),
        "请常驻代表委员会": ("Committee of Permanent Representatives", "intergovernmental"),
        "吁请各国政府": ("Member States", "member_states"),
        "邀请各利益攸关方": ("Stakeholders", "stakeholders"),
        "请世卫组织": ("WHO", "un_system"),
        "鼓励私营部门": ("Private sector", "stakeholders"),
        "请联合国系统各实体": ("United Nations system", "un_system"),
        "又促请驻海地的联合国系统": ("United Nations system", "un_system"),
        "请政府间谈判委员会": ("Intergovernmental negotiating committee", "intergovernmental"),
    }
    for text, expected in cases.items():
        [m] = extract_draft(text + "继续开展工作；", language="zh")
        assert (m.actor_entity, m.actor) == expected, text
    # two addressees joined by 和 / 及
    [m] = extract_draft("请执行主任和世卫组织继续开展工作；", language="zh")
    assert [e.name for e in m.actor_entities] == ["UNEP Executive Director", "WHO"]
    # the seed's Annex II columns name their entity; the stated column stays the actor
    seed_mandates = extract_path(BUNDLED / "UNEP_EA.4_3.zh.txt").mandates
    assert {(m.actor_text, m.actor_entity, m.actor, m.actor_source) for m in seed_mandates} == {
        ("环境署", "UNEP", "unep", "document"), ("会员国", "Member States", "member_states", "document")}


def test_gazetteer_is_data_and_well_formed():
    for code in lang.languages():
        names = [e["name"] for e in lang.addressees(code)]
        assert len(names) == len(set(names)), code
        for e in lang.addressees(code):
            assert e["actor"] in (*ACTORS, None) and e["forms"], e
        assert find_entities("", code) == []
    en_names = {e["name"] for e in lang.addressees("en")}
    assert {e["name"] for e in lang.addressees("zh")} <= en_names  # one canonical name in every language


def test_a_decision_cited_as_history_is_no_deadline(bundled):
    # 2/24 para. 7: "… in line with decision 3/COP.12 adopted at the twelfth meeting of the Conference of the Parties …"
    calls = _paragraph(bundled["UNEP_EA.2_RES.24.json"], "7")
    assert "adopted at the twelfth meeting" in calls[0].text
    assert [m.deadline for m in calls] == [None] * len(calls)
    # 4/1 para. 12: "… to present the outcome to the Environment Assembly at its fifth session" is one
    [task_group] = _paragraph(bundled["UNEP_EA.4_RES.1.json"], "12")
    assert task_group.deadline == "at its fifth session"


def test_an_insertion_right_after_the_verb_does_not_hide_the_addressee(bundled):
    # 2/5 para. 7: "Invites, as appropriate, the Secretary-General and the United Nations System Chief Executives Board …"
    [m] = _paragraph(bundled["UNEP_EA.2_RES.5.json"], "7")
    assert m.text.startswith("Invites, as appropriate, the Secretary-General")
    assert (m.actor_entity, m.actor, m.actor_source) == ("Secretary-General", "un_system", "rule")
