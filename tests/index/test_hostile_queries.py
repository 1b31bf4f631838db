"""Hostile search text through the index API and the HTTP API: a clear 400 (QuerySyntaxError with a
message) or a sane result, never a 500, never a query that reaches outside the index, and the
index unchanged afterwards.

The index holds real mandates (the seed's Annex II and bundled English resolutions). The contract
suite (tests/index/contract.py) already checks a short list of malformed queries per backend; this
file widens the inputs (boolean debris, quotes, 10 000 characters, FTS5/SQL/Lucene syntax, control
characters, emoji) across all three modes and the HTTP layer, and fuzzes the parser with arbitrary
text.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.base import QuerySyntaxError, SearchQuery
from index.elastic.compiler import to_elasticsearch
from index.query import parse_query
from index.sqlite import SqliteMandateIndex
from index.sqlite.compiler import to_fts5
from index.sqlite.schema import SCHEMA
from tests.index.embedding import shared_test_embedder
from tests.index.real_mandates import full_corpus

MALFORMED_BOOLEAN = ["AND", "OR", "NOT", "a OR", "AND a", "a AND", "(a", "a)", "((a)", "a AND OR b", "NOT NOT",
                     "a OR NOT b", "( )", "plastic AND (marine OR", "NOT (plastic)"]
UNBALANCED_QUOTES = ['"', '"plastic', 'plastic"', '"a" "b', '"""', "'plastic", "“plastic", "plastic”", '" "']
LONG = ["plastic " * 1250, "a" * 10_000, "微" * 10_000, "(" * 10_000, '"' * 10_000, "NOT " * 2500,
        "plastic " * 249 + "marine"]  # the last is just under the parser's 2000-character limit
FTS5 = ["NEAR(", "NEAR(plastic marine, 3)", "NEAR(plastic", "words:plastic", "grams : 微塑", "{words grams}: plastic",
        "^plastic", "plastic^", "*", '"', "plastic*", "-plastic", "plastic + marine", "rowid:1", "mandate_fts",
        "plastic OR rank:1", "bm25(mandate_fts)"]
SQL = ["'; DROP TABLE mandates; --", "' OR 1=1 --", '"; DROP TABLE mandates; --', "1; SELECT * FROM documents",
       "plastic') UNION SELECT json FROM documents --", "%' OR '%'='", "plastic; PRAGMA writable_schema=1;",
       "ATTACH DATABASE '/tmp/x.sqlite' AS x"]
ES_CHARS = list("+-=><!(){}[]^\"~*?:\\/") + ["&&", "||"]
ES = ES_CHARS + ["plastic~2", "plastic^2", "text:plastic", "plastic && marine", "plastic || marine", "!plastic",
                 "[a TO z]", "{a TO z}", "/plast.*/", "plast?c", "plastic\\", "a\\b", "_exists_:text", "*:*",
                 "text.cjk:微塑料", "plastic > 1", "<script>alert(1)</script>"]
CONTROL = ["\x00", "plastic\x00marine", "a\x00", "\x1b[31mplastic", "\t\n\r", "\u200b", "\ufeff", "\u202eplastic", "plastic\x7f",
           "\x08\x0c", "\ud7ff"]
EMOJI = ["🌊", "plastic 🌊", "🌊🐢🧪", "👩‍🔬", "微塑料🌊", "🇺🇳 environment", "Ｐｌａｓｔｉｃ"]

HOSTILE = MALFORMED_BOOLEAN + UNBALANCED_QUOTES + LONG + FTS5 + SQL + ES + CONTROL + EMOJI
MODES = ("keyword", "semantic", "hybrid")


def _label(q: str) -> str:
    return ascii(q if len(q) <= 30 else f"{q[:20]}…({len(q)} chars)")


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hostile-queries")


@pytest.fixture(scope="module")
def index(home):  # type: ignore[no-untyped-def]
    index = SqliteMandateIndex(home=home, embedder=shared_test_embedder())
    for document, mandates in full_corpus()[:3]:
        index.replace_document(document, mandates)
    yield index
    index.close()


@pytest.fixture(scope="module")
def baseline(index):  # type: ignore[no-untyped-def]
    return index.stats(), {m.id for d in index.list_documents() for m in index.mandates_of(d.id)}


def _tables(home: Path, index: SqliteMandateIndex) -> dict[str, int]:
    """Row counts of every table, read straight from the serving database file."""
    conn = sqlite3.connect(f"file:{index.path_of(index.version)}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE '%fts_%'")]
        return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}
    finally:
        conn.close()


def _assert_sane(result, index, known_ids: set[str]) -> None:  # type: ignore[no-untyped-def]
    """Only mandates of this index come back (nothing from another table or file)."""
    assert 0 <= result.total <= len(known_ids)
    assert {h.mandate.id for h in result.hits} <= known_ids
    for field, counts in result.facets.items():
        assert all(0 < c <= len(known_ids) for c in counts.values()), field


@pytest.mark.parametrize("mode", MODES)
def test_hostile_queries_through_the_index_api(index, baseline, home, mode):
    stats, known = baseline
    tables = _tables(home, index)
    outcomes: dict[str, str] = {}
    problems = []
    for q in HOSTILE:
        try:
            result = index.search(SearchQuery(q=q, mode=mode, limit=20))
        except QuerySyntaxError as exc:
            assert str(exc).strip(), f"empty message for {_label(q)}"
            outcomes[q] = "QuerySyntaxError"
            continue
        except Exception as exc:  # anything else would be a 500 in the service
            problems.append((_label(q), f"{type(exc).__name__}: {exc}"))
            continue
        _assert_sane(result, index, known)
        outcomes[q] = f"{result.total} hits"
    assert not problems
    assert index.stats() == stats
    assert _tables(home, index) == tables and "mandates" in tables and "documents" in tables
    # the grammar is the same for every mode that parses: the syntax errors are not mode-dependent
    if mode != "semantic":
        for q in MALFORMED_BOOLEAN[:6] + ['"plastic', "(" * 10_000, "plastic " * 1250]:
            assert outcomes[q] == "QuerySyntaxError", _label(q)


