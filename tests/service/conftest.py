"""One real index for the service tests, built once per session through the real pipeline.

It holds the Chinese seed (UNEP/EA.4/3 with its Annex II mandate table) and a few bundled UN
registry resolutions on plastics and chemicals, ingested by labelling.ingest with the shipped classifier
and the default embedder, exactly as `unea-mandates serve --ingest-bundled` does.
"""

from __future__ import annotations

import contextlib
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


@pytest.fixture(scope="session", params=["sqlite", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def backend(request) -> str:  # type: ignore[no-untyped-def]
    """Every service test that uses the index runs once per backend (Elasticsearch: on the
    noida-db stand-in, or on $ELASTICSEARCH_URL; see tests/conftest.py)."""
    return request.param


@pytest.fixture(scope="session")
def service_home(tmp_path_factory, backend) -> Path:
    return tmp_path_factory.mktemp(f"unea-home-{backend}")


def open_service_index(request, backend: str, home: Path):  # type: ignore[no-untyped-def]
    """The index as the service opens it (default embedder), on an empty store of its own."""
    from index import open_index
    from models.embedders import get_default_embedder

    if backend == "sqlite":
        return open_index(backend="sqlite", home=home, embedder=get_default_embedder())
    from index.elastic import ElasticMandateIndex
    from tests.index.backends import es_prefix

    server = request.getfixturevalue("elasticsearch_server")
    return ElasticMandateIndex(url=server.url, prefix=es_prefix(home), embedder=get_default_embedder())


@pytest.fixture(scope="session")
def built_index(request, backend, classifier, service_home, corpus_paths):
    """(index, ingest report) for the session's corpus."""
    from corpus.registry import OriginalStore
    from labelling.ingest import ingest_paths

    index = open_service_index(request, backend, service_home)
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


# The page tests' browser (one per test module) and a fresh English page that fails on JavaScript errors;
# test modules that need another page define their own `page`.
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.service.test_browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    from tests.service.test_browser import checked_page

    with checked_page(browser, width=1280, height=900) as tab:
        yield tab


@contextlib.contextmanager
def own_client(services):  # type: ignore[no-untyped-def]
    """A client of an app over these services' own index and classifier (a test module with a home of its own)."""
    from fastapi.testclient import TestClient

    from service.app import create_app

    app = create_app(services.settings, index=services.index, classifier=services.classifier)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
