"""Search in each UN language on the embedded (SQLite) backend, with real text of the UN Parallel Corpus
sample (../shared/corpus/un-parallel/un-parallel-sample.jsonl).

Keyword search stems French, Spanish, Russian and Arabic (Snowball via PyStemmer, accents folded, Arabic
alef/hamza normalised): a query in one inflected form finds a mandate written in another. The sample's
lines that carry these words are not operative paragraphs, so each is indexed as the text of a mandate
record (the words are the corpus's own; only the wrapper is made here). Semantic search is cross-lingual:
the multilingual encoder puts a Russian query next to the English and Chinese versions of the same paragraph.
"""

from __future__ import annotations

import json

import pytest

from extractors.pipeline import extract_draft
from extractors.schema import Document, Mandate, content_hash
from index.base import SearchQuery
from tests.index.backends import open_backend
from tests.shared_corpus import UN_PARALLEL_SAMPLE

SAMPLE = UN_PARALLEL_SAMPLE
SECRETARY_GENERAL_ROW = ("2015/a/69/687", "4. Requests")  # "continue his efforts to mitigate the environmental impact"


def _rows() -> list[dict]:
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]


def _record(text: str, language: str, document: str) -> Mandate:
    return Mandate(id=content_hash(f"{document}|{language}|{text}".encode()), document=document,
                   resolution=document, language=language, text=text)


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    rows = _rows()
    docs: dict[str, list[Mandate]] = {}
    for language, word in (("fr", "océans"), ("ru", "загрязнени"), ("ar", "ملوثات"), ("es", "océanos")):
        for row in rows:
            if word in row[language]:
                doc = f"un-parallel:{row['document']}:{language}"
                docs.setdefault(doc, []).append(_record(row[language], language, doc))
    row = next(r for r in rows if r["document"] == SECRETARY_GENERAL_ROW[0] and r["en"].startswith(SECRETARY_GENERAL_ROW[1]))
    for language in ("en", "zh", "fr", "es", "ar"):  # the Russian version stays out: the query is Russian
        doc = f"un-parallel:{row['document']}:{language}"
        docs.setdefault(doc, []).extend(extract_draft(row[language], language=language))
    store = open_backend("sqlite", tmp_path_factory.mktemp("langs-home"))
    for doc, mandates in docs.items():
        store.replace_document(Document(id=content_hash(doc.encode()), source_file=doc, language=mandates[0].language),
                               [m.model_copy(update={"document": content_hash(doc.encode())}) for m in mandates])
    yield store
    store.close()


def _texts(index, q: str, **kw) -> list[str]:
    return [h.mandate.text for h in index.search(SearchQuery(q=q, limit=50, **kw)).hits]


@pytest.mark.parametrize(("query", "language", "written"), [
    ("océan", "fr", "océans"),  # singular query, plural text (and the accent folded)
    ("ocean", "fr", "océans"),
    ("загрязнение", "ru", "загрязнения"),  # nominative query, genitive text
    ("загрязнение", "ru", "загрязнением"),  # instrumental
    ("الملوثات", "ar", "للملوثات"),  # the article's form finds the form with the preposition ل
    ("ملوثات", "ar", "الملوثات"),
])
def test_a_stemmed_form_finds_the_inflected_one(index, query, language, written):
    found = _texts(index, query, filters={"language": [language]})
    assert any(written in text for text in found), (query, written, found)


def test_a_russian_query_finds_the_english_and_chinese_mandate(index):
    """The Russian version of the paragraph (left out of the index) as the query: its English and Chinese
    versions rank above every other indexed text (lines on other subjects in fr, ru, ar, es)."""
    row = next(r for r in _rows() if r["document"] == SECRETARY_GENERAL_ROW[0] and r["en"].startswith(SECRETARY_GENERAL_ROW[1]))
    hits = index.search(SearchQuery(q=row["ru"], mode="semantic", limit=50)).hits
    versions = {content_hash(f"un-parallel:{row['document']}:{lang}".encode()) for lang in ("en", "zh", "fr", "es", "ar")}
    ranked = [(h.mandate.language, h.mandate.document in versions) for h in hits]
    first_other = next(i for i, (_, same) in enumerate(ranked) if not same)
    found = {lang for lang, same in ranked[:first_other] if same}
    assert {"en", "zh"} <= found, [(h.mandate.language, round(h.score, 3), h.mandate.text[:40]) for h in hits[:8]]


def test_english_words_are_not_stemmed_into_other_languages(index):
    # the Russian stem of a Russian word never matches English text, nor an English word a Russian one
    assert _texts(index, "загрязнение", filters={"language": ["en"]}) == []


def test_elasticsearch_queries_each_language_analyzer():
    """The Elasticsearch backend (not started here) asks the french/spanish/russian/arabic analyzer sub-fields
    of `text` for a word in those scripts; a plain English word keeps its English analysis alone."""
    from index.elastic.compiler import to_elasticsearch
    from index.elastic.mapping import index_template
    from index.query import parse_query

    fields = index_template("t", 512)["template"]["mappings"]["properties"]["text"]["fields"]
    assert {code: fields[code]["analyzer"] for code in ("fr", "es", "ru", "ar")} == {
        "fr": "french", "es": "spanish", "ru": "russian", "ar": "arabic"}
    for word, field in (("océans", "text.fr"), ("загрязнения", "text.ru"), ("الملوثات", "text.ar")):
        should = to_elasticsearch(parse_query(word))["bool"]["should"]
        assert {"match_phrase": {field: {"query": word}}} in should
    assert to_elasticsearch(parse_query("microplastics")) == {"match_phrase": {"text.en": {"query": "microplastics"}}}
