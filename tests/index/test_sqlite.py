"""The contract suite on the embedded backend, plus what only SQLite has (files, pointer, WAL)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from index import open_index
from index.sqlite import SqliteMandateIndex
from index.sqlite.schema import mandate_of
from tests.index.backends import open_backend
from tests.index.contract import MandateIndexContract
from tests.index.embedding import shared_test_embedder
from tests.index.real_mandates import full_corpus


class TestSqliteMandateIndex(MandateIndexContract):
    backend_name = "sqlite"

    def open_backend(self, home: Path) -> SqliteMandateIndex:
        return open_backend("sqlite", home)


def test_store_lives_under_home_with_a_pointer(tmp_path):
    index = open_index(home=tmp_path / "home", embedder=shared_test_embedder())
    assert isinstance(index, SqliteMandateIndex)
    assert (tmp_path / "home/index/CURRENT").read_text().strip() == "1"
    assert (tmp_path / "home/index/mandates-v1.sqlite").exists()
    mode = sqlite3.connect(tmp_path / "home/index/mandates-v1.sqlite").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    index.close()


def test_reader_follows_a_swap_made_by_another_connection(tmp_path):
    writer = open_backend("sqlite", tmp_path)
    reader = open_backend("sqlite", tmp_path)
    document, mandates = full_corpus()[1]
    writer.replace_document(document, mandates)
    assert reader.stats().mandates == len(mandates)  # WAL: a committed write is visible at once
    builder = writer.start_rebuild()
    builder.replace_document(document, mandates[:1])
    writer.finish_rebuild(builder)
    assert reader.stats().version == 2 and reader.stats().mandates == 1
    assert not (tmp_path / "index/mandates-v3.sqlite").exists()
    writer.close()
    reader.close()


def test_old_versions_are_pruned_but_the_previous_one_is_kept(tmp_path):
    index = open_backend("sqlite", tmp_path)
    for _ in range(3):
        index.finish_rebuild(index.start_rebuild())
    names = sorted(p.name for p in (tmp_path / "index").glob("mandates-v*.sqlite"))
    assert names == ["mandates-v3.sqlite", "mandates-v4.sqlite"]
    index.close()


def test_a_reindex_cannot_start_while_a_write_is_committing(tmp_path):
    """A write holds rebuild.lock shared until it commits, so a re-index never copies the serving
    version while a document is half-written there (that write would be lost at the swap)."""
    import fcntl
    import subprocess
    import sys

    import pytest

    from index.base import IndexBusy

    index = open_backend("sqlite", tmp_path)
    document, mandates = full_corpus()[1]
    index.replace_document(document, mandates)
    lock_path = index.dir / "rebuild.lock"
    # another process in the middle of a write transaction: holds the shared lock for 2 s
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, sys, time; fh = open(sys.argv[1], 'a'); fcntl.flock(fh, fcntl.LOCK_SH);"
         " print('held', flush=True); time.sleep(2)", str(lock_path)],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    builder = index.start_rebuild()  # waits for the writer (≤ 5 s), then proceeds
    assert holder.poll() is not None, "the re-index started while the write still held its lock"
    with pytest.raises(IndexBusy):  # and now writers are refused until the swap
        index.delete_document(document.id)
    index.abort_rebuild(builder)
    with open(lock_path, "a") as fh:  # released: a writer gets the lock again
        fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
    assert index.delete_document(document.id)
    index.close()


def test_an_index_written_before_nfkc_folding_is_refolded_when_opened(tmp_path):
    """The previous version indexed the unfolded text and recorded no text form: opening it
    re-derives the FTS rows from the stored mandates, so full-width text is found and marked."""
    import html
    import re

    from index.base import SearchQuery
    from index.sqlite import TEXT_FORM

    document, mandates = full_corpus()[1]
    wide = "".join(chr(ord(c) + 0xFEE0) for c in "microplastics")
    i = next(i for i, m in enumerate(mandates) if "microplastics" in m.text)
    variant = mandates[i].model_copy(update={"text": mandates[i].text.replace("microplastics", wide)})  # composed
    index = open_backend("sqlite", tmp_path)
    index.replace_document(document, [*mandates[:i], variant, *mandates[i + 1 :]])
    path = index.path_of(index.version)
    index.close()

    with sqlite3.connect(path) as conn:  # as the previous version wrote it: original text, no text_form
        rows = conn.execute("SELECT rowid, json FROM mandates").fetchall()
        for rowid, stored in rows:
            conn.execute("UPDATE mandate_fts SET words=? WHERE rowid=?", (mandate_of(stored).text, rowid))
        conn.execute("DELETE FROM meta WHERE key='text_form'")
        variant_rowid = conn.execute("SELECT rowid FROM mandates WHERE id=?", (variant.id,)).fetchone()[0]
        found = {r[0] for r in conn.execute("SELECT rowid FROM mandate_fts WHERE mandate_fts MATCH 'microplastics'")}
        assert found and variant_rowid not in found

    reopened = open_backend("sqlite", tmp_path)
    hits = {h.mandate.id: h for h in reopened.search(SearchQuery(q="microplastics", limit=100)).hits}
    assert variant.id in hits
    assert re.findall(r"<mark>(.*?)</mark>", hits[variant.id].highlight) == [wide] * variant.text.count(wide)
    assert html.unescape(re.sub(r"</?mark>", "", hits[variant.id].highlight)) == variant.text
    assert len(hits) == sum(re.search(r"\bmicroplastics?\b", m.text, re.I) is not None for m in mandates)
    reopened.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='text_form'").fetchone() == (TEXT_FORM,)
        conn.execute("INSERT INTO mandate_fts(mandate_fts) VALUES('integrity-check')")  # raises if inconsistent


def test_an_index_with_float32_vectors_still_opens_and_searches_as_exact_search(tmp_path):
    """Indexes written before the compact row form hold JSON text and float32 vectors in the
    mandate row: they open without a migration, semantic search over them is exact, and search
    over the compact form (12-bit vectors) finds the same top hits."""
    import numpy as np

    from index.base import SearchQuery
    from index.fields import context_vectors, plain_text, resolution_smoothed

    embedder = shared_test_embedder()
    corpus = full_corpus()
    index = open_backend("sqlite", tmp_path)
    for document, mandates in corpus:
        index.replace_document(document, mandates)
    query = SearchQuery(q="reduce marine plastic litter and microplastics", mode="semantic", limit=10)
    compact = [h.mandate.id for h in index.search(query).hits]
    path = index.path_of(index.version)
    index.close()

    with sqlite3.connect(path) as conn:  # as the previous version wrote them: JSON text, float32 in the row
        rows = [(r, mandate_of(stored)) for r, stored in conn.execute("SELECT rowid, json FROM mandates").fetchall()]
        vectors = context_vectors(embedder, [m for _, m in rows])  # the vectors' form, in float32
        conn.execute("DELETE FROM vectors")
        conn.executemany("UPDATE mandates SET vector=?, json=? WHERE rowid=?",
                         [(np.asarray(v, dtype=np.float32).tobytes(), m.model_dump_json(), r)
                          for (r, m), v in zip(rows, vectors, strict=True)])
        ids = [m.id for _, m in rows]

    reopened = open_backend("sqlite", tmp_path)
    old_form = [h.mandate.id for h in reopened.search(query).hits]
    assert reopened.get(ids[0]) == rows[0][1]
    reopened.close()
    sims = vectors @ embedder.encode([plain_text(query.q)])[0]
    codes: dict[str | None, int] = {}
    groups = np.array([codes.setdefault(m.resolution, len(codes)) for _, m in rows])
    ranks = resolution_smoothed(sims, groups)  # each cosine read with its resolution's best, as search ranks
    exact = [ids[i] for i in sorted(range(len(ids)), key=lambda i: (-ranks[i], ids[i]))[:10]]
    assert old_form == exact
    assert compact == exact


def test_page_highlights_match_the_big_tables_highlight(tmp_path):
    """The page is highlighted on a scratch FTS5 copy of its rows: the marks must be exactly what
    highlight() on the index's own table gives (stemmed forms, prefixes, phrases, both columns)."""
    from index.query import parse_query
    from index.sqlite.compiler import fts5_highlight_expr

    index = open_backend("sqlite", tmp_path)
    for document, mandates in full_corpus():
        index.replace_document(document, mandates)
    conn = index._refresh()
    for q in ["monitoring", "monitor*", '"Executive Director" report', "chemicals AND waste", "policies",
              "plastic NOT marine", "微塑料 plastic"]:
        expr = fts5_highlight_expr(parse_query(q))
        big = dict(conn.execute("SELECT rowid, highlight(mandate_fts, 0, '\x02', '\x03') FROM mandate_fts"
                                " WHERE mandate_fts MATCH ? ORDER BY rowid LIMIT 40", (expr,)).fetchall())
        assert big, q
        assert index._highlighted(conn, sorted(big), expr) == big, q
    index.close()


