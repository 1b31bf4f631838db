"""Durability of the embedded index under SIGKILL and concurrent writers, through the real CLI.

- `unea-mandates ingest` over a batch of bundled resolutions is SIGKILLed after its first
  documents are committed; then the database passes SQLite's and FTS5's integrity checks, every
  document is either fully indexed (exactly the mandates extraction gives, each with its FTS row
  and vector) or absent, search answers; a second ingest completes the batch.
- `unea-mandates reindex` (the real rebuild from stored originals) is SIGKILLed midway: the old
  version keeps serving, whole; the next reindex completes. (tests/index/contract.py kills a
  copy-only rebuild per backend; this kills the command users run.)
- Two `unea-mandates ingest` processes on the same home at once are serialized (or one refuses with
  a clear message): no duplicate, no half document, integrity intact.

Expected mandates come from extracting each file again here, never typed in.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from functools import cache
from pathlib import Path

import pytest

from extractors.schema import content_hash
from index.base import SearchQuery
from index.sqlite import SqliteMandateIndex
from tests.index.embedding import shared_test_embedder

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "corpus" / "bundled"
CLI = [sys.executable, "-m", "service.cli"]
# Registry resolutions from several sessions (real text); the kill lands somewhere in this batch.
BATCH = sorted(BUNDLED.glob("UNEP_EA.*_RES.*.json"))[::4][:12]


@cache
def expected_mandate_ids(path: Path) -> frozenset[str]:
    from extractors.pipeline import extract_path

    return frozenset(m.id for m in extract_path(path).mandates)


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "UNEA_MANDATES_HOME": str(home), "UNEA_MANDATES_BACKEND": "sqlite", "PYTHONUNBUFFERED": "1"}
    env.pop("UNEA_MANDATES_TOKEN", None)
    return env


def _cli(home: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([*CLI, *args], cwd=REPO, env=_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _serving_db(home: Path) -> Path:
    index_dir = home / "index"
    version = int((index_dir / "CURRENT").read_text().strip().removeprefix("v"))
    return index_dir / f"mandates-v{version}.sqlite"


def _count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:  # not created yet, or locked for a moment
        return 0


def _kill_when(proc: subprocess.Popen, ready, what: str, timeout: float = 240) -> None:  # type: ignore[no-untyped-def]
    """SIGKILL `proc` as soon as `ready()` is true; fail if it ends first."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if ready():
                os.kill(proc.pid, signal.SIGKILL)
                break
            if proc.poll() is not None:
                pytest.fail(f"{what} ended (exit {proc.returncode}) before it could be killed: {proc.stderr.read()[-2000:]}")  # type: ignore[union-attr]
            time.sleep(0.02)
        else:
            pytest.fail(f"{what} made no progress in {timeout} s: {proc.stderr.read()[-2000:]}")  # type: ignore[union-attr]
    finally:
        proc.kill()
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL


def check_consistent(home: Path, batch: list[Path]) -> dict[str, int]:
    """Integrity of the serving database and all-or-nothing documents; returns {doc id: mandates}."""
    db = _serving_db(home)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.execute("INSERT INTO mandate_fts(mandate_fts) VALUES('integrity-check')")  # raises if FTS is corrupt
        # rows of the three stores agree: mandates ↔ FTS rows ↔ vectors, mandates → documents
        mandate_rows = {r[0] for r in conn.execute("SELECT rowid FROM mandates")}
        assert {r[0] for r in conn.execute("SELECT rowid FROM mandate_fts")} == mandate_rows
        vectors = "SELECT coalesce(v.vector, m.vector) AS vector FROM mandates m LEFT JOIN vectors v ON v.rowid = m.rowid"
        assert conn.execute(f"SELECT count(*) FROM ({vectors}) WHERE vector IS NULL OR length(vector) = 0").fetchone()[0] == 0
        assert conn.execute(f"SELECT count(DISTINCT length(vector)) FROM ({vectors})").fetchone()[0] <= 1
        assert {r[0] for r in conn.execute("SELECT rowid FROM vectors")} <= mandate_rows  # none left behind
        orphans = conn.execute("SELECT count(*) FROM mandates WHERE document NOT IN (SELECT id FROM documents)").fetchone()
        assert orphans[0] == 0
        indexed = {
            doc: {r[0] for r in conn.execute("SELECT id FROM mandates WHERE document=?", (doc,))}
            for (doc,) in conn.execute("SELECT id FROM documents")
        }
    finally:
        conn.close()
    by_id = {content_hash(p.read_bytes()): p for p in batch}
    assert set(indexed) <= set(by_id), "a document that was never ingested is in the index"
    for doc_id, mandate_ids in indexed.items():
        assert mandate_ids == expected_mandate_ids(by_id[doc_id]), f"{by_id[doc_id].name} is half-indexed"
    return {doc: len(ids) for doc, ids in indexed.items()}


