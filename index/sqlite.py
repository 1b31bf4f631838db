"""The embedded default backend: SQLite (WAL) + FTS5 (BM25) + float32 vectors beside the rows.

Layout under $UNEA_MANDATES_HOME/index/: one database per physical version
(mandates-v{N}.sqlite) and CURRENT, a one-line pointer naming the serving version. A re-index
builds v{N+1} completely, fsyncs it and swaps CURRENT with os.replace, so a crash midway leaves
the old version serving and whole. Readers re-check CURRENT (one stat) on every call.

Text is indexed twice in one FTS5 table (tokenizer porter unicode61), both from the NFKC-folded
text (extractors.nfkc: Ｐｌａｓｔｉｃ → Plastic, ２０３０ → 2030; queries are folded the same way):
- `words`: the folded text itself for English (FTS5's highlight() marks it and
  index.highlight maps the marks back onto the original characters), Chinese segmented by jieba
  in search mode (tokenize_for_index);
- `grams`: Han character bigrams (index.query.cjk_grams), so 微塑料 is found as the phrase
  "微塑 塑料" whatever jieba made of the surrounding words.
The stored text in `mandates.json` keeps its original form. meta `text_form` records the form of
the FTS rows; an index written before folding gets its FTS rows re-derived when opened.
"""

from __future__ import annotations

import fcntl
import hashlib
import html
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from corpus.registry import fsync_dir
from extractors.language import tokenize_for_index
from extractors.nfkc import fold
from extractors.schema import FILTER_FIELDS, Document, Mandate
from index.base import (
    IndexBusy,
    IndexStats,
    QuerySyntaxError,
    SearchHit,
    SearchQuery,
    SearchResult,
    mandates_of_document,
)
from index.highlight import MARK_CLOSE, MARK_OPEN, mark_from_engine, mark_original
from index.query import (
    Node,
    cjk_grams,
    fts5_highlight_expr,
    has_han,
    parse_query,
    positive_leaves,
    to_fts5,
)

