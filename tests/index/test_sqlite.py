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
