"""The embedded default backend: SQLite (WAL) + FTS5 (BM25) + 12-bit vectors beside the rows (index/sqlite/snapshot.py).

Layout under $UNEA_MANDATES_HOME/index/: one database per physical version
(mandates-v{N}.sqlite) and CURRENT, a one-line pointer naming the serving version. A re-index
builds v{N+1} completely, fsyncs it and swaps CURRENT with os.replace (rebuild.py), so a crash
midway leaves the old version serving and whole. Readers re-check CURRENT (one stat) on every call.

Modules: store (this: versions, writes, reads), schema (tables and the FTS columns' form),
compiler (query AST → FTS5), snapshot (filter fields and vectors as arrays, loaded at open),
search (keyword/semantic/hybrid, facets, highlights), rebuild.
The stored text in `mandates.json` keeps its original form.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from corpus.registry import fsync_dir
from extractors.schema import Document, Mandate
from index.base import IndexBusy, IndexStats, mandates_of_document
from index.fields import embed_missing, filter_values, vector_key, vectors_name
from index.sqlite.rebuild import SqliteRebuilds, release_guard, writer_guard
from index.sqlite.schema import (
    SCHEMA,
    ensure_text_form,
    fts_columns,
    index_dir,
    mandate_of,
    stored_mandate,
    stored_text_hash,
    use_wal,
)
from index.sqlite.search import SqliteSearch
from index.sqlite.snapshot import Snapshot, normalised_blob, vector_blob


class SqliteMandateIndex(SqliteSearch, SqliteRebuilds):
    """MandateIndex on SQLite. `home`: the directory it lives in (the service passes Settings.home).

    `version=None` follows the CURRENT pointer (serving); an explicit version opens that physical
    database (used by rebuilds). `embedder` needs `name`, `dim`, `encode(texts)`: the caller's (without one,
    keyword search and reads work; writing or searching by meaning is refused).
    """

    backend = "sqlite"

    def __init__(self, home: str | os.PathLike[str] | None = None, embedder: Any = None, version: int | None = None):
        self.dir = index_dir(home)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._embedder = embedder
        self._lock = threading.RLock()
        self._follow_pointer = version is None
        self._pointer_stamp: tuple[int, int] | None = None
        self._conn: sqlite3.Connection | None = None
        self._writes = 0
        self._snapshot: Snapshot | None = None
        self._documents: tuple[tuple[int, int, int], list[Document]] | None = None
        self._stats: tuple[tuple[int, int, int], IndexStats] | None = None
        self._borrow: Path | None = None  # a database to copy vectors from by text hash (rebuilds)
        if version is None:
            version = self._read_pointer()
            if version is None:
                version = 1
                self._open(version)
                self._write_pointer(version)
        self._open(version)

    # --- versions and the pointer -------------------------------------------------------------

    @property
    def pointer(self) -> Path:
        return self.dir / "CURRENT"

    def path_of(self, version: int) -> Path:
        return self.dir / f"mandates-v{version}.sqlite"

    def _read_pointer(self) -> int | None:
        try:
            st = os.stat(self.pointer)
            text = self.pointer.read_text().strip()
        except FileNotFoundError:
            return None
        self._pointer_stamp = (st.st_ino, st.st_mtime_ns)
        return int(text.removeprefix("v"))

    def _write_pointer(self, version: int) -> None:
        tmp = self.dir / f"CURRENT.tmp-{os.getpid()}"
        with open(tmp, "w") as fh:
            fh.write(f"{version}\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.pointer)  # atomic: readers see the old or the new version, never half
        fsync_dir(self.dir)
        st = os.stat(self.pointer)
        self._pointer_stamp = (st.st_ino, st.st_mtime_ns)

    def _open(self, version: int) -> None:
        if self._conn is not None:
            self._conn.close()
        self.version = version
        conn = sqlite3.connect(self.path_of(version), check_same_thread=False, isolation_level=None, timeout=30)
        use_wal(conn)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")  # a second writer waits its turn, then fails clearly
        conn.executescript(SCHEMA)
        ensure_text_form(conn)
        self._conn = conn
        self._snapshot = None
        if self._follow_pointer:  # serving: filters, facets, vectors and documents read now, not in a request
            self._snap(conn)
            self.list_documents()

    def _refresh(self) -> sqlite3.Connection:
        """Follow CURRENT if another process swapped it (one stat per call)."""
        if self._follow_pointer:
            try:
                st = os.stat(self.pointer)
                stamp = (st.st_ino, st.st_mtime_ns)
            except FileNotFoundError:
                stamp = None
            if stamp is not None and stamp != self._pointer_stamp:
                version = self._read_pointer()
                if version is not None and version != self.version:
                    self._open(version)
        assert self._conn is not None
        return self._conn

    # --- embedder ------------------------------------------------------------------------------

    @property
    def embedder(self) -> Any:
        if self._embedder is None:  # given by the caller: the index layer does not choose an encoder
            raise RuntimeError("this index was opened without an embedder, and it needs one to embed or to compare vectors: pass the "
                "one its vectors are made with (open_index(embedder=...); the service passes Services.embedder)")
        return self._embedder

    def _check_embedder(self, conn: sqlite3.Connection) -> None:
        row = conn.execute("SELECT value FROM meta WHERE key='embedder'").fetchone()
        name = vectors_name(self.embedder)
        if row is None:
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('embedder', ?)", (name,))
        elif row[0] != name:
            raise RuntimeError(
                f"index vectors were made by {row[0]}, not {name}: run `unea-mandates reindex` to rebuild them"
            )

    def _vectors_for(self, conn: sqlite3.Connection, mandates: list[Mandate]) -> list[bytes]:
        hashes = [vector_key(m) for m in mandates]
        known: dict[str, bytes] = {}
        sources = [conn]
        borrowed = None
        if self._borrow is not None and self._borrow.exists():
            borrowed = sqlite3.connect(f"file:{self._borrow}?mode=ro", uri=True)
            sources.append(borrowed)
        try:
            for source in sources:
                for h in set(hashes) - set(known):
                    row = source.execute(  # the stored form, or the whole hash of rows written before it
                        "SELECT coalesce(v.vector, m.vector) FROM mandates m LEFT JOIN vectors v ON v.rowid = m.rowid"
                        " WHERE m.text_hash IN (?, ?) AND coalesce(v.vector, m.vector) IS NOT NULL LIMIT 1",
                        (stored_text_hash(h), h),
                    ).fetchone()
                    if row is not None:
                        known[h] = normalised_blob(row[0], self.embedder.dim)
        finally:
            if borrowed is not None:
                borrowed.close()
        return embed_missing(self.embedder, mandates, hashes, known, vector_blob)

    # --- writes --------------------------------------------------------------------------------

    def replace_documents(self, items: Iterable[tuple[Document, list[Mandate], str | None]]) -> None:
        """replace_document for each (document, mandates, replaces), every item checked before the
        first write; each is its own transaction (the embedded store needs no bulk path)."""
        for document, mandates, replaces in [(d, mandates_of_document(d, ms), r) for d, ms, r in items]:
            self.replace_document(document, mandates, replaces)

    def replace_document(self, document: Document, mandates: list[Mandate], replaces: str | None = None) -> None:
        """Make `mandates` the document's only mandates, in one transaction. `replaces`: the id of
        an older version of the same source file, deleted in the same transaction."""
        mandates = mandates_of_document(document, mandates)
        with self._lock:
            conn = self._refresh()
            self._check_embedder(conn)
            vectors = self._vectors_for(conn, mandates)  # embed outside the write transaction
            with self._write_transaction(conn):
                try:
                    for doc_id in {document.id, replaces} - {None}:
                        self._delete_rows(conn, doc_id)  # type: ignore[arg-type]
                    conn.execute(
                        "INSERT INTO documents(id, source_file, json) VALUES(?,?,?)",
                        (document.id, document.source_file, document.model_dump_json()),
                    )
                    for m, vec in zip(mandates, vectors, strict=True):
                        values = filter_values(m)
                        cur = conn.execute(
                            "INSERT INTO mandates(id, document, resolution, session, actor, action_area, language,"
                            " with_partners, text_hash, json) VALUES(?,?,?,?,?,?,?,?,?,?)",
                            (
                                m.id,
                                m.document,
                                values["resolution"],
                                values["session"],
                                values["actor"],
                                values["action_area"],
                                values["language"],
                                values["with_partners"],
                                stored_text_hash(vector_key(m)),
                                stored_mandate(m),
                            ),
                        )
                        conn.execute("INSERT INTO vectors(rowid, vector) VALUES(?,?)", (cur.lastrowid, vec))
                        conn.execute(
                            "INSERT INTO mandate_fts(rowid, words, grams, chars) VALUES(?,?,?,?)",
                            (cur.lastrowid, *fts_columns(m)),
                        )
                finally:
                    self._writes += 1

    def _begin(self, conn: sqlite3.Connection) -> None:
        """Start a write transaction. A write to the serving version while a re-index is being
        built would be lost at the swap, so it is refused; a concurrent writer waits (busy_timeout)
        and then gets a clear error instead of "database is locked". The writer holds a shared lock
        on rebuild.lock until _end(), so a re-index cannot start between this check and the commit."""
        guard = writer_guard(self.dir / "rebuild.lock") if self._follow_pointer else None
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            release_guard(guard)
            if "locked" in str(exc) or "busy" in str(exc):
                raise IndexBusy(f"another process has been writing to {self.dir} for 30 s: try again later") from exc
            raise
        self._write_guard = guard

    def _end(self) -> None:
        release_guard(getattr(self, "_write_guard", None))
        self._write_guard = None

    @contextmanager
    def _write_transaction(self, conn: sqlite3.Connection) -> Iterator[None]:
        """One write: begin (guarded), commit on success, roll back on any exception, always
        release the re-index guard."""
        self._begin(conn)
        try:
            yield
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            self._end()

    def _delete_rows(self, conn: sqlite3.Connection, document_id: str) -> bool:
        rowids = [r[0] for r in conn.execute("SELECT rowid FROM mandates WHERE document=?", (document_id,))]
        conn.executemany("DELETE FROM mandate_fts WHERE rowid=?", [(r,) for r in rowids])
        conn.executemany("DELETE FROM vectors WHERE rowid=?", [(r,) for r in rowids])
        conn.execute("DELETE FROM mandates WHERE document=?", (document_id,))
        return conn.execute("DELETE FROM documents WHERE id=?", (document_id,)).rowcount > 0

    def delete_document(self, document_id: str) -> bool:
        with self._lock:
            conn = self._refresh()
            with self._write_transaction(conn):
                found = self._delete_rows(conn, document_id)
            self._writes += 1
            return found

    # --- reads ---------------------------------------------------------------------------------

    def has_document(self, document_id: str) -> bool:
        with self._lock:
            return self._refresh().execute("SELECT 1 FROM documents WHERE id=?", (document_id,)).fetchone() is not None

    def get_document(self, document_id: str) -> Document | None:
        with self._lock:
            row = self._refresh().execute("SELECT json FROM documents WHERE id=?", (document_id,)).fetchone()
        return Document.model_validate_json(row[0]) if row else None

    def document_for_source(self, source_file: str) -> Document | None:
        """The indexed document that came from `source_file` (a changed file replaces it)."""
        with self._lock:
            row = self._refresh().execute(
                "SELECT json FROM documents WHERE source_file=? LIMIT 1", (source_file,)
            ).fetchone()
        return Document.model_validate_json(row[0]) if row else None

    def list_documents(self) -> list[Document]:
        """Every document, parsed once per index generation: the search use case reads them on
        every request (adoption dates), 1,600 of them at 100k mandates. The same list is returned
        until the index changes (so callers can cache what they derive from it): do not modify it."""
        with self._lock:
            conn = self._refresh()
            generation = self._generation(conn)
            if self._documents is None or self._documents[0] != generation:
                rows = conn.execute("SELECT json FROM documents ORDER BY source_file, id").fetchall()
                self._documents = (generation, [Document.model_validate_json(r[0]) for r in rows])
            return self._documents[1]

    def get(self, mandate_id: str) -> Mandate | None:
        with self._lock:
            row = self._refresh().execute("SELECT json FROM mandates WHERE id=?", (mandate_id,)).fetchone()
        return mandate_of(row[0]) if row else None

    def mandates_of(self, document_id: str) -> list[Mandate]:
        with self._lock:
            rows = self._refresh().execute(
                "SELECT json FROM mandates WHERE document=? ORDER BY rowid", (document_id,)
            ).fetchall()
        return [mandate_of(r[0]) for r in rows]

    def iter_mandates(self) -> Iterator[Mandate]:
        for document in self.list_documents():  # a document at a time: never every mandate in memory
            yield from self.mandates_of(document.id)

    def stats(self) -> IndexStats:
        """Counted once per index generation: the count scans every mandate (60 ms at 100k), and
        the search use case asks on every query that finds nothing (service.usecases.suggest)."""
        with self._lock:
            conn = self._refresh()
            generation = self._generation(conn)
            if self._stats is None or self._stats[0] != generation:
                documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
                by_language = dict(conn.execute("SELECT language, count(*) FROM mandates GROUP BY language").fetchall())
                stats = IndexStats(backend=self.backend, documents=documents, mandates=sum(by_language.values()),
                                   version=self.version, by_language=by_language)
                self._stats = (generation, stats)
            return self._stats[1].model_copy()

    def size_on_disk(self) -> int:
        path = self.path_of(self.version)
        return sum(os.path.getsize(f"{path}{s}") for s in ("", "-wal", "-shm") if os.path.exists(f"{path}{s}"))

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
