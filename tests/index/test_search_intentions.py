"""Search-quality checks: each real query must return the named mandates in its top 10.

Failures that are known today are marked xfail with their reason (from search_intentions.json),
so they stay visible in `pytest -ra` and turn into XPASS when search improves.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.base import SearchQuery
from tests.index.backends import open_backend
from tests.index.real_mandates import full_corpus

_FILE = json.loads((Path(__file__).parent / "search_intentions.json").read_text(encoding="utf-8"))
INTENTIONS = _FILE["intentions"]
SERVICE_INTENTIONS = _FILE["service_intentions"]


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory):  # type: ignore[no-untyped-def]
    index = open_backend("sqlite", tmp_path_factory.mktemp("intentions"))
    for document, mandates in full_corpus():
        index.replace_document(document, mandates)
    yield index
    index.close()


def _params(intentions: list[dict], prefix: str = ""):  # type: ignore[no-untyped-def]
    for intention in intentions:
        marks = [pytest.mark.xfail(reason=intention["known_failure"], strict=False)] if intention.get("known_failure") else []
        yield pytest.param(intention, id=f"{prefix}{intention['mode']}:{intention['query']}", marks=marks)


def test_every_expected_mandate_exists_in_the_corpus():
    """Guards the file itself: a typo in a fragment must not pass as a search failure."""
    mandates = [m for _, ms in full_corpus() for m in ms]
    for intention in INTENTIONS + SERVICE_INTENTIONS:
        for want in intention.get("must_include", []) + intention.get("expect", {}).get("related_include", []):
            assert any(m.resolution == want["resolution"] and want["text_contains"] in m.text for m in mandates), want


@pytest.mark.parametrize("intention", _params(INTENTIONS))
def test_search_intention(corpus_index, intention):
    result = corpus_index.search(
        SearchQuery(q=intention["query"], mode=intention["mode"], filters=intention.get("filters", {}), limit=10)
    )
    top = [(h.mandate.resolution, h.mandate.text) for h in result.hits]
    for want in intention["must_include"]:
        found = any(res == want["resolution"] and want["text_contains"] in text for res, text in top)
        assert found, f"{intention['query']!r} ({intention['mode']}): {want} not in top 10: {top}"


@pytest.mark.parametrize("intention", _params(SERVICE_INTENTIONS, "service:"))
def test_service_search_intention(corpus_index, intention):
    from service.usecases.search import build_query, search_mandates

    result = search_mandates(corpus_index, build_query(intention["query"], intention["mode"], limit=10))
    expect = intention["expect"]
    if "total" in expect:
        assert result.total == expect["total"], (intention["query"], result.total)
    related = [(h.mandate.resolution, h.mandate.text) for h in result.related]
    for want in expect.get("related_include", []):
        assert any(r == want["resolution"] and want["text_contains"] in t for r, t in related), (want, related)
    for word in expect.get("suggestions_include", []):
        assert word in result.suggestions, result.suggestions
    if "resolution" in expect:
        assert result.resolution == expect["resolution"]
        assert result.hits and {h.mandate.resolution for h in result.hits} == {expect["resolution"]}
    if "first_paragraphs" in expect:
        assert [h.mandate.paragraph for h in result.hits[: len(expect["first_paragraphs"])]] == expect["first_paragraphs"]