RRF_K = 60  # reciprocal rank fusion constant (Cormack et al. 2009)
# What mandate_fts holds, recorded in meta: an index without it (written before NFKC folding) has
# its FTS rows re-derived from the stored mandates when opened. Bump when fts_columns changes.
TEXT_FORM = "nfkc-1"
_VERSION_FILE = re.compile(r"^mandates-v(\d+)\.sqlite$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    source_file TEXT NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source_file);
CREATE TABLE IF NOT EXISTS mandates (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    document TEXT NOT NULL REFERENCES documents(id),
    resolution TEXT, session TEXT, actor TEXT, action_area TEXT, language TEXT,
    with_partners TEXT,
    text_hash TEXT NOT NULL,
    json TEXT NOT NULL,
    vector BLOB
);
CREATE INDEX IF NOT EXISTS mandates_document ON mandates(document);
CREATE INDEX IF NOT EXISTS mandates_text_hash ON mandates(text_hash);
CREATE INDEX IF NOT EXISTS mandates_resolution ON mandates(resolution);
CREATE INDEX IF NOT EXISTS mandates_actor ON mandates(actor);
CREATE INDEX IF NOT EXISTS mandates_area ON mandates(action_area);
CREATE VIRTUAL TABLE IF NOT EXISTS mandate_fts USING fts5(
    words, grams, tokenize = 'porter unicode61 remove_diacritics 2'
);
"""

# FILTER_FIELDS → column of `mandates` (all stored as text so filter values are uniform strings)
_COLUMNS = {field: field for field in FILTER_FIELDS}


def filter_values(mandate: Mandate) -> dict[str, str | None]:
    """The string a filter/facet sees for each FILTER_FIELD of a mandate (None = no value)."""
    return {
        "resolution": mandate.resolution,
        "session": None if mandate.session is None else str(mandate.session),
        "actor": mandate.actor,
        "action_area": mandate.action_area,
        "language": mandate.language,
        "with_partners": "true" if mandate.with_partners else "false",
        "document": mandate.document,
    }


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def segment_for_index(text: str, language: str) -> str:
    """The `words` column: Chinese via the extractors' jieba tokenizer (which folds), other
    languages the NFKC-folded text itself (so highlight() marks a copy that maps back)."""
    folded = fold(text)
    if language != "zh" and not has_han(folded):
        return folded
    return tokenize_for_index(folded, "zh")


def fts_columns(mandate: Mandate) -> tuple[str, str]:
    """(words, grams) of a mandate's FTS row: the folded text's forms (TEXT_FORM)."""
    folded = fold(mandate.text)
    grams = " ".join(cjk_grams(folded)) if has_han(folded) else ""
    return segment_for_index(folded, mandate.language), grams


@dataclass
class _Snapshot:
    """Filter columns (and, once needed, vectors) of every mandate as numpy arrays, in mandate-id
    order, rebuilt when the database changes: filters become boolean masks, facets bincounts,
    semantic scores one mat-vec. Hand-rolled rather than a dataframe library: four array ops."""

    generation: tuple[int, int, int]
    rowids: np.ndarray  # int64, in mandate-id order (a stable sort then breaks score ties by id)
    codes: dict[str, np.ndarray]  # field → int32 code per row (-1: no value)
    labels: dict[str, list[str]]  # field → code → value
    lookup: dict[str, dict[str, int]]  # field → value → code
    matrix: np.ndarray | None = None  # (n, dim) float32, L2-normalised

    def filter_mask(self, filters: dict[str, list[str]], skip: str | None = None) -> np.ndarray:
        mask = np.ones(len(self.rowids), dtype=bool)
        for field, values in filters.items():
            if field == skip or not values:
                continue
            wanted = [str(v).lower() if field == "with_partners" else str(v) for v in values]
            codes = [self.lookup[field][v] for v in wanted if v in self.lookup[field]]
            mask &= np.isin(self.codes[field], np.array(codes, dtype=np.int32))
        return mask

    def rows_mask(self, rowids) -> np.ndarray:  # type: ignore[no-untyped-def]
        return np.isin(self.rowids, np.fromiter(rowids, dtype=np.int64))

    def facets(self, base: np.ndarray, filters: dict[str, list[str]]) -> dict[str, dict[str, int]]:
        """Per field: counts among `base` rows passing the OTHER fields' filters."""
        out: dict[str, dict[str, int]] = {}
        for field in FILTER_FIELDS:
            codes = self.codes[field][base & self.filter_mask(filters, skip=field)]
            counts = np.bincount(codes[codes >= 0], minlength=len(self.labels[field]))
            pairs = [(self.labels[field][i], int(n)) for i in np.flatnonzero(counts) for n in (counts[i],)]
            out[field] = dict(sorted(pairs, key=lambda kv: (-kv[1], kv[0])))
        return out


def index_dir(home: str | os.PathLike[str] | None = None) -> Path:
    base = Path(home if home is not None else os.environ.get("UNEA_MANDATES_HOME", "data"))
    return base / "index"


class SqliteMandateIndex:
    """MandateIndex on SQLite. `home` defaults to $UNEA_MANDATES_HOME or ./data.

    `version=None` follows the CURRENT pointer (serving); an explicit version opens that physical
    database (used by rebuilds). `embedder` needs `name`, `dim`, `encode(texts)`; without one the
    project default (models.embedders.get_default_embedder) is loaded on first need.
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
        self._snapshot: _Snapshot | None = None
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
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")  # a second writer waits its turn, then fails clearly
        conn.executescript(_SCHEMA)
        self._ensure_text_form(conn)
        self._conn = conn
        self._snapshot = None

    @staticmethod
    def _ensure_text_form(conn: sqlite3.Connection) -> None:
        """An index written by an older version holds another form of the text in mandate_fts
        (before TEXT_FORM: the unfolded original): re-derive every FTS row from the stored
        mandates, once, in one transaction. Concurrent openers serialise on BEGIN IMMEDIATE and
        the second finds the work done. Not a content change, so no re-index guard is taken."""
        query = "SELECT value FROM meta WHERE key='text_form'"
        row = conn.execute(query).fetchone()
        if row is not None and row[0] == TEXT_FORM:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute(query).fetchone()
            if row is None or row[0] != TEXT_FORM:
                conn.execute("DELETE FROM mandate_fts")
                for rowid, stored in conn.execute("SELECT rowid, json FROM mandates").fetchall():
                    conn.execute(
                        "INSERT INTO mandate_fts(rowid, words, grams) VALUES(?,?,?)",
                        (rowid, *fts_columns(Mandate.model_validate_json(stored))),
                    )
                conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('text_form', ?)", (TEXT_FORM,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

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
        if self._embedder is None:
            from models.embedders import get_default_embedder

            self._embedder = get_default_embedder()
        return self._embedder

    def _check_embedder(self, conn: sqlite3.Connection) -> None:
        row = conn.execute("SELECT value FROM meta WHERE key='embedder'").fetchone()
        name = f"{self.embedder.name}/{self.embedder.dim}"
        if row is None:
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('embedder', ?)", (name,))
        elif row[0] != name:
            raise RuntimeError(
                f"index vectors were made by {row[0]}, not {name}: run `unea-mandates reindex` to rebuild them"
            )

    def _vectors_for(self, conn: sqlite3.Connection, mandates: list[Mandate]) -> list[bytes]:
        hashes = [text_hash(m.text) for m in mandates]
        known: dict[str, bytes] = {}
        sources = [conn]
        borrowed = None
        if self._borrow is not None and self._borrow.exists():
            borrowed = sqlite3.connect(f"file:{self._borrow}?mode=ro", uri=True)
            sources.append(borrowed)
        try:
            for source in sources:
                for h in set(hashes) - set(known):
                    row = source.execute(
                        "SELECT vector FROM mandates WHERE text_hash=? AND vector IS NOT NULL LIMIT 1", (h,)
                    ).fetchone()
                    if row is not None:
                        known[h] = row[0]
        finally:
            if borrowed is not None:
                borrowed.close()
        return embed_missing(self.embedder, mandates, hashes, known, lambda vec: vec.tobytes())

    # --- writes --------------------------------------------------------------------------------

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
                            " with_partners, text_hash, json, vector) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                            (
                                m.id,
                                m.document,
                                values["resolution"],
                                values["session"],
                                values["actor"],
                                values["action_area"],
                                values["language"],
                                values["with_partners"],
                                text_hash(m.text),
                                m.model_dump_json(),
                                vec,
                            ),
                        )
                        conn.execute(
                            "INSERT INTO mandate_fts(rowid, words, grams) VALUES(?,?,?)",
                            (cur.lastrowid, *fts_columns(m)),
                        )
                finally:
                    self._writes += 1

    def _begin(self, conn: sqlite3.Connection) -> None:
        """Start a write transaction. A write to the serving version while a re-index is being
        built would be lost at the swap, so it is refused; a concurrent writer waits (busy_timeout)
        and then gets a clear error instead of "database is locked". The writer holds a shared lock
        on rebuild.lock until _end(), so a re-index cannot start between this check and the commit."""
        guard = _writer_guard(self.dir / "rebuild.lock") if self._follow_pointer else None
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            _unlock(guard)
            if "locked" in str(exc) or "busy" in str(exc):
                raise IndexBusy(f"another process has been writing to {self.dir} for 30 s: try again later") from exc
            raise
        self._write_guard = guard

    def _end(self) -> None:
        _unlock(getattr(self, "_write_guard", None))
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
        with self._lock:
            rows = self._refresh().execute("SELECT json FROM documents ORDER BY source_file, id").fetchall()
        return [Document.model_validate_json(r[0]) for r in rows]

    def get(self, mandate_id: str) -> Mandate | None:
        with self._lock:
            row = self._refresh().execute("SELECT json FROM mandates WHERE id=?", (mandate_id,)).fetchone()
        return Mandate.model_validate_json(row[0]) if row else None

    def mandates_of(self, document_id: str) -> list[Mandate]:
        with self._lock:
            rows = self._refresh().execute(
                "SELECT json FROM mandates WHERE document=? ORDER BY rowid", (document_id,)
            ).fetchall()
        return [Mandate.model_validate_json(r[0]) for r in rows]

    def stats(self) -> IndexStats:
        with self._lock:
            conn = self._refresh()
            documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
            by_language = dict(conn.execute("SELECT language, count(*) FROM mandates GROUP BY language").fetchall())
        return IndexStats(
            backend=self.backend,
            documents=documents,
            mandates=sum(by_language.values()),
            version=self.version,
            by_language=by_language,
        )

    # --- search --------------------------------------------------------------------------------

    @staticmethod
    def _filter_sql(filters: dict[str, list[str]], skip: str | None = None) -> tuple[str, list[str]]:
        clauses, params = [], []
        for field, values in filters.items():
            if field not in _COLUMNS:
                raise QuerySyntaxError(f"unknown filter {field!r}: filter on one of {', '.join(FILTER_FIELDS)}")
            if field == skip or not values:
                continue
            clauses.append(f"m.{_COLUMNS[field]} IN ({','.join('?' * len(values))})")
            params.extend(str(v).lower() if field == "with_partners" else str(v) for v in values)
        return (" AND ".join(clauses) or "1"), params

    def _keyword_where(self, node: Node | None, filters: dict[str, list[str]], skip: str | None = None):
        fts = to_fts5(node)
        where, params = self._filter_sql(filters, skip)
        sources = "mandates m"
        if fts.match is not None:
            sources = "mandate_fts JOIN mandates m ON m.rowid = mandate_fts.rowid"
            where = f"mandate_fts MATCH ? AND {where}"
            params = [fts.match, *params]
        if fts.exclude is not None:
            where += " AND m.rowid NOT IN (SELECT rowid FROM mandate_fts WHERE mandate_fts MATCH ?)"
            params = [*params, fts.exclude]
        return sources, where, params, fts.match is not None

    def _run(self, conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[tuple]:
        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "fts5" in str(exc) or "syntax" in str(exc):  # should not happen: every term is quoted
                raise QuerySyntaxError(f"the query could not be searched: {exc}") from exc
            raise

    def _keyword_ranked(self, conn, node, filters, limit: int | None, offset: int = 0) -> tuple[list[tuple[int, float]], int]:
        sources, where, params, ranked = self._keyword_where(node, filters)
        score = "-bm25(mandate_fts)" if ranked else "0.0"
        page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
        rows = self._run(conn, f"SELECT m.rowid, {score} AS s FROM {sources} WHERE {where} ORDER BY s DESC, m.id{page}", params)
        total = self._run(conn, f"SELECT count(*) FROM {sources} WHERE {where}", params)[0][0]
        return [(r[0], float(r[1])) for r in rows], total

    def _snap(self, conn: sqlite3.Connection, vectors: bool = False) -> _Snapshot:
        generation = self._generation(conn)
        snap = self._snapshot
        if snap is None or snap.generation != generation:
            columns = ", ".join(_COLUMNS[f] for f in FILTER_FIELDS)
            rows = conn.execute(f"SELECT rowid, {columns} FROM mandates ORDER BY id").fetchall()
            codes, labels, lookup = {}, {}, {}
            for i, field in enumerate(FILTER_FIELDS, start=1):
                lookup[field] = {}
                for value in sorted({r[i] for r in rows if r[i] is not None}):
                    lookup[field][value] = len(lookup[field])
                labels[field] = list(lookup[field])
                codes[field] = np.array([lookup[field].get(r[i], -1) for r in rows], dtype=np.int32)
            rowids = np.array([r[0] for r in rows], dtype=np.int64)
            snap = self._snapshot = _Snapshot(generation, rowids, codes, labels, lookup)
        if vectors and snap.matrix is None:
            rows = conn.execute("SELECT rowid, vector FROM mandates ORDER BY id").fetchall()
            if any(r[1] is None for r in rows) or not np.array_equal(np.array([r[0] for r in rows], dtype=np.int64), snap.rowids):
                raise RuntimeError("index rows without vectors: run `unea-mandates reindex`")
            snap.matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), self.embedder.dim)
        return snap

    def _semantic_ranked(self, conn, qvec: np.ndarray, filters, top: int | None) -> tuple[list[tuple[int, float]], int]:
        snap = self._snap(conn, vectors=True)
        positions = np.flatnonzero(snap.filter_mask(filters))
        if len(positions) == 0:
            return [], 0
        # one mat-vec over every row, then pick: cheaper than copying the filtered rows out
        sims = (snap.matrix @ qvec)[positions]  # type: ignore[operator]
        if top is not None and top < len(sims):
            # partial selection, then a stable sort of the few (positions are in id order: ties by id)
            keep = np.sort(np.argpartition(-sims, top - 1)[:top]) if top > 0 else np.array([], dtype=np.int64)
            order = keep[np.argsort(-sims[keep], kind="stable")]
        else:
            order = np.argsort(-sims, kind="stable")
        return [(int(snap.rowids[positions[i]]), float(sims[i])) for i in order], len(positions)

    def _encode_query(self, text: str) -> np.ndarray:
        return np.asarray(self.embedder.encode([_plain_text(text)]), dtype=np.float32)[0]

    def search(self, query: SearchQuery) -> SearchResult:
        self._filter_sql(query.filters)  # unknown filter fields → QuerySyntaxError, in every mode
        text = query.q.strip()
        node = parse_query(text) if query.mode != "semantic" else None
        if query.mode != "semantic":
            to_fts5(node)  # raise QuerySyntaxError before any work
        qvec = self._encode_query(text) if text and query.mode != "keyword" else None
        with self._lock:
            conn = self._refresh()
            need = query.offset + query.limit
            if qvec is None:  # keyword mode, or an empty query (browse) in any mode
                page, total = self._keyword_ranked(conn, node, query.filters, query.limit, query.offset)
                facets = self._facets(conn, node, query.filters)
            elif query.mode == "semantic":
                ranked, total = self._semantic_ranked(conn, qvec, query.filters, need)
                page = ranked[query.offset : need]
                facets = self._facets(conn, None, query.filters)  # every filtered mandate is a result
            else:
                fused = self._hybrid(conn, node, qvec, query.filters, need)
                page, total = fused[query.offset : need], len(fused)
                facets = self._hybrid_facets(conn, node, qvec, query.filters, need, fused)
            hits = self._hits(conn, page, node)
        return SearchResult(total=total, hits=hits, facets=facets)

    def _hybrid(self, conn, node, qvec, filters, need: int) -> list[tuple[int, float]]:
        """Reciprocal rank fusion (k=60) of the BM25 and the vector top max(100, offset+limit)."""
        depth = max(100, need)
        keyword, _ = self._keyword_ranked(conn, node, filters, depth) if node is not None else ([], 0)
        semantic, _ = self._semantic_ranked(conn, qvec, filters, depth)
        fused: dict[int, float] = {}
        for ranked in (keyword, semantic):
            for rank, (rowid, _) in enumerate(ranked, start=1):
                fused[rowid] = fused.get(rowid, 0.0) + 1.0 / (RRF_K + rank)
        if not fused:
            return []
        marks = ",".join("?" * len(fused))
        ids = dict(conn.execute(f"SELECT rowid, id FROM mandates WHERE rowid IN ({marks})", list(fused)).fetchall())
        return sorted(fused.items(), key=lambda kv: (-kv[1], ids[kv[0]]))

    def _hybrid_facets(self, conn, node, qvec, filters, need, fused) -> dict[str, dict[str, int]]:
        """Facets of the fused result set; a filtered field's counts come from the fused set
        computed without that field's own filter (same rule as keyword facets)."""
        snap = self._snap(conn)
        facets: dict[str, dict[str, int]] = {}
        for field in FILTER_FIELDS:
            rows = fused
            if filters.get(field):
                rows = self._hybrid(conn, node, qvec, {k: v for k, v in filters.items() if k != field}, need)
            base = snap.rows_mask(r for r, _ in rows)
            facets[field] = snap.facets(base, {})[field]
        return facets

    def _hits(self, conn, page: list[tuple[int, float]], node: Node | None) -> list[SearchHit]:
        if not page:
            return []
        rowids = [r for r, _ in page]
        marks = ",".join("?" * len(rowids))
        rows = {r[0]: r[1] for r in conn.execute(f"SELECT rowid, json FROM mandates WHERE rowid IN ({marks})", rowids)}
        highlighted: dict[int, str] = {}
        expr = fts5_highlight_expr(node)
        if expr is not None:
            sql = (
                f"SELECT rowid, highlight(mandate_fts, 0, ?, ?) FROM mandate_fts"
                f" WHERE mandate_fts MATCH ? AND rowid IN ({marks})"
            )
            highlighted = dict(self._run(conn, sql, [MARK_OPEN, MARK_CLOSE, expr, *rowids]))
        leaves = positive_leaves(node)
        hits = []
        for rowid, score in page:
            mandate = Mandate.model_validate_json(rows[rowid])
            if has_han(mandate.text) or mandate.language == "zh":
                highlight = mark_original(mandate.text, leaves)
            elif rowid in highlighted:
                highlight = mark_from_engine(mandate.text, highlighted[rowid], leaves)
            else:
                highlight = html.escape(mandate.text)
            hits.append(SearchHit(mandate=mandate, score=score, highlight=highlight))
        return hits

    def _facets(self, conn, node: Node | None, filters: dict[str, list[str]]) -> dict[str, dict[str, int]]:
        """Counts per value of each filter field under the query and the OTHER fields' filters
        (a field's own filter is left out, so its facet still offers the alternatives)."""
        snap = self._snap(conn)
        fts = to_fts5(node)
        base = np.ones(len(snap.rowids), dtype=bool)
        if fts.match is not None:
            base = snap.rows_mask(r[0] for r in self._run(conn, "SELECT rowid FROM mandate_fts WHERE mandate_fts MATCH ?", [fts.match]))
        if fts.exclude is not None:
            base &= ~snap.rows_mask(r[0] for r in self._run(conn, "SELECT rowid FROM mandate_fts WHERE mandate_fts MATCH ?", [fts.exclude]))
        return snap.facets(base, filters)

    def _generation(self, conn: sqlite3.Connection) -> tuple[int, int, int]:
        """Changes whenever this or another connection commits, or the pointer moves."""
        return (self.version, conn.execute("PRAGMA data_version").fetchone()[0], self._writes)

    def facets(self, query: SearchQuery) -> dict[str, dict[str, int]]:
        self._filter_sql(query.filters)
        node = parse_query(query.q.strip()) if query.mode != "semantic" else None
        with self._lock:
            return self._facets(self._refresh(), node, query.filters)

    # --- rebuilds ------------------------------------------------------------------------------

    def start_rebuild(self) -> SqliteMandateIndex:
        """A writable index on a fresh physical version v{N+1}, not serving until finish_rebuild.

        Holds an exclusive lock file so that two rebuilds cannot run at once (the second is
        refused with IndexBusy). Leftovers of a killed rebuild are removed first."""
        lock = open(self.dir / "rebuild.lock", "a")  # noqa: SIM115 - held until finish/abort
        # writers hold it shared for one document's transaction: wait them out briefly
        deadline = time.monotonic() + 5.0
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    lock.close()
                    raise IndexBusy(f"another re-index is running on {self.dir}, or a write did not finish "
                                    f"in 5 s (lock {lock.name}): try again later") from None
                time.sleep(0.05)
        existing = [int(m.group(1)) for p in self.dir.iterdir() if (m := _VERSION_FILE.match(p.name))]
        serving = self._read_pointer() or self.version
        version = max([serving, *existing]) + 1
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path_of(version)}{suffix}").unlink(missing_ok=True)
        builder = SqliteMandateIndex(self.dir.parent, embedder=self._embedder, version=version)
        builder._borrow = self.path_of(serving)
        builder._rebuild_lock = lock  # type: ignore[attr-defined]
        return builder

    def finish_rebuild(self, builder: SqliteMandateIndex) -> int:
        """Make the builder's complete version durable, then swap CURRENT to it (atomic)."""
        with builder._lock:
            conn = builder._refresh()
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
            builder._conn = None
        with open(builder.path_of(builder.version), "rb+") as fh:
            os.fsync(fh.fileno())
        old = self._read_pointer()
        self._write_pointer(builder.version)
        with self._lock:
            self._open(builder.version)
        self._release(builder)
        # keep the previous version (readers may still hold it open); drop older ones
        for p in self.dir.iterdir():
            m = _VERSION_FILE.match(p.name.split("-wal")[0].split("-shm")[0])
            if m and int(m.group(1)) not in (builder.version, old):
                p.unlink(missing_ok=True)
        return builder.version

    def abort_rebuild(self, builder: SqliteMandateIndex) -> None:
        builder.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{builder.path_of(builder.version)}{suffix}").unlink(missing_ok=True)
        self._release(builder)

    @staticmethod
    def _release(builder: SqliteMandateIndex) -> None:
        lock = getattr(builder, "_rebuild_lock", None)
        if lock is not None:
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()
            builder._rebuild_lock = None  # type: ignore[attr-defined]

    def size_on_disk(self) -> int:
        path = self.path_of(self.version)
        return sum(os.path.getsize(f"{path}{s}") for s in ("", "-wal", "-shm") if os.path.exists(f"{path}{s}"))

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _plain_text(q: str) -> str:
    """What the embedder sees: the user's words without search syntax."""
    text = re.sub(r'["()*]', " ", q)
    text = re.sub(r"\b(AND|OR|NOT)\b", " ", text)
    return " ".join(text.split()) or q


def embed_missing(embedder, mandates: list[Mandate], hashes: list[str], known: dict, encode_as) -> list:  # type: ignore[no-untyped-def]
    """Vectors for `mandates` in order: `known` (text hash → stored vector) reused, the rest embedded
    once per distinct text and stored through `encode_as` (each backend's own vector format)."""
    missing = sorted({(h, m.text) for h, m in zip(hashes, mandates, strict=True) if h not in known})
    if missing:
        encoded = np.asarray(embedder.encode([t for _, t in missing]), dtype=np.float32)
        for (h, _), vec in zip(missing, encoded, strict=True):
            known[h] = encode_as(vec)
    return [known[h] for h in hashes]


def _writer_guard(lock_path: Path):  # type: ignore[no-untyped-def]
    """A shared lock on rebuild.lock for one write transaction; IndexBusy while a re-index holds it."""
    fh = open(lock_path, "a")  # noqa: SIM115 - released by _unlock
    try:
        fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise IndexBusy(f"a re-index of {lock_path.parent} is running: try again when it has finished") from None
    return fh


def _unlock(fh) -> None:  # type: ignore[no-untyped-def]
    if fh is not None:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()
