"""A paragraph indexed in several languages gets one area (and one actor where the readings differ), whatever
order its versions arrive in, on both backends; each version keeps its own reading; a reviewed label on any
version wins for all; a re-index keeps it.

Real text: the UN Parallel Corpus sample's operative lines in all six languages
(../shared/corpus/un-parallel/un-parallel-sample.jsonl), each read by the extractors in its own language
and labelled by the shipped classifier, written as the ingest writes a document (replace_document, then
labelling.versions.agree_versions over its resolutions).
"""

from __future__ import annotations

import pytest

from corpus.corrections import Correction, ReviewedLabels
from corpus.registry import OriginalStore
from extractors.pipeline import extract_draft
from extractors.schema import UN_LANGUAGES, Document, content_hash
from labelling.ingest import reindex
from labelling.versions import agree_versions
from models.classifiers import get_default_classifier
from models.version_agreement import own_reading
from service.usecases.language_agreement import operative_rows
from tests.index.backends import open_backend
from tests.shared_corpus import UN_PARALLEL_SAMPLE

SAMPLE = UN_PARALLEL_SAMPLE


@pytest.fixture(scope="module")
def versions() -> dict[tuple[str, str], list]:
    """(document, language) → its labelled mandates, for the sample's operative lines whose six versions
    give the same paragraph numbers (the extractors' own disagreements are another test's); one line per
    document and number (the sample's documents are not cut into resolutions)."""
    classifier = get_default_classifier()
    out: dict[tuple[str, str], list] = {}
    seen: set[tuple[str, str]] = set()
    for row in operative_rows(SAMPLE):
        read = {lang: extract_draft(row[lang], language=lang) for lang in UN_LANGUAGES}
        numbers = {lang: [m.paragraph for m in ms] for lang, ms in read.items()}
        if not numbers["en"] or None in numbers["en"] or any(n != numbers["en"] for n in numbers.values()):
            continue
        keys = {(row["document"], n) for n in numbers["en"]}
        if keys & seen:  # the same number twice in one document (the sample repeats a line)
            continue
        seen |= keys
        for lang, mandates in read.items():
            doc_id = content_hash(f"{row['document']}|{row['paragraph']}|{lang}".encode())
            out[(doc_id, lang)] = [m.model_copy(update={"document": doc_id, "resolution": row["document"]})
                                   for m in classifier.label(mandates)]
    return out


@pytest.fixture(params=["sqlite", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def index(request, tmp_path):  # type: ignore[no-untyped-def]
    url = request.getfixturevalue("elasticsearch_server").url if request.param == "elasticsearch" else None
    store = open_backend(request.param, tmp_path, url=url)
    yield store
    store.close()


def _ingest(index, versions, order: list[str]) -> None:  # type: ignore[no-untyped-def]
    """One language's documents arrive at a time, as one batch (as a re-index writes them), and their
    resolutions' versions are agreed after each batch: what the ingest does after each document."""
    calibration = get_default_classifier().area_calibration
    for language in order:
        batch = [(Document(id=doc_id, source_file=f"{doc_id}.{lang}", language=lang), mandates, None)
                 for (doc_id, lang), mandates in versions.items() if lang == language]
        index.replace_documents(batch)
        agree_versions(index, {m.resolution for _, mandates, _ in batch for m in mandates}, calibration)


def _groups(index, versions) -> dict[tuple[str, str, int], list]:  # type: ignore[no-untyped-def]
    """(resolution, paragraph, place among the paragraph's mandates) → the versions indexed."""
    groups: dict[tuple[str, str, int], list] = {}
    for doc_id, _ in versions:
        mandates = index.mandates_of(doc_id)
        for m in mandates:
            place = [x.id for x in mandates if x.paragraph == m.paragraph].index(m.id)
            groups.setdefault((m.resolution, m.paragraph, place), []).append(m)
    return groups


def _labels(groups) -> dict:  # type: ignore[no-untyped-def]
    return {key: {(m.language, m.action_area, m.action_area_source, m.actor) for m in ms} for key, ms in groups.items()}


def test_versions_get_one_area_and_actor_in_any_order(index, versions, tmp_path):
    assert len(versions) >= 6 * 25  # most of the sample's 50 operative lines
    _ingest(index, versions, ["ru", "en", "zh", "ar", "es", "fr"])
    groups = _groups(index, versions)
    independent = sum(len({m.language_reading["action_area"] for m in ms}) == 1 for ms in groups.values())
    for ms in groups.values():
        assert len(ms) == 6 and {m.language for m in ms} == set(UN_LANGUAGES)
        assert len({m.action_area for m in ms}) == 1 and len({m.actor for m in ms}) == 1, ms
        assert all(m.versions_agreed == sorted(UN_LANGUAGES) for m in ms)
        assert {m.action_area_source for m in ms} <= {"model", "precedent"}
    # the readings agreed on their own for some paragraphs only: the agreement did the rest
    assert independent < len(groups)
    # each version keeps its own reading: read independently, the Russian area sometimes differs
    assert any(m.language_reading["action_area"] != m.action_area for ms in groups.values() for m in ms)

    other = open_backend("sqlite", tmp_path / "other-order")  # English last: the others re-agree the same way
    try:
        _ingest(other, versions, ["en", "fr", "es", "ar", "zh", "ru"][::-1])
        assert _labels(_groups(other, versions)) == _labels(groups)
    finally:
        other.close()


def test_a_reviewed_version_wins_for_all_and_survives_reindex(index, versions, tmp_path):
    _ingest(index, versions, ["en", "ru"])
    english = next(ms for (_, lang), ms in versions.items() if lang == "en")
    target = index.get(english[0].id)
    other_area = next(a for a in ("leadership", "knowledge") if a != target.action_area)
    reviewed = ReviewedLabels([Correction.of(target, {"action_area": other_area}, "tester")])
    document = index.get_document(target.document)
    # as service.usecases.reviews does: the review on the version's own reading, then the versions agreed
    index.replace_document(document, reviewed.apply([own_reading(m) for m in index.mandates_of(target.document)]))
    agree_versions(index, {target.resolution}, get_default_classifier().area_calibration)

    def russian_of_target():  # type: ignore[no-untyped-def]
        group = _groups(index, versions)[(target.resolution, target.paragraph, 0)]
        return next(m for m in group if m.language == "ru")

    russian = russian_of_target()
    assert (russian.action_area, russian.action_area_source) == (other_area, "reviewed")
    assert russian.language_reading["action_area_source"] in ("model", "precedent")
    # re-index (the documents carried over: no stored originals) agrees them again, the review kept
    report = reindex(index, OriginalStore(tmp_path / "originals"), reviewed=reviewed)
    assert report.version is not None and len(report.carried_over) == len({d for d, lang in versions if lang in ("en", "ru")})
    russian = russian_of_target()
    assert (russian.action_area, russian.action_area_source) == (other_area, "reviewed")
    assert index.get(target.id).action_area == other_area