def _semantic_ids(index, q: str = "reduce marine plastic litter and microplastics") -> list[str]:
    from index.base import SearchQuery

    return [h.mandate.id for h in index.search(SearchQuery(q=q, mode="semantic", limit=20, filters={"language": ["en"]})).hits]


def test_search_arrays_are_saved_beside_the_version_and_mapped_at_the_next_open(tmp_path, caplog):
    """Issue 28: opening a version maps its saved arrays instead of rebuilding them from every row;
    the same search answers from either."""
    import logging

    import numpy as np

    index = open_backend("sqlite", tmp_path)
    for document, mandates in full_corpus()[:6]:
        index.replace_document(document, mandates)
    built = _semantic_ids(index)  # the arrays of this generation: rebuilt from the rows, then saved
    index.close()
    saved = sorted(p.name for p in (tmp_path / "index").glob("mandates-v1.arrays-w*"))
    assert len(saved) == 1 and ".tmp-" not in saved[0]

    with caplog.at_level(logging.INFO, logger="index.sqlite.search"):
        reopened = open_backend("sqlite", tmp_path)
        assert isinstance(reopened._snapshot.matrix, np.memmap)  # mapped from disk, not rebuilt
        assert _semantic_ids(reopened) == built
    assert not [r for r in caplog.records if "rebuilt" in r.getMessage()]
    reopened.close()


