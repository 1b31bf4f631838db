"""The extraction pipeline end to end: registry JSON, renderings to DOCX/PDF, original GA PDFs, the seed."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from extractors.pipeline import extract_draft, extract_path, iter_document_paths
from tests.rendering import rendered_docx, rendered_pdf, soffice_available

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "corpus" / "bundled"
GA_PDFS = REPO / "tests" / "fixtures" / "un-ga-pdfs"

needs_soffice = pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")


def _norm(text: str) -> str:
    # whitespace normalisation; PDF line joins may leave a space after a dash ("2015– 2030")
    return re.sub(r"([–-])\s+", r"\1", re.sub(r"\s+", " ", text)).strip()


def _key(result) -> list[tuple]:
    return [(m.resolution, m.paragraph, _norm(m.text), m.verb, m.actor_text, m.actor) for m in result.mandates]


def test_registry_json_document_fields():
    path = BUNDLED / "UNEP_EA.2_RES.11.json"
    result = extract_path(path)
    doc = result.document
    assert doc.id == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (doc.symbol, doc.language, doc.session, doc.format) == ("UNEP/EA.2/Res.11", "en", 2, "registry-json")
    assert doc.title == "Marine plastic litter and microplastics"
    assert doc.date == "2016-05-27"
    assert [r.key for r in result.resolutions] == ["UNEP/EA.2/Res.11"]
    assert {m.document for m in result.mandates} == {doc.id}
    assert all(m.source.kind == "paragraph" for m in result.mandates)


# Renderings (LibreOffice / python-docx) of real registry text: the same words in another format.
UNNUMBERED = ["UNEP_EA.2_RES.13.json", "UNEP_EA.4_RES.17.json", "UNEP_EA.5_RES.2.json"]


@needs_soffice
@pytest.mark.parametrize("name", UNNUMBERED)
def test_renderings_without_numbers_give_the_json_mandates(name):
    expected = _key(extract_path(BUNDLED / name))
    assert expected
    assert _key(extract_path(rendered_docx(BUNDLED / name))) == expected
    assert _key(extract_path(rendered_pdf(BUNDLED / name, numbering="none"))) == expected


@needs_soffice
def test_renderings_with_printed_numbers_give_the_json_mandates():
    # 2/11 keeps its printed numbers in the export; 6/13 gets them back from the renderer
    for name in ("UNEP_EA.2_RES.11.json", "UNEP_EA.6_RES.13.json"):
        expected = _key(extract_path(BUNDLED / name))
        assert _key(extract_path(rendered_docx(BUNDLED / name, numbering="text"))) == expected
        assert _key(extract_path(rendered_docx(BUNDLED / name, numbering="word"))) == expected
        assert _key(extract_path(rendered_pdf(BUNDLED / name, numbering="text"))) == expected


@pytest.fixture(scope="module")
def ga_results():
    names = ["A_RES_79_212.pdf", "A_RES_78_153.pdf", "A_RES_79_142.pdf"]
    return {name: extract_path(GA_PDFS / name) for name in names}


def _first_by_paragraph(result) -> dict:
    out: dict = {}
    for m in result.mandates:
        out.setdefault(m.paragraph, m)
    return out


def test_ga_pdfs_mandates_with_printed_numbers(ga_results):
    sand = _first_by_paragraph(ga_results["A_RES_79_212.pdf"])
    m = sand["25"]
    assert m.text.startswith("Requests the Secretary-General to further encourage")
    assert (m.verb, m.actor_text, m.actor, m.resolution, m.source.page) == (
        "requests", "the Secretary-General", "un_system", "A/RES/79/212", 8)
    assert sand["5"].actor == "un_system" and sand["5"].deadline == "by July 2025"
    assert "1" not in sand  # "Takes note of the report of the Secretary-General;"

    climate = _first_by_paragraph(ga_results["A_RES_78_153.pdf"])
    assert climate["30"].text.startswith("Urges Member States")
    assert (climate["30"].verb, climate["30"].actor) == ("urges", "member_states")
    assert climate["10"].deadline == "by the end of 2023"

    lake = ga_results["A_RES_79_142.pdf"]
    assert lake.document.symbol == "A/RES/79/142" and lake.document.title == "World Lake Day"
    by_para = _first_by_paragraph(lake)
    assert by_para["3"].actor == "unep"
    # "Decides to proclaim …": no addressee stated, the General Assembly itself acts
    assert (by_para["1"].verb, by_para["1"].actor_entity, by_para["1"].actor) == (
        "decides", "General Assembly", "intergovernmental")


def test_french_resolution_is_recognised_and_read():
    result = extract_path(BUNDLED / "UNEP_EA.6_RES.1.json")
    assert result.document.language == "fr"
    assert len(result.mandates) == 5  # tests/extractors/test_six_languages.py checks each
    assert [s.reason for s in result.skipped if "language" in s.reason] == []


def test_seed_gives_the_table_mandates_only():
    result = extract_path(BUNDLED / "UNEP_EA.4_3.zh.txt")
    assert result.document.language == "zh"
    assert result.resolutions == []  # a report, not a resolution: its numbered paragraphs are not mandates
    assert len(result.mandates) == 265
    assert {m.source.kind for m in result.mandates} == {"table"}
    assert {m.action_area_source for m in result.mandates} == {"document"}
    # identity: the symbol from the UN file name (its text export lost the masthead symbol), the session
    # from the symbol, the date of issue from the masthead ("Distr.: General / 21 December 2018")
    doc = result.document
    assert (doc.symbol, doc.session, doc.date) == ("UNEP/EA.4/3", 4, "2018-12-21")


def test_symbols_from_un_file_names():
    from extractors.symbols import symbol_from_filename

    assert symbol_from_filename("UNEP_EA.4_3.zh.txt") == "UNEP/EA.4/3"
    assert symbol_from_filename("UNEP_EA.4_3_Add.1.docx") == "UNEP/EA.4/3/Add.1"
    assert symbol_from_filename("UNEP_EA.4_1_REV.1-ZH.pdf") == "UNEP/EA.4/1/Rev.1"
    assert symbol_from_filename("UNEP_EA.2_RES.11.json") == "UNEP/EA.2/Res.11"
    assert symbol_from_filename("UNEP_EA.4_HLS.1.json") == "UNEP/EA.4/HLS.1"
    # names that only contain a symbol-like part, or none, are not guessed at
    assert symbol_from_filename("notes_on_UNEP_EA.4_3.txt") is None
    assert symbol_from_filename("implementation plan.txt") is None


def test_draft_bare_sentence_and_numbered():
    (m,) = extract_draft("Urges Member States to phase out single-use plastic products by 2030.")
    assert (m.resolution, m.paragraph, m.verb, m.actor, m.deadline) == ("draft", "1", "urges", "member_states", "by 2030")
    numbered = extract_draft(
        "The United Nations Environment Assembly,\n"
        "Recalling its resolution 2/11,\n"
        "1. Welcomes the report of the Executive Director;\n"
        "2. Requests the Executive Director, in cooperation with partners, to:\n"
        "(a) support countries;\n(b) report at its next session.\n")
    assert [(m.paragraph, m.actor) for m in numbered] == [("2(a)", "unep"), ("2(b)", "unep")]
    assert numbered[1].deadline == "at its next session" and numbered[0].with_partners
    zh = extract_draft("敦促会员国在现有资源范围内采取行动。")
    assert [(m.verb, m.actor, m.conditions) for m in zh] == [("敦促", "member_states", ["在现有资源范围内"])]


def test_iter_document_paths(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for rel in ["b/2.json", "b/1.pdf", "a.txt", ".secret.txt", ".hidden/x.txt"]:
        (tmp_path / rel).write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_document_paths([tmp_path])]
    assert found == ["a.txt", "b/1.pdf", "b/2.json"]
    assert list(iter_document_paths([tmp_path / "missing.pdf"])) == [tmp_path / "missing.pdf"]


def test_draft_lines_broken_mid_sentence_are_joined():
    drafted = extract_draft("1. Requests the Secretary-General to report;\n2. Urges Member States\nto act quickly.")
    assert [(m.paragraph, m.actor, m.text) for m in drafted] == [
        ("1", "un_system", "Requests the Secretary-General to report;"),
        ("2", "member_states", "Urges Member States to act quickly."),
    ]
    assert extract_draft("") == [] and extract_draft("3/7. Marine litter") == []
