"""A paragraph ingested in several languages: its versions are linked by resolution and paragraph number, and
where the per-language readings of a label differ the mandate's page is told which (`disagrees`).

Real text: two operative paragraphs of the UN Parallel Corpus sample in all six languages
(../shared/corpus/un-parallel/un-parallel-sample.jsonl), each read by the extractors in its own language.
"""

from __future__ import annotations

import json

import pytest

from extractors.pipeline import extract_draft
from extractors.schema import Document, content_hash
from index.base import SearchQuery
from service.usecases.context import mandate_in_context
from tests.index.backends import open_backend
from tests.shared_corpus import UN_PARALLEL_SAMPLE

SAMPLE = UN_PARALLEL_SAMPLE
PARAGRAPHS = {  # document → the English paragraph's opening
    "2015/a/69/687": "4. Requests the Secretary",  # every language: the Secretary-General (un_system)
    # English urges Member States first; the Russian version asks only the UN bodies (a real translation
    # difference, recorded in tests/extractors/data/translation_differences.tsv)
    "2015/s/res/2196__2015_": "22. Further urges all Member States",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    store = open_backend("sqlite", tmp_path_factory.mktemp("versions-home"))
    for document, opening in PARAGRAPHS.items():
        row = next(r for r in rows if r["document"] == document and r["en"].startswith(opening))
        for language in ("ar", "en", "es", "fr", "ru", "zh"):
            doc_id = content_hash(f"{document}|{language}".encode())
            mandates = [m.model_copy(update={"document": doc_id, "resolution": document})
                        for m in extract_draft(row[language], language=language)]
            store.replace_document(Document(id=doc_id, source_file=f"{document}.{language}", language=language), mandates)
    yield store
    store.close()


def _english(index, document: str):
    hits = index.search(SearchQuery(
        filters={"resolution": [document], "language": ["en"]}, limit=5)).hits
    return hits[0].mandate


def test_versions_are_linked_by_paragraph_and_agree(index):
    detail = mandate_in_context(index, _english(index, "2015/a/69/687").id)
    versions = detail.other_languages
    assert sorted(v.mandate.language for v in versions) == ["ar", "es", "fr", "ru", "zh"]
    assert {v.match for v in versions} == {"paragraph"} and {v.mandate.paragraph for v in versions} == {"4"}
    assert all(v.disagrees == [] for v in versions)


def test_a_disagreeing_reading_is_named(index):
    detail = mandate_in_context(index, _english(index, "2015/s/res/2196__2015_").id)
    assert detail.mandate.actor == "member_states"
    assert {v.mandate.language: v.disagrees for v in detail.other_languages} == {
        "ru": ["actor"], **{lang: [] for lang in ("ar", "es", "fr", "zh")}}


def test_a_version_matched_by_meaning_says_where_its_reading_differs(built_index):
    """Resolution 2/11 in English (bundled) and the seed's Chinese mandate table on it: the table's bullets
    have no paragraph number, so the versions are the closest by meaning, and they too name the labels
    read otherwise. 2/11 para. 18 "Encourages product manufacturers and others …" is read as stakeholders'
    task; the table puts its "产品制造商和其他各方：…" bullet in the Member States' column."""
    service_index = built_index[0]  # the service tests' index (this module's `index` is the aligned lines')
    english = next(h.mandate for h in service_index.search(SearchQuery(
        filters={"resolution": ["UNEP/EA.2/Res.11"], "language": ["en"]}, limit=100)).hits
        if h.mandate.paragraph == "18")
    assert english.text.startswith("Encourages product manufacturers") and english.actor == "stakeholders"
    versions = mandate_in_context(service_index, english.id).other_languages
    assert versions and {v.match for v in versions} == {"closest"}
    table_row = next(v for v in versions if v.mandate.text.startswith("产品制造商和其他各方"))
    assert table_row.mandate.actor != "stakeholders" and "actor" in table_row.disagrees
    for v in versions:  # each named label really is read otherwise; an unnamed one agrees
        for name in ("actor", "action_area"):
            assert (name in v.disagrees) == (getattr(v.mandate, name) != getattr(english, name)), (name, v)
        assert "verb_class" not in v.disagrees  # a table bullet has no lead verb to compare