def test_saved_arrays_are_not_read_once_any_writer_changes_a_row(tmp_path, caplog):
    """A row changed behind the index's back (here: plain SQL) moves the write stamp: the saved
    arrays are stale, never read; the next open rebuilds them from the rows, logs it, and saves anew."""
    import logging

    index = open_backend("sqlite", tmp_path)
    for document, mandates in full_corpus()[:6]:
        index.replace_document(document, mandates)
    _semantic_ids(index)
    path = index.path_of(index.version)
    index.close()
    before = sorted(p.name for p in (tmp_path / "index").glob("mandates-v1.arrays-w*"))
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE mandates SET actor='stakeholders' WHERE rowid=(SELECT min(rowid) FROM mandates)")

    with caplog.at_level(logging.INFO, logger="index.sqlite.search"):
        reopened = open_backend("sqlite", tmp_path)
    assert [r for r in caplog.records if "rebuilt" in r.getMessage()]
    after = sorted(p.name for p in (tmp_path / "index").glob("mandates-v1.arrays-w*"))
    assert len(after) == 1 and after != before  # the new stamp's arrays, the stale ones removed
    snap = reopened._snapshot
    row = reopened._refresh().execute("SELECT min(rowid) FROM mandates").fetchone()[0]
    assert snap.labels["actor"][snap.codes["actor"][snap.position[row]]] == "stakeholders"  # the changed row, as it is now
    reopened.close()


def test_a_reindex_saves_the_new_versions_arrays_before_the_pointer_moves(tmp_path, caplog):
    """The serving index maps the new version's arrays at the swap: no rebuild inside a request."""
    import logging

    import numpy as np

    serving = open_backend("sqlite", tmp_path)
    corpus = full_corpus()[:6]
    for document, mandates in corpus:
        serving.replace_document(document, mandates)
    before = _semantic_ids(serving)
    builder = serving.start_rebuild()
    for document, mandates in corpus:
        builder.replace_document(document, mandates)
    assert not list((tmp_path / "index").glob(f"mandates-v{builder.version}.arrays-w*"))
    with caplog.at_level(logging.INFO, logger="index.sqlite.search"):
        version = serving.finish_rebuild(builder)
    assert list((tmp_path / "index").glob(f"mandates-v{version}.arrays-w*"))
    rebuilt = [r.getMessage() for r in caplog.records if "rebuilt" in r.getMessage()]
    assert len(rebuilt) == 1 and f"mandates-v{version}" in rebuilt[0]  # by the builder, before the swap
    assert isinstance(serving._snapshot.matrix, np.memmap)
    assert _semantic_ids(serving) == before
    serving.close()
