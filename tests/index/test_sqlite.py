"""The contract suite on the embedded backend, plus what only SQLite has (files, pointer, WAL)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from index import open_index
from index.sqlite import SqliteMandateIndex
from tests.index.backends import open_backend
from tests.index.contract import MandateIndexContract
from tests.index.embedding import shared_test_embedder
from tests.index.real_mandates import full_corpus


class TestSqliteMandateIndex(MandateIndexContract):
    backend_name = "sqlite"

    def open_backend(self, home: Path) -> SqliteMandateIndex:
        return open_backend("sqlite", home)


def test_store_lives_under_home_with_a_pointer(tmp_path, monkeypatch):
    monkeypatch.setenv("UNEA_MANDATES_HOME", str(tmp_path / "home"))
    index = open_index(embedder=shared_test_embedder())
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