def _search_answers(home: Path) -> None:
    index = SqliteMandateIndex(home=home, embedder=shared_test_embedder())
    try:
        stats = index.stats()
        assert index.search(SearchQuery(q="", limit=5)).total == stats.mandates
        assert index.search(SearchQuery(q="Executive Director", limit=5)).total > 0
        assert len(index.search(SearchQuery(q="marine plastic litter", mode="hybrid", limit=5)).hits) == 5
    finally:
        index.close()


@pytest.fixture(scope="module")
def killed_home(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """A home whose `ingest` of BATCH was SIGKILLed after two documents were committed."""
    home = tmp_path_factory.mktemp("killed-ingest")
    proc = _cli(home, "ingest", "--no-classify", "--no-progress", *map(str, BATCH))
    _kill_when(proc, lambda: _count(home / "index" / "mandates-v1.sqlite", "SELECT count(*) FROM documents") >= 2,
               "ingest")
    return home, check_consistent(home, BATCH)


def test_ingest_killed_midway_leaves_whole_documents_only(killed_home):
    home, indexed = killed_home
    assert 2 <= len(indexed) < len(BATCH), "the kill was meant to land in the middle of the batch"
    _search_answers(home)
    # the stored originals (kept for reindex) are whole, byte-exact, and only of indexed documents: an original
    # is stored once its document is in the index (issue 27), so at most the one document the kill caught between
    # the two writes lacks its original (re-index carries it over as indexed; the next ingest stores it)
    from corpus.registry import OriginalStore

    store = OriginalStore(home)
    stored = {item.id for item in store.list()}
    assert stored <= set(indexed)
    assert len(set(indexed) - stored) <= 1
    assert all(content_hash(store.get_bytes(doc_id)) == doc_id for doc_id in stored)


def test_ingest_after_a_kill_completes_the_batch(killed_home):
    from corpus.registry import OriginalStore
    from labelling.ingest import ingest_paths

    home, before = killed_home
    index = SqliteMandateIndex(home=home, embedder=shared_test_embedder())
    try:
        report = ingest_paths(BATCH, index, store=OriginalStore(home))
    finally:
        index.close()
    assert report.ok, report.summary()
    assert {o.document_id for o in report.by_status("unchanged")} == set(before)
    indexed = check_consistent(home, BATCH)
    assert len(indexed) == len(BATCH)
    assert sum(indexed.values()) == sum(len(expected_mandate_ids(p)) for p in BATCH)
    assert set(indexed) <= {item.id for item in OriginalStore(home).list()}  # every original stored again
    _search_answers(home)


def test_reindex_killed_midway_keeps_the_old_version_serving(killed_home):
    home, _ = killed_home
    index_dir = home / "index"
    before = _serving_db(home)
    counts = check_consistent(home, BATCH)
    proc = _cli(home, "reindex", "--no-classify", "--no-progress")
    version = int(before.stem.rsplit("v", 1)[1])
    new_db = index_dir / f"mandates-v{version + 1}.sqlite"
    # killed once the new version's file exists: the rebuild has begun, and extracting the batch takes it about
    # a second more before its one batched write and the swap (waiting for a written document raced the swap
    # on a busy machine: the batch of 12 is written in one go, right before it)
    _kill_when(proc, new_db.exists, "reindex")
    assert _serving_db(home) == before
    assert check_consistent(home, BATCH) == counts
    _search_answers(home)
    # the next reindex is not blocked by the dead one's lock or partial file, and swaps in whole
    done = subprocess.run([*CLI, "reindex", "--no-classify", "--no-progress"], cwd=REPO, env=_env(home),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert _serving_db(home) != before
    assert check_consistent(home, BATCH) == counts


def test_two_concurrent_ingests_are_serialized_not_corrupting(tmp_path):
    first, second = BATCH[:7], BATCH[4:]  # overlapping: three files are ingested by both
    procs = [_cli(tmp_path, "ingest", "--no-classify", "--no-progress", *map(str, files)) for files in (first, second)]
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        # each either completes or refuses clearly (e.g. "database is locked" after the busy timeout)
        assert proc.returncode == 0 or "locked" in err or "busy" in err, err[-2000:]
        assert "Traceback" not in err, err[-2000:]
    indexed = check_consistent(tmp_path, BATCH)
    if all(p.returncode == 0 for p in procs):
        assert len(indexed) == len(BATCH)  # each file once, however the two interleaved
    _search_answers(tmp_path)
