"""Extraction in the six UN languages, on real aligned text: the UN Parallel Corpus sample
(../shared/corpus/un-parallel/un-parallel-sample.jsonl: the same sentence in ar, en, es, fr, ru, zh)
and the bundled French resolution UNEA 6/1.

Each operative resolution paragraph of the sample (an English line with a printed number and a listed lead
verb) is read in all six languages; what English gives is the reference: the number of mandates, their
paragraph numbers, lead-verb classes (request, call, decide) and actors. The comparison is the one
`unea-mandates eval` prints (service.usecases.language_agreement). Every difference is printed as a table;
a version may differ only where it really says something else (the French "Demande" for "Requests", a
Russian version that leaves out an addressee, a line aligned without its number), each recorded by hand
with its reason in tests/extractors/data/translation_differences.tsv.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from extractors.operative_leads import is_preambular_lead
from extractors.paragraph_numbers import split_label
from extractors.pipeline import extract_draft, extract_path
from service.usecases.language_agreement import aligned_agreement
from tests.shared_corpus import UN_PARALLEL_SAMPLE

SAMPLE = UN_PARALLEL_SAMPLE
BUNDLED = Path(__file__).resolve().parents[2] / "corpus" / "bundled"
DIFFERENCES = Path(__file__).resolve().parent / "data" / "translation_differences.tsv"
OTHERS = ("fr", "es", "ru", "ar", "zh")
EXTRACTION_LABELS = ("mandates", "paragraph", "verb_class", "actor")  # the area needs a classifier: eval's


def _rows() -> list[dict]:
    with SAMPLE.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _recorded_differences() -> dict[tuple[str, str, str], tuple[set[str], str]]:
    """(document, English paragraph, language) → (labels excused, reason)."""
    with DIFFERENCES.open(encoding="utf-8") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
        return {(r["document"], r["paragraph"], r["language"]): (set(r["labels"].split(",")), r["reason"]) for r in rows}


@pytest.fixture(scope="module")
def aligned() -> dict:
    return {"rows": _rows(), "agreement": aligned_agreement(SAMPLE)}


def test_sample_has_operative_resolution_paragraphs(aligned):
    assert aligned["agreement"].lines >= 37  # the issue counts 37 operative paragraphs; strict leads find 50


def test_every_language_reads_the_operative_lines_like_english(aligned):
    """Same number of mandates, paragraph numbers, verb classes and actors as English, line by line, except
    where a recorded translation difference says why not; a recorded difference that no longer occurs fails
    too (the record is kept true)."""
    result, recorded = aligned["agreement"], _recorded_differences()
    differing = [d for d in result.disagreements if d.label in EXTRACTION_LABELS]
    print(f"\nper language, share of the {result.lines} operative lines agreeing with English")
    print("language\t" + "\t".join(EXTRACTION_LABELS))
    for lang in OTHERS:
        print(lang + "\t" + "\t".join(f"{result.share(lang, label):.2f}" for label in EXTRACTION_LABELS))
    print("document\tparagraph\tlanguage\tlabel\tEnglish\tthis version\trecorded reason")
    unexplained, used = [], set()
    for d in differing:
        key = (d.document, d.paragraph, d.language)
        labels, reason = recorded.get(key, (set(), ""))
        print(f"{d.document}\t{d.paragraph}\t{d.language}\t{d.label}\t{d.english}\t{d.reading}\t{reason or 'NONE'}")
        if d.label in labels:
            used.add(key)
        else:
            unexplained.append((d.document, d.paragraph, d.language, d.label, d.english, d.reading, d.text[:80]))
    assert unexplained == []
    assert sorted(set(recorded) - used) == []


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
    # lines of the sample: the UN formulae each language's data now reads
    ('3. 促请所有各方全面执行"一揽子措施"，包括其中规定的全面停火；', "zh", "促请", "member_states", "Parties"),
    ("4. 我们呼吁各国政府、私营部门、学术界、民间社会和国际组织进行合作，采取下列步骤：", "zh", "呼吁", "member_states",
     "Member States"),
    ("20. 敦促过去10年平均利用率低于80%基准的政府间机构在规划未来会议时考虑这个因素，以达到该基准；", "zh", "敦促",
     "intergovernmental", "Intergovernmental bodies"),
    ("17. 决定专家小组的任务包括以下各项工作：", "zh", "决定", "intergovernmental", "United Nations Environment Assembly"),
    ("3. 要求有关国家各政党团结合作，立即采取协调措施；", "zh", "要求", "stakeholders", "Political parties"),
    ("3 - تطالب بأن يعمل جميع الأحزاب السياسية في البلدان المعنية يدا في يد؛", "ar", "تطالب", "stakeholders",
     "Political parties"),
    ("3 - يحيط علما بالخطوات التي اتخذتها اليونيسيف لإقامة روابط أقوى بين البرامج الإنسانية والبرامج الإنمائية، "
     "ويشجعها على مواصلة القيام بذلك؛", "ar", "يشجع", "un_system", "UNICEF"),
    ("16 - توصي بوضع خطط لمساعدة البلدان المنكوبة على التعافي السريع؛", "ar", "توصي", None, None),
    ("16. Recomienda que se elaboren planes para ayudar a los países afectados a recuperarse;", "es", "recomienda",
     None, None),
])
def test_addressees_are_named_from_the_gazetteer_in_each_language(text, language, verb, actor, entity):
    (mandate,) = extract_draft(text, language=language)
    assert (mandate.verb, mandate.actor, mandate.actor_entity) == (verb, actor, entity)


@pytest.mark.parametrize("text", [
    "13. 决定，上文第12段规定的措施不适用于被相关会员国认定为属以下情况的资金、其他金融资产和经济资源：",  # do not apply
    "14. 决定，会员国可允许在已依照上文第12段规定冻结的账户中存入这些账户的利息或其他收益；",  # may
])
def test_chinese_decisions_where_no_one_acts_give_no_mandate(text):
    assert extract_draft(text, language="zh") == []


@pytest.mark.parametrize("text", [
    "建议：",  # a heading: "Recommendations:"
    "请将本函及其附件作为大会议程项目42下的文件和安全理事会文件分发为荷。",  # "I would be grateful if you would circulate …"
])
def test_chinese_headings_and_letters_courtesy_requests_give_no_mandate(text):
    assert extract_draft(text, language="zh") == []


def test_french_resolution_6_1_gives_its_mandates():
    result = extract_path(BUNDLED / "UNEP_EA.6_RES.1.json")
    assert result.document.language == "fr"
    assert not [s for s in result.skipped if "language" in s.reason]
    got = [(m.paragraph, m.verb, m.actor_entity) for m in result.mandates]
    assert got == [("1", "invite", "Member States"), ("2", "invite", "Member States"), ("3", "invite", "Member States"),
                   ("4", "prie", "UNEP Executive Director"), ("5", "prie", "UNEP Executive Director")]
    assert result.mandates[4].deadline == "à sa septième session"
    assert all(m.language == "fr" for m in result.mandates)
