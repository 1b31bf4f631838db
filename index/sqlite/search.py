"""Search on the SQLite backend: keyword (FTS5 BM25), semantic (one mat-vec over the stored
vectors), hybrid (reciprocal rank fusion), facets and highlights. A mixin of SqliteMandateIndex,
which provides the connection (`_refresh`), the lock and the embedder."""

from __future__ import annotations

import html
import sqlite3
from dataclasses import dataclass
from typing import Any

import numpy as np

from extractors.schema import FILTER_FIELDS, Mandate
from index.base import QuerySyntaxError, SearchHit, SearchQuery, SearchResult
from index.fields import RRF_K, filter_value_of, has_han, plain_text
from index.highlight import MARK_CLOSE, MARK_OPEN, mark_from_engine, mark_original
from index.query import Node, parse_query, positive_leaves
from index.sqlite.compiler import fts5_highlight_expr, to_fts5
from index.sqlite.schema import COLUMNS


@dataclass
class Snapshot:
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
            wanted = [filter_value_of(field, v) for v in values]
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



class SqliteSearch:
    """search / facets of SqliteMandateIndex."""

    _lock: Any
    _snapshot: Snapshot | None
    _writes: int
    version: int
    embedder: Any

    def _refresh(self) -> sqlite3.Connection:  # provided by SqliteMandateIndex
        raise NotImplementedError

    @staticmethod
    def _filter_sql(filters: dict[str, list[str]], skip: str | None = None) -> tuple[str, list[str]]:
        clauses, params = [], []
        for field, values in filters.items():
            if field not in COLUMNS:
                raise QuerySyntaxError(f"unknown filter {field!r}: filter on one of {', '.join(FILTER_FIELDS)}")
            if field == skip or not values:
                continue
            clauses.append(f"m.{COLUMNS[field]} IN ({','.join('?' * len(values))})")
            params.extend(filter_value_of(field, v) for v in values)
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

    def _snap(self, conn: sqlite3.Connection, vectors: bool = False) -> Snapshot:
        generation = self._generation(conn)
        snap = self._snapshot
        if snap is None or snap.generation != generation:
            columns = ", ".join(COLUMNS[f] for f in FILTER_FIELDS)
            rows = conn.execute(f"SELECT rowid, {columns} FROM mandates ORDER BY id").fetchall()
            codes, labels, lookup = {}, {}, {}
            for i, field in enumerate(FILTER_FIELDS, start=1):
                lookup[field] = {}
                for value in sorted({r[i] for r in rows if r[i] is not None}):
                    lookup[field][value] = len(lookup[field])
                labels[field] = list(lookup[field])
                codes[field] = np.array([lookup[field].get(r[i], -1) for r in rows], dtype=np.int32)
            rowids = np.array([r[0] for r in rows], dtype=np.int64)
            snap = self._snapshot = Snapshot(generation, rowids, codes, labels, lookup)
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
        return np.asarray(self.embedder.encode([plain_text(text)]), dtype=np.float32)[0]

    def search(self, query: SearchQuery) -> SearchResult:
        self._filter_sql(query.filters)  # unknown filter fields → QuerySyntaxError, in every mode
        text = query.q.strip()
        node = parse_query(text) if query.mode != "semantic" else None
        qvec = self._encode_query(text) if text and query.mode != "keyword" else None
        relation = "eq"
        with self._lock:
            conn = self._refresh()
            need = query.offset + query.limit
            if qvec is None:  # keyword mode, or an empty query (browse) in any mode
                page, total = self._keyword_ranked(conn, node, query.filters, query.limit, query.offset)
                facets = self._facets(conn, node, query.filters)
            elif query.min_similarity is not None:  # semantic/hybrid above the relevance floor: exact
                ranked, facets = self._above_floor(conn, node if query.mode == "hybrid" else None, qvec, query)
                page, total = ranked[query.offset : need], len(ranked)
            elif query.mode == "semantic":
                ranked, total = self._semantic_ranked(conn, qvec, query.filters, need)
                page = ranked[query.offset : need]
                facets = self._facets(conn, None, query.filters)  # every filtered mandate is a result
            else:
                fused = self._hybrid(conn, node, qvec, query.filters, need)
                page, total = fused[query.offset : need], len(fused)
                facets = self._hybrid_facets(conn, node, qvec, query.filters, need, fused)
                relation = "gte" if total >= max(100, need) else "eq"  # both ranked lists were cut at the depth
            hits = self._hits(conn, page, node)
        return SearchResult(total=total, total_relation=relation, hits=hits, facets=facets)

    def _above_floor(self, conn, node: Node | None, qvec: np.ndarray, query: SearchQuery):
        """Semantic hits: every mandate whose cosine reaches the floor; hybrid hits: those plus every
        keyword match, ranked by reciprocal rank fusion. Total and facets count exactly these."""
        snap = self._snap(conn, vectors=True)
        sims = snap.matrix @ qvec  # type: ignore[operator]
        base = sims >= query.min_similarity
        passing = np.flatnonzero(base & snap.filter_mask(query.filters))
        semantic = [(int(snap.rowids[i]), float(sims[i])) for i in passing[np.argsort(-sims[passing], kind="stable")]]
        if node is None:
            return semantic, snap.facets(base, query.filters)
        keyword, _ = self._keyword_ranked(conn, node, query.filters, None)
        base |= self._keyword_base(conn, node, snap)
        fused: dict[int, float] = {}
        for ranked in (keyword, semantic):
            for rank, (rowid, _) in enumerate(ranked, start=1):
                fused[rowid] = fused.get(rowid, 0.0) + 1.0 / (RRF_K + rank)
        position = {int(r): i for i, r in enumerate(snap.rowids)}  # id order: ties broken by mandate id
        ordered = sorted(fused.items(), key=lambda kv: (-kv[1], position[kv[0]]))
        return ordered, snap.facets(base, query.filters)

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
        return snap.facets(self._keyword_base(conn, node, snap), filters)

    def _keyword_base(self, conn, node: Node | None, snap: Snapshot) -> np.ndarray:
        """Which rows (in snapshot order) the query's words match, before any filter."""
        fts = to_fts5(node)
        base = np.ones(len(snap.rowids), dtype=bool)
        if fts.match is not None:
            base = snap.rows_mask(r[0] for r in self._run(conn, "SELECT rowid FROM mandate_fts WHERE mandate_fts MATCH ?", [fts.match]))
        if fts.exclude is not None:
            base &= ~snap.rows_mask(r[0] for r in self._run(conn, "SELECT rowid FROM mandate_fts WHERE mandate_fts MATCH ?", [fts.exclude]))
        return base

    def _generation(self, conn: sqlite3.Connection) -> tuple[int, int, int]:
        """Changes whenever this or another connection commits, or the pointer moves."""
        return (self.version, conn.execute("PRAGMA data_version").fetchone()[0], self._writes)

    def facets(self, query: SearchQuery) -> dict[str, dict[str, int]]:
        self._filter_sql(query.filters)
        node = parse_query(query.q.strip()) if query.mode != "semantic" else None
        with self._lock:
            return self._facets(self._refresh(), node, query.filters)
