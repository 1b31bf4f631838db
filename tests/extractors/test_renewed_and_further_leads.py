"""Issue 24: renewed instructions ("Reiterates its request to …"), an instruction after a statement in the
same paragraph ("Stresses …, and in this regard urges …"), headings inside a resolution, and addressees
written as a relative clause or as the funds and programmes, in the six languages. The text is written here
in the shape of General Assembly and UNEA paragraphs; the GA PDFs in tests/fixtures are read where they hold
the case."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.pipeline import extract_draft, extract_path, extract_raw
from extractors.raw import RawBlock, RawDocument
from extractors.structure import split_glued_heading

GA_PDFS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "un-ga-pdfs"


def _read(text: str, language: str) -> list[tuple[str | None, str | None, str | None, str | None]]:
    return [(m.paragraph, m.verb, m.actor, m.actor_text) for m in extract_draft(text, language)]


@pytest.mark.parametrize(("language", "text", "verb", "actor"), [
    ("en", "9. Reiterates its request to the Secretary-General to make proposals on the matter;", "requests", "un_system"),
    ("en", "9. Also reiterates its request that the Executive Director report on progress;", "requests", "unep"),
    ("en", "9. Reiterates its call upon Member States to ratify the Convention;", "calls upon", "member_states"),
    ("en", "9. Reiterates its invitation to the regional commissions to contribute to the review;", "invites",
     "un_system"),
    ("fr", "9. Réitère sa demande au Secrétaire général de présenter des propositions;", "prie", "un_system"),
    ("fr", "9. Réitère son appel aux États Membres pour qu'ils ratifient la Convention;", "appelle", "member_states"),
    ("es", "9. Reitera su solicitud al Secretario General de que presente propuestas;", "solicita", "un_system"),
    ("es", "9. Reitera también su invitación a las comisiones regionales a que contribuyan al examen;", "invita",
     "un_system"),
    ("ru", "9. повторяет свою просьбу к Генеральному секретарю представить предложения;", "просит", "un_system"),
    ("ru", "9. вновь обращается с просьбой к Генеральному секретарю представить предложения;",
     "обращается с просьбой", "un_system"),
    ("ar", "9 - تكرر طلبها إلى الأمين العام أن يقدم مقترحات؛", "تطلب", "un_system"),
    ("ar", "9 - تكرر دعوتها الدول الأعضاء إلى التصديق على الاتفاقية؛", "تدعو", "member_states"),
    ("zh", "9. 重申请秘书长提出建议；", "请", "un_system"),
    ("zh", "9. 再次请秘书长提出建议；", "请", "un_system"),
])
def test_a_renewed_instruction_is_the_mandate_it_renews(language, text, verb, actor):
    [(paragraph, read_verb, read_actor, _)] = _read(text, language)
    assert (paragraph, read_verb, read_actor) == ("9", verb, actor)


@pytest.mark.parametrize(("language", "text"), [
    ("en", "9. Reiterates the importance of cooperation;"),
    ("fr", "9. Réitère l'importance de la coopération;"),
    ("es", "9. Reitera la importancia de la cooperación;"),
    ("ru", "9. вновь подтверждает важность сотрудничества;"),
    ("ar", "9 - تكرر تأكيد أهمية التعاون؛"),
    ("zh", "9. 重申合作的重要性；"),
    ("en", "3. Strives to strengthen the provision of resources for forests;"),  # the Assembly's own commitment
])
def test_reiterating_or_striving_alone_asks_no_one(language, text):
    assert _read(text, language) == []


@pytest.mark.parametrize(("language", "text", "verb", "actor"), [
    ("en", "13. Stresses the urgent need to enhance resilience, and in this regard urges Member States to engage "
           "in adaptation planning;", "urges", "member_states"),
    ("en", "44. Notes that investments have potential, and therefore invites all relevant stakeholders to consider "
           "the opportunities;", "invites", "stakeholders"),
    ("en", "17. Underlines the need to address impacts, and in that regard encourages Governments and relevant "
           "organizations to integrate nature-based solutions;", "encourages", "member_states"),
    ("en", "3. Acknowledges the work of the secretariat, and, to that end, calls upon Member States to support it;",
     "calls upon", "member_states"),
    ("en", "5. Welcomes the report, and reiterates its request to the Executive Director to continue the work;",
     "requests", "unep"),
    ("es", "13. Destaca la urgente necesidad de aumentar la resiliencia, y a este respecto insta a los Estados "
           "Miembros a que participen en la planificación;", "insta", "member_states"),
    ("fr", "13. Souligne qu'il est urgent de renforcer la résilience et à cet égard engage les États Membres à "
           "poursuivre la planification;", "engage", "member_states"),
    ("ru", "13. отмечает, что инвестиции имеют потенциал, и поэтому предлагает всем заинтересованным сторонам "
           "рассмотреть возможности;", "предлагает", "stakeholders"),
    ("ar", "13 - تشدد على الحاجة الملحة إلى تعزيز القدرة على التكيف، وفي هذا الصدد، تحث الدول الأعضاء على مواصلة "
           "التخطيط؛", "تحث", "member_states"),
    ("zh", "13. 强调迫切需要加强适应能力，并在这方面敦促会员国继续参与适应规划；", "敦促", "member_states"),
])
def test_the_instruction_after_a_statement_is_the_mandate(language, text, verb, actor):
    [(paragraph, read_verb, read_actor, _)] = _read(text, language)
    assert (paragraph, read_verb, read_actor) == ("13" if text.startswith("13") else text.split(".")[0],
                                                 verb, actor)


def test_calls_for_a_thing_names_no_addressee():
    found = _read("6. Invites Member States to contribute to the trust fund, and calls for increased financial "
                  "resources to support projects;", "en")
    assert found == [("6", "invites", "member_states", "Member States")]  # "increased financial resources" is asked for
    [(_, verb, actor, actor_text)] = _read("56. Notes that extreme heat is deadly, and calls for urgent and concerted "
                                          "efforts to enhance cooperation;", "en")
    assert (verb, actor, actor_text) == ("calls for", None, None)


@pytest.mark.skipif(not GA_PDFS.exists(), reason="GA PDF fixtures not present")
def test_general_assembly_paragraphs_of_the_issue():
    res_79_212 = {m.paragraph: m for m in extract_path(GA_PDFS / "A_RES_79_212.pdf").mandates}
    assert (res_79_212["9"].verb, res_79_212["9"].actor) == ("requests", "intergovernmental")
    res_78_153 = {(m.paragraph, m.verb): m.actor for m in extract_path(GA_PDFS / "A_RES_78_153.pdf").mandates}
    assert res_78_153[("13", "urges")] == "member_states"
    assert res_78_153[("17", "encourages")] == "member_states"


@pytest.mark.parametrize(("language", "text", "actor", "actor_text"), [
    ("es", "8. Insta a todos los Estados que aún no lo hayan hecho a que ratifiquen el Convenio;", "member_states",
     "a todos los Estados que aún no lo hayan hecho"),
    ("es", "8. Exhorta a los Estados que estén en condiciones de hacerlo a que aporten contribuciones;",
     "member_states", "a los Estados que estén en condiciones de hacerlo"),
    ("es", "8 Insta a los Estados Miembros a que ratifiquen el Convenio;", "member_states", "a los Estados Miembros"),
    ("es", "8. Exhorta a los fondos y programas de las Naciones Unidas a que apoyen a los países;", "un_system",
     "a los fondos y programas de las Naciones Unidas"),
    ("es", "8. Exhorta a los fondos y programas del sistema de las Naciones Unidas para el desarrollo a que apoyen a "
           "los países;", "un_system", "a los fondos y programas del sistema de las Naciones Unidas para el desarrollo"),
    ("fr", "8 Engage les États qui ne l'ont pas encore fait à ratifier la Convention;", "member_states",
     "les États qui ne l'ont pas encore fait"),
    ("fr", "8. Engage les fonds et programmes des Nations Unies à appuyer les pays;", "un_system",
     "les fonds et programmes des Nations Unies"),
    ("ru", "8 призывает государства, которые еще не сделали этого, ратифицировать Конвенцию;", "member_states",
     "государства, которые еще не сделали этого"),
    ("ru", "8. предлагает фондам и программам Организации Объединенных Наций оказывать поддержку странам;",
     "un_system", "фондам и программам Организации Объединенных Наций"),
    ("ar", "8 - تهيب بالدول التي لم تقم بذلك بعد أن تصدق على الاتفاقية؛", "member_states",
     "بالدول التي لم تقم بذلك بعد"),
    ("ar", "8 - تهيب بصناديق الأمم المتحدة وبرامجها أن تدعم البلدان؛", "un_system", "بصناديق الأمم المتحدة وبرامجها"),
])
def test_addressees_as_relative_clauses_and_funds_and_programmes(language, text, actor, actor_text):
    [(paragraph, _, read_actor, read_text)] = _read(text, language)
    assert (paragraph, read_actor, read_text) == ("8", actor, actor_text)


def test_a_bare_date_is_no_paragraph_number():
    assert _read("21 de diciembre de 2023", "es") == []


def _resolution(lines: list[str], language: str = "en"):
    blocks = [RawBlock(line, page=1) for line in lines]
    return extract_raw(RawDocument(source="t", id="t", format="text", blocks=blocks), draft=True, language=language)


def test_a_heading_is_the_section_of_the_paragraphs_under_it_not_their_text():
    result = _resolution([
        "The General Assembly,",
        "Noting the report Global Resources Outlook 2019: Natural Resources for the Future We Want,",
        "1. Welcomes the report of the Secretary-General;",
        "Transfer of technology Encourages the development and transfer of environmentally sound technologies;",
        "3. Invites Member States to share experience;",
        "Capacity-building 4. Requests the Secretary-General to report at its eightieth session;",
        "(thousands of United States dollars)",
        "5. Urges Member States to strengthen capacity;",
    ])
    paragraphs = [(p.number, p.section, p.text[:24]) for p in result.paragraphs]
    assert paragraphs == [
        (None, None, "Noting the report Global"),
        ("1", None, "Welcomes the report of t"),
        ("2", "Transfer of technology", "Encourages the developme"),
        ("3", "Transfer of technology", "Invites Member States to"),
        ("4", "Capacity-building", "Requests the Secretary-G"),
        ("5", "Capacity-building", "Urges Member States to s"),  # a table caption is no heading
    ]
    assert {m.paragraph: m.source.section for m in result.mandates}["2"] == "Transfer of technology"


def test_consecutive_heading_lines_join():
    result = _resolution(["The General Assembly,", "Recalling its resolution 77/1,", "A", "Follow-up",
                          "1. Requests the Secretary-General to report;"])
    assert result.paragraphs[-1].section == "A Follow-up"


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("Transferencia de tecnología Alienta el desarrollo de tecnologías;", "es", "Transferencia de tecnología"),
    ("Transfert de technologie Encourage le développement des technologies;", "fr", "Transfert de technologie"),
    ("Requests the Secretary-General to report;", "en", None),
    ("Recalling the report The Future We Want Invites States,", "en", None),  # a preambular paragraph
    ("Noting the report The Future We Want, welcoming its findings,", "en", None),
])
def test_split_glued_heading(text, language, expected):
    assert split_glued_heading(text, language)[0] == expected