def test_engine_syntax_is_searched_as_plain_words(index):
    """SQL/FTS5/Lucene text finds what its words find as a phrase, not what its operators would do."""
    for q, words in (("text:plastic", '"text plastic"'), ("words:plastic", '"words plastic"'),
                     ("plastic^2", '"plastic 2"'), ("plastic~2", '"plastic 2"'), ("plastic:marine", '"plastic marine"')):
        got = {h.mandate.id for h in index.search(SearchQuery(q=q, limit=1000)).hits}
        assert got == {h.mandate.id for h in index.search(SearchQuery(q=words, limit=1000)).hits}, q
    for q in ("'; DROP TABLE mandates; --", "DROP TABLE mandates;"):
        try:  # the stray "';" / "--" may be refused with a message, or searched as words: never run
            dropped = index.search(SearchQuery(q=q, limit=1000))
        except QuerySyntaxError as exc:
            assert str(exc).strip()
            continue
        assert all(w in h.mandate.text.lower() for h in dropped.hits for w in ("drop", "table", "mandat"))


def test_long_query_error_says_how_long_it_may_be(index):
    with pytest.raises(QuerySyntaxError, match="too long"):
        index.search(SearchQuery(q="plastic " * 1250))
    # semantic mode does not parse: a long text is embedded (the classify endpoint relies on this)
    assert index.search(SearchQuery(q="plastic " * 1250, mode="semantic", limit=3)).total > 0


# --- through HTTP (the real app, TestClient) ---------------------------------------------------


@pytest.fixture(scope="module")
def client(index, home):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.settings import Settings

    app = create_app(Settings(home=home, token=None, preload=False), index=index, embedder=shared_test_embedder())
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("path", ["/v1/mandates", "/v1/export"])
@pytest.mark.parametrize("mode", MODES)
def test_hostile_queries_through_http(client, index, baseline, home, path, mode):
    stats, known = baseline
    tables = _tables(home, index)
    problems = []
    for q in HOSTILE:
        if path == "/v1/export" and len(q) > 100:
            continue  # the same parser as /v1/mandates; long texts are covered there
        if len(urlencode({"q": q})) > 60_000:
            continue  # e.g. 10 000 Han characters: HTTP clients refuse such a URL before sending it
        params = {"q": q, "mode": mode}
        if path == "/v1/export":
            params["format"] = "json"
        response = client.get(path, params=params)
        if response.status_code not in (200, 400):
            problems.append((_label(q), response.status_code, response.text[:200]))
        elif response.status_code == 400:
            message = response.json()["error"]
            if not (message.startswith("malformed query:") and len(message) > len("malformed query: ")):
                problems.append((_label(q), 400, message))
        elif path == "/v1/mandates":
            body = response.json()
            assert body["total"] <= len(known) and {h["mandate"]["id"] for h in body["hits"]} <= known
    assert not problems
    assert index.stats() == stats
    assert _tables(home, index) == tables


def test_hostile_filters_and_paths_through_http(client, index, baseline):
    stats, _ = baseline
    for field in ("resolution", "actor", "action_area", "language", "document", "session"):
        for value in ("'; DROP TABLE mandates; --", "\x00", "🌊", "*", "a" * 5000):
            response = client.get("/v1/mandates", params={field: value})
            if field in ("actor", "action_area"):  # closed sets: an unknown value is a 400 naming the allowed ones
                assert response.status_code == 400, (field, ascii(value))
                assert set(response.json()) == {"error"} and "must be one of" in response.json()["error"]
            else:
                assert response.status_code == 200 and response.json()["total"] == 0, (field, ascii(value))
    assert client.get("/v1/mandates", params={"with_partners": "'; DROP TABLE"}).status_code == 422
    for mandate_id in ("'; DROP TABLE mandates; --", "..%2F..%2Fetc%2Fpasswd", "🌊", "%00"):
        assert client.get(f"/v1/mandates/{mandate_id}").status_code == 404
    assert index.stats() == stats


# --- the parser, fuzzed ------------------------------------------------------------------------

_SYNTAX = st.sampled_from(list('()"*:^~-+!{}[]\\/?&|') + ["AND", "OR", "NOT", "NEAR", " ", "\x00", "\x01", "🌊", "微塑料"])
# any Unicode but surrogates (UTF-8 cannot carry them), control characters and NUL included
_CHARS = st.characters(blacklist_categories=("Cs",))
_TEXT = st.one_of(
    st.text(_CHARS, max_size=80),
    st.lists(st.one_of(_SYNTAX, st.text(_CHARS, min_size=1, max_size=6)), max_size=25).map("".join),
)
_fts_db = sqlite3.connect(":memory:")
_fts_db.executescript(SCHEMA)  # the product's own FTS5 table
_fts_db.execute("INSERT INTO mandate_fts VALUES ('plastic litter', '微塑 塑料', '微 塑 料')")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=_TEXT)
def test_arbitrary_text_parses_or_raises_query_syntax_error(q):
    try:
        node = parse_query(q)
        fts = to_fts5(node)
        to_elasticsearch(node)
    except QuerySyntaxError as exc:
        assert str(exc).strip()
        return
    for expr in (fts.match, fts.exclude):
        if expr is not None:  # FTS5 accepts what we compile: a user can never cause an FTS5 syntax error
            _fts_db.execute("SELECT count(*) FROM mandate_fts WHERE mandate_fts MATCH ?", (expr,)).fetchall()
