"""A paragraph's versions in several languages through the API: one agreed actor and area on every version,
the mandate page still naming the language whose own reading differs, a reviewer's correction of one version
shown on all of them, and a deleted version no longer counted.

Real text: operative paragraphs of the UN Parallel Corpus sample in all six languages
(../shared/corpus/un-parallel/un-parallel-sample.jsonl), read by the extractors in each language and
labelled by the shipped classifier, written as the ingest writes a document.
"""

from __future__ import annotations

import json
import time

import pytest

from extractors.pipeline import extract_draft
from extractors.schema import UN_LANGUAGES, Document, content_hash
from index.base import SearchQuery
from labelling.versions import agree_versions
from tests.service.conftest import own_client
from tests.shared_corpus import UN_PARALLEL_SAMPLE

SAMPLE = UN_PARALLEL_SAMPLE
TOKEN = "versions-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
# English urges Member States first; the Russian version asks only the UN bodies (a recorded translation
# difference, tests/extractors/data/translation_differences.tsv)
DOCUMENT, OPENING = "2015/s/res/2196__2015_", "22. Further urges all Member States"


@pytest.fixture(scope="module")
def services(tmp_path_factory, classifier):
    from service.settings import Settings
    from service.usecases.services import Services

    services = Services(Settings(home=tmp_path_factory.mktemp("versions-home"), token=TOKEN, preload=False),
                        classifier=classifier)
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    row = next(r for r in rows if r["document"] == DOCUMENT and r["en"].startswith(OPENING))
    for language in UN_LANGUAGES:
        doc_id = content_hash(f"{DOCUMENT}|{language}".encode())
        mandates = [m.model_copy(update={"document": doc_id, "resolution": DOCUMENT})
                    for m in classifier.label(extract_draft(row[language], language=language))]
        services.index.replace_document(Document(id=doc_id, source_file=f"{DOCUMENT}.{language}", language=language),
                                        mandates)
        agree_versions(services.index, {DOCUMENT}, classifier.area_calibration)
    yield services
    services.close()


@pytest.fixture(scope="module")
def client(services):
    with own_client(services) as client:
        yield client


def _version(services, language: str):  # type: ignore[no-untyped-def]
    hits = services.index.search(SearchQuery(filters={"resolution": [DOCUMENT], "language": [language]})).hits
    return hits[0].mandate


def test_one_actor_and_area_and_the_differing_reading_named(client, services) -> None:
    page = client.get(f"/v1/mandates/{_version(services, 'en').id}").json()
    assert page["mandate"]["actor"] == "member_states"
    versions = {v["mandate"]["language"]: v for v in page["other_languages"]}
    assert {v["mandate"]["actor"] for v in versions.values()} == {"member_states"}
    assert {v["mandate"]["action_area"] for v in versions.values()} == {page["mandate"]["action_area"]}
    assert versions["ru"]["mandate"]["language_reading"]["actor"] == "un_system"  # its own reading, kept
    assert versions["ru"]["disagrees"] == ["actor"]
    assert page["mandate"]["versions_agreed"] == sorted(UN_LANGUAGES)


def test_a_review_of_one_version_shows_on_all_the_latest_winning_and_a_deleted_version_no_longer_counts(client, services) -> None:
    english = _version(services, "en")
    area = next(a for a in ("leadership", "knowledge") if a != english.action_area)
    r = client.patch(f"/v1/mandates/{english.id}", json={"action_area": area, "reviewer": "tester"}, headers=AUTH)
    assert r.status_code == 200, r.text
    for language in UN_LANGUAGES:
        version = _version(services, language)
        assert (version.action_area, version.action_area_source) == (area, "reviewed"), language
    russian = _version(services, "ru")
    assert russian.language_reading["action_area_source"] in ("model", "precedent")
    time.sleep(1.1)  # a correction's time is kept to the second
    later = next(a for a in ("awareness", "infrastructure") if a != area)
    r = client.patch(f"/v1/mandates/{russian.id}", json={"action_area": later, "reviewer": "tester"}, headers=AUTH)
    assert r.status_code == 200, r.text
    # the later review of another version wins for all, the English one's own review kept as its reading
    assert {(_version(services, lang).action_area, _version(services, lang).action_area_source)
            for lang in UN_LANGUAGES} == {(later, "reviewed")}
    assert _version(services, "en").language_reading["action_area"] == area

    assert client.delete(f"/v1/documents/{english.document}", headers=AUTH).status_code == 200
    russian = _version(services, "ru")
    assert russian.action_area == later  # the English version and its review gone: the Russian review holds
    assert russian.versions_agreed == sorted(set(UN_LANGUAGES) - {"en"})
