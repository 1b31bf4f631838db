"""Extraction in the six UN languages, on real aligned text: the UN Parallel Corpus sample
(/work/shared/corpus/un-parallel/un-parallel-sample.jsonl: the same sentence in ar, en, es, fr, ru, zh)
and the bundled French resolution UNEA 6/1.

Each operative resolution paragraph of the sample (an English line with a printed number and a listed lead
verb) is read in all six languages; what English gives is the reference: the number of mandates, their
paragraph number, lead-verb class (request, call, decide) and actor. Where a translation says something
else (the French "Demande" for "Requests", a Russian version that leaves out an addressee) the versions
differ: the test prints every difference as a table and holds each language to the agreement measured when
the languages were added, so a change that loses agreement fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.operative_leads import english_lead, is_preambular_lead, lead_class
from extractors.paragraph_numbers import split_label
from extractors.pipeline import extract_draft, extract_path

SAMPLE = Path("/work/shared/corpus/un-parallel/un-parallel-sample.jsonl")
BUNDLED = Path(__file__).resolve().parents[2] / "corpus" / "bundled"
OTHERS = ("fr", "es", "ru", "ar", "zh")
# share of operative lines whose version gives exactly what the English one gives (measured: 50 lines;
# fr 44, es 45, ru 45, ar 44, zh 35 agreed when this was written); a drop below these fails
MIN_AGREEMENT = {"fr": 0.88, "es": 0.90, "ru": 0.90, "ar": 0.88, "zh": 0.70}


def _rows() -> list[dict]:
    with SAMPLE.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _operative(rows: list[dict]) -> list[dict]:
    out = []
    for row in rows:
        label, body = split_label(row["en"])
        if label is not None and label.kind == "number" and english_lead(body, strict=True):
            out.append(row)
    return out


def _reading(text: str, language: str) -> list[tuple]:
    return [((m.paragraph or "").split("#")[0], lead_class(m.verb, language), m.actor)
            for m in extract_draft(text, language=language)]


@pytest.fixture(scope="module")
def aligned() -> dict:
    rows = _rows()
    operative = _operative(rows)
    readings = [{lang: _reading(row[lang], lang) for lang in ("en", *OTHERS)} for row in operative]
    return {"rows": rows, "operative": operative, "readings": readings}


def test_sample_has_operative_resolution_paragraphs(aligned):
    assert len(aligned["operative"]) >= 37  # the issue counts 37 operative paragraphs; strict leads find 50


def test_every_language_reads_the_operative_lines_like_english(aligned):
    failures = []
    agreed = dict.fromkeys(OTHERS, 0)
    for row, reading in zip(aligned["operative"], aligned["readings"], strict=True):
        for lang in OTHERS:
            if reading[lang] == reading["en"]:
                agreed[lang] += 1
            else:
                failures.append(f"{row['document']}\t{lang}\ten={reading['en']}\t{lang}={reading[lang]}\t{row[lang][:60]}")
    print("\n".join(["document\tlanguage\tEnglish reading\tthis reading\ttext", *failures]))
    total = len(aligned["operative"])
    for lang in OTHERS:
        assert agreed[lang] / total >= MIN_AGREEMENT[lang], (lang, agreed[lang], total)


def test_mandate_lines_give_mandates_with_the_same_number_in_every_language(aligned):
    """Where English finds a mandate and a version prints the same paragraph number, it finds one too, under
    that number (a lead lost in any language fails here)."""
    lost = []
    for row, reading in zip(aligned["operative"], aligned["readings"], strict=True):
        if not reading["en"]:
            continue
        number = reading["en"][0][0]
        for lang in ("fr", "es", "ru", "ar"):
            label, _ = split_label(row[lang])
            if label is None:
                continue  # this version's line was aligned without its number
            if not reading[lang] or reading[lang][0][0] != number:
                lost.append((row["document"], lang, number, reading[lang]))
    assert lost == []


def test_lead_classes_agree_where_both_find_a_mandate(aligned):
    disagree = []
    for row, reading in zip(aligned["operative"], aligned["readings"], strict=True):
        for lang in ("fr", "es", "ru", "ar"):
            if reading["en"] and reading[lang] and reading[lang][0][1] != reading["en"][0][1]:
                disagree.append((row["document"], lang, reading["en"][0][1], reading[lang][0][1]))
    # measured: one — "Demande également au secrétariat" (fr) reads as a call where English "Requests"
    assert len(disagree) <= 1, disagree


def test_arabic_indic_numbering_is_read():
    assert split_label("٤ - تطلب إلى الأمين العام أن يواصل")[0].value == "4"
    assert split_label("١7 - يذكّر بضرورة")[0].value == "17"
    assert split_label("29- يطلب أيضاً إلى الأمانة")[0].value == "29"


def test_preambular_lines_give_no_mandates(aligned):
    preambular = [row for row in aligned["rows"] if is_preambular_lead(row["en"], "en")]
    assert len(preambular) >= 40
    found = [(row["document"], lang, m.verb) for row in preambular for lang in ("en", *OTHERS)
             for m in extract_draft(row[lang], language=lang)]
    assert found == []


@pytest.mark.parametrize(("text", "language", "verb", "actor", "entity"), [
    ("4. Prie le Secrétaire général de continuer ses efforts ;", "fr", "prie", "un_system", "Secretary-General"),
    ("8. Alienta al PNUD a que siga velando por que se evalúen los riesgos;", "es", "alienta", "un_system", "UNDP"),
    ("4. просит Генерального секретаря продолжать прилагать усилия;", "ru", "просит", "un_system", "Secretary-General"),
    ("٤ - تطلب إلى الأمين العام أن يواصل بذل جهوده؛", "ar", "تطلب إلى", "un_system", "Secretary-General"),
    ("9 - يهيب بفريق الخبراء أن يتعاون بنشاط؛", "ar", "يهيب", "un_system", "Panel of Experts"),
    ("5. Prie également la Directrice exécutive de lui faire rapport ;", "fr", "prie", "unep", "UNEP Executive Director"),
])
def test_addressees_are_named_from_the_gazetteer_in_each_language(text, language, verb, actor, entity):
    (mandate,) = extract_draft(text, language=language)
    assert (mandate.verb, mandate.actor, mandate.actor_entity) == (verb, actor, entity)


def test_french_resolution_6_1_gives_its_mandates():
    result = extract_path(BUNDLED / "UNEP_EA.6_RES.1.json")
    assert result.document.language == "fr"
    assert not [s for s in result.skipped if "language" in s.reason]
    got = [(m.paragraph, m.verb, m.actor_entity) for m in result.mandates]
    assert got == [("1", "invite", "Member States"), ("2", "invite", "Member States"), ("3", "invite", "Member States"),
                   ("4", "prie", "UNEP Executive Director"), ("5", "prie", "UNEP Executive Director")]
    assert result.mandates[4].deadline == "à sa septième session"
    assert all(m.language == "fr" for m in result.mandates)
