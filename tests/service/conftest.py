"""One real index for the service tests, built once per session through the real pipeline.

It holds the Chinese seed (UNEP/EA.4/3 with its Annex II mandate table) and a few bundled UN
registry resolutions on plastics and chemicals, ingested by index.ingest with the shipped classifier
and the default embedder, exactly as `unea-mandates serve --ingest-bundled` does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "corpus" / "bundled"
GA_PDFS = REPO / "tests" / "fixtures" / "un-ga-pdfs"
TOKEN = "test-maintainer-token"

# The seed plus registry resolutions that mention the Executive Director, plastics and chemicals.
CORPUS = (
    "UNEP_EA.4_3.zh.txt",
    "UNEP_EA.2_RES.11.json",  # 2/11 Marine plastic litter and microplastics
    "UNEP_EA.4_RES.6.json",  # 4/6 Marine plastic litter and microplastics
    "UNEP_EA.5_RES.14.json",  # 5/14 End plastic pollution
)

@pytest.fixture(scope="session")
def corpus_paths() -> list[Path]:
    return [BUNDLED / name for name in CORPUS]


@pytest.fixture(scope="session")
def classifier():
    from models.classifiers import get_default_classifier

    return get_default_classifier()


@pytest.fixture(scope="session")
def service_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("unea-home")


@pytest.fixture(scope="session")
def built_index(classifier, service_home, corpus_paths):
    """(index, ingest report) for the session's corpus."""
    from corpus.registry import OriginalStore
    from index import open_index
    from index.ingest import ingest_paths

    index = open_index(backend="sqlite", home=service_home)
    report = ingest_paths(corpus_paths, index, classifier=classifier, store=OriginalStore(service_home))
    yield index, report
    index.close()


@pytest.fixture(scope="session")
def index(built_index):
    return built_index[0]


@pytest.fixture(scope="session")
def settings(service_home):
    from service.settings import Settings

    return Settings(home=service_home, token=TOKEN, preload=False)


@pytest.fixture(scope="session")
def app(settings, index, classifier):
    from service.app import create_app

    return create_app(settings, index=index, classifier=classifier)


@pytest.fixture(scope="session")
def client(app):
    from fastapi.testclient import TestClient

    # raise_server_exceptions=False: see the 500 answer a real client would get.
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture()
def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}
