"""Search on the SQLite backend: keyword (FTS5 BM25), semantic (one mat-vec over the stored
vectors), hybrid (reciprocal rank fusion), facets and highlights. A mixin of SqliteMandateIndex,
which provides the connection (`_refresh`), the lock and the embedder."""

from __future__ import annotations

import html
import logging
import sqlite3
import time
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

from extractors.schema import FILTER_FIELDS, Mandate
from index.base import QuerySyntaxError, SearchHit, SearchQuery, SearchResult
from index.fields import RRF_K, has_indexed_han, query_vector, resolution_smoothed
from index.highlight import MARK_CLOSE, MARK_OPEN, mark_from_engine, mark_original
from index.query import Node, parse_query, positive_leaves
from index.sqlite import snapshot_files
from index.sqlite.compiler import fts5_highlight_expr, to_fts5
from index.sqlite.schema import COLUMNS, PAGE_FTS, mandate_of
from index.sqlite.snapshot import DECODED_ROWS, Snapshot, load_snapshot

log = logging.getLogger(__name__)


class SqliteSearch:
    """search / facets of SqliteMandateIndex."""

    _lock: Any
    _snapshot: Snapshot | None
    _writes: int
    version: int
    embedder: Any

    def _refresh(self) -> sqlite3.Connection:  # provided by SqliteMandateIndex
        raise NotImplementedError

    def path_of(self, version: int) -> Path:  # provided by SqliteMandateIndex
        raise NotImplementedError

    @staticmethod
    def _check_filters(filters: dict[str, list[str]]) -> None:
        for name in filters:
            if name not in COLUMNS:
                raise QuerySyntaxError(f"unknown filter {name!r}: filter on one of {', '.join(FILTER_FIELDS)}")

    def _run(self, conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[tuple]:
        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "fts5" in str(exc) or "syntax" in str(exc):  # should not happen: every term is quoted
                raise QuerySyntaxError(f"the query could not be searched: {exc}") from exc
            raise

    def _snap(self, conn: sqlite3.Connection) -> Snapshot:
        """The search arrays of the current generation: mapped from the version's saved arrays when
        their write stamp is the database's (snapshot_files), else rebuilt from the rows and saved."""
        generation = self._generation(conn)
        snap = self._snapshot
        if snap is None or snap.generation != generation:
            row = conn.execute("SELECT value FROM meta WHERE key='embedder'").fetchone()
            dim = int(row[0].rsplit("/", 1)[1]) if row else None
            database = self.path_of(self.version)
            stamp = snapshot_files.write_stamp(conn)
            snap = snapshot_files.load_saved(database, stamp, dim, generation)
            if snap is None:
                started = time.perf_counter()
                snap = load_snapshot(conn, generation, dim)
                snapshot_files.save(database, stamp, dim, snap)
                log.info("search arrays of %s rebuilt from its %d rows and saved in %.1f s", database.name, len(snap),
                         time.perf_counter() - started)
            self._snapshot = snap
        return snap

    def _matches(self, conn, snap: Snapshot, node: Node | None) -> tuple[np.ndarray, np.ndarray]:
        """Positions (in snap) and BM25 scores of every row the query matches, from one FTS5 query
        (the engine scores every match for ORDER BY rank anyway); no query: every row, score 0."""
        fts = to_fts5(node)
        if fts.match is None:
            positions, scores = np.arange(len(snap), dtype=np.int64), np.zeros(len(snap))
        else:
            rows = self._run(conn, "SELECT rowid, -bm25(mandate_fts) FROM mandate_fts WHERE mandate_fts MATCH ?", [fts.match])
            # one flat pass over the (rowid, score) tuples: np.array on a list of tuples is 2.5x slower
            found = np.fromiter(chain.from_iterable(rows), dtype=np.float64, count=2 * len(rows)).reshape(-1, 2)
            rowids = found[:, 0].astype(np.int64)
            inside = rowids < len(snap.position)
            positions = np.full(len(rowids), -1, dtype=np.int64)
            positions[inside] = snap.position[rowids[inside]]
            known = positions >= 0
            positions, scores = positions[known], found[known, 1]
        if fts.exclude is not None:
            dropped = np.zeros(len(snap), dtype=bool)
            rowids = np.array([r[0] for r in self._run(conn, "SELECT rowid FROM mandate_fts WHERE mandate_fts MATCH ?", [fts.exclude])], dtype=np.int64)
            dropped[snap.positions_of(rowids)] = True
            keep = ~dropped[positions]
            positions, scores = positions[keep], scores[keep]
        return positions, scores

    def search(self, query: SearchQuery) -> SearchResult:
        self._check_filters(query.filters)  # unknown filter fields → QuerySyntaxError, in every mode
        text = query.q.strip()
        node = parse_query(text) if query.mode != "semantic" else None
        qvec = query_vector(self.embedder, text, query.vector) if text and query.mode != "keyword" else None
        filters = query.filters
        relation = "eq"
        with self._lock:
            conn = self._refresh()
            snap = self._snap(conn)
            need = query.offset + query.limit
            sims = None
            if qvec is None:  # keyword mode, or an empty query (browse) in any mode
                positions, scores = self._matches(conn, snap, node)
                top, top_scores, total = ranked(positions, scores, snap.filter_mask(filters), need)
                page = list(zip(top[query.offset :].tolist(), top_scores[query.offset :].tolist(), strict=True))
                facets = snap.facets(None if node is None else positions, filters)
            else:
                sims = self._similarities(snap, qvec)
                mask = snap.filter_mask(filters)
                ranks = self._rank_scores(snap, sims)
                matches = self._matches(conn, snap, node) if query.mode == "hybrid" and node is not None else None
                if query.min_similarity is not None:  # semantic/hybrid above the relevance floor: exact
                    page, total, facets = above_floor(snap, matches, sims, ranks, filters, query.min_similarity, need)
                    page = page[query.offset :]
                elif query.mode == "semantic":
                    top, top_scores, total = ranked(None, ranks, mask, need)
                    page = list(zip(top[query.offset :].tolist(), top_scores[query.offset :].tolist(), strict=True))
                    facets = snap.facets(None, filters)  # every filtered mandate is a result
                else:
                    fused = fuse(matches, ranks, mask, need)
                    page, total = fused[query.offset : need], len(fused)
                    facets = self._hybrid_facets(snap, matches, ranks, filters, need, fused)
                    relation = "gte" if total >= max(100, need) else "eq"  # both ranked lists were cut at the depth
            hits = self._hits(conn, [(int(snap.rowids[p]), s, None if sims is None else float(sims[p])) for p, s in page],
                              node if query.highlight else None)
        # built here from validated parts: construct, not re-validate (the facets hold thousands of values)
        return SearchResult.model_construct(total=total, total_relation=relation, hits=hits, facets=facets)

    @staticmethod
    def _similarities(snap: Snapshot, qvec: np.ndarray) -> np.ndarray:
        if snap.matrix is None:
            if len(snap) == 0:
                return np.zeros(0, dtype=np.float32)
            raise RuntimeError("index rows without vectors: run `unea-mandates reindex`")
        return snap.matrix @ qvec  # one mat-vec over every row: cheaper than copying filtered rows out

    @staticmethod
    def _rank_scores(snap: Snapshot, sims: np.ndarray) -> np.ndarray:
        """Semantic rank scores: each cosine read with the best cosine of its resolution over every mandate,
        whatever the filters (index.fields.RESOLUTION_WEIGHT): one reading per query, for hits and facets."""
        return resolution_smoothed(sims, snap.resolution_slots)

    @staticmethod
    def _hybrid_facets(snap: Snapshot, matches, ranks, filters, need, fused) -> dict[str, dict[str, int]]:
        """Facets of the fused result set; a filtered field's counts come from the fused set
        computed without that field's own filter (same rule as keyword facets)."""
        facets: dict[str, dict[str, int]] = {}
        for name in FILTER_FIELDS:
            rows = fused
            if filters.get(name):
                rows = fuse(matches, ranks, snap.filter_mask(filters, skip=name), need)
            facets[name] = snap.counts_of(np.array([p for p, _ in rows], dtype=np.int64), name)
        return facets

    def _hits(self, conn, page: list[tuple[int, float, float | None]], node: Node | None) -> list[SearchHit]:
        """The page's mandates with highlights: FTS5's highlight() for rows with no Han text (its
        marks mapped back onto the original characters), index.highlight for Chinese rows."""
        if not page:
            return []
        rowids = [r for r, _, _ in page]
        mandates = self._decoded(conn, rowids)
        leaves = positive_leaves(node)
        # which rows FTS5 marks; none to sort out when no words are wanted (semantic, unhighlighted)
        engine_marked = {r for r, m in mandates.items() if not (m.language == "zh" or has_indexed_han(m.text))} if leaves else set()
        highlighted: dict[int, str] = {}
        expr = fts5_highlight_expr(node)
        if expr is not None and engine_marked:
            highlighted = self._highlighted(conn, sorted(engine_marked), expr)
        hits = []
        for rowid, score, similarity in page:
            mandate = mandates[rowid]
            if rowid in highlighted:
                highlight = mark_from_engine(mandate.text, highlighted[rowid], leaves)
            elif rowid not in engine_marked and leaves:  # no words wanted (semantic): nothing to mark
                highlight = mark_original(mandate.text, leaves)
            else:
                highlight = html.escape(mandate.text)
            hits.append(SearchHit.model_construct(mandate=mandate, score=float(score), highlight=highlight, similarity=similarity))
        return hits

    def _decoded(self, conn: sqlite3.Connection, rowids: list[int]) -> dict[int, Mandate]:
        """These rows' mandates, decoded once per snapshot while they stay among the recently read."""
        snap = self._snapshot
        cache = snap.decoded if snap is not None else {}
        missing = [r for r in rowids if r not in cache]
        if missing:
            marks = ",".join("?" * len(missing))
            for rowid, blob in conn.execute(f"SELECT rowid, json FROM mandates WHERE rowid IN ({marks})", missing):
                cache[rowid] = mandate_of(blob)
        found = {rowid: cache[rowid] for rowid in rowids}
        for rowid in rowids:  # most recently read last; the oldest go first
            cache[rowid] = cache.pop(rowid)
        while len(cache) > DECODED_ROWS:
            del cache[next(iter(cache))]
        return found

    def _highlighted(self, conn: sqlite3.Connection, rowids: list[int], expr: str) -> dict[int, str]:
        """FTS5 highlight() of these rows (sentinels around matches), computed on a scratch copy
        of their FTS rows: on the big table the highlight query costs as much as a search."""
        marks = ",".join("?" * len(rowids))
        content = conn.execute(f"SELECT rowid, words, grams, chars FROM mandate_fts WHERE rowid IN ({marks})", rowids).fetchall()
        scratch = self._page_fts()
        scratch.execute("DELETE FROM page_fts")
        scratch.executemany("INSERT INTO page_fts(rowid, words, grams, chars) VALUES(?,?,?,?)", content)
        return dict(self._run(scratch, "SELECT rowid, highlight(page_fts, 0, ?, ?) FROM page_fts WHERE page_fts MATCH ?",
                              [MARK_OPEN, MARK_CLOSE, expr]))

    def _page_fts(self) -> sqlite3.Connection:
        scratch = getattr(self, "_scratch", None)
        if scratch is None:
            scratch = self._scratch = sqlite3.connect(":memory:", check_same_thread=False)
            scratch.execute(PAGE_FTS)
        return scratch

    def match_counts(self, queries: list[str]) -> list[int]:
        # malformed → QuerySyntaxError before the lock; a query counted before was parsed before
        known = self._snapshot.match_counts if self._snapshot is not None else {}
        nodes = {q: parse_query(q.strip()) for q in queries if q not in known}
        with self._lock:
            conn = self._refresh()
            snap = self._snap(conn)
            cache = snap.match_counts
            for q in queries:
                if q not in cache:
                    node = nodes[q] if q in nodes else parse_query(q.strip())
                    cache[q] = len(snap) if node is None else len(self._matches(conn, snap, node)[0])
            return [cache[q] for q in queries]

    def highlighted(self, q: str, mandate_ids: list[str]) -> dict[str, str]:
        node = parse_query(q.strip())  # malformed → QuerySyntaxError before the lock
        if not mandate_ids:
            return {}
        with self._lock:
            conn = self._refresh()
            self._snap(conn)
            marks = ",".join("?" * len(mandate_ids))
            rows = conn.execute(f"SELECT rowid, id FROM mandates WHERE id IN ({marks})", mandate_ids).fetchall()
            hits = self._hits(conn, [(rowid, 0.0, None) for rowid, _ in rows], node)
            return {mandate_id: hit.highlight for (_, mandate_id), hit in zip(rows, hits, strict=True)}

    def similarities(self, text: str, mandate_ids: list[str], vector: list[float] | None = None) -> dict[str, float]:
        if not mandate_ids:
            return {}
        qvec = query_vector(self.embedder, text, vector)  # as search embeds it: each score is search's
        with self._lock:
            conn = self._refresh()
            snap = self._snap(conn)
            marks = ",".join("?" * len(mandate_ids))
            rows = conn.execute(f"SELECT rowid, id FROM mandates WHERE id IN ({marks})", mandate_ids).fetchall()
            if not rows:
                return {}
            sims = self._similarities(snap, qvec)  # the whole mat-vec, so each score is search's to the bit
            out = {}
            for rowid, mandate_id in rows:
                position = int(snap.position[rowid]) if rowid < len(snap.position) else -1
                if position >= 0:
                    out[mandate_id] = float(sims[position])
            return out

    def _generation(self, conn: sqlite3.Connection) -> tuple[int, int, int]:
        """Changes whenever this or another connection commits, or the pointer moves."""
        return (self.version, conn.execute("PRAGMA data_version").fetchone()[0], self._writes)

    def facets(self, query: SearchQuery) -> dict[str, dict[str, int]]:
        self._check_filters(query.filters)
        node = parse_query(query.q.strip()) if query.mode != "semantic" else None
        with self._lock:
            conn = self._refresh()
            snap = self._snap(conn)
            base = None if node is None else self._matches(conn, snap, node)[0]
            return snap.facets(base, query.filters)


def ranked(positions: np.ndarray | None, scores: np.ndarray, mask: np.ndarray | None,
           need: int) -> tuple[np.ndarray, np.ndarray, int]:
    """The `need` best (position, score) pairs by score, ties by position (= mandate id), among
    rows passing `mask`; and how many pass. `positions` None: scores holds every row in order."""
    if positions is None:
        positions = np.arange(len(scores), dtype=np.int64)
    if mask is not None:
        keep = mask[positions]
        positions, scores = positions[keep], scores[keep]
    total = len(positions)
    if need <= 0:
        return positions[:0], scores[:0], total
    if need < total:  # only rows scoring at least the need-th best can be on the page (ties kept)
        threshold = np.partition(scores, total - need)[total - need]
        best = scores >= threshold
        positions, scores = positions[best], scores[best]
    order = np.lexsort((positions, -scores))[:need]
    return positions[order], scores[order], total


def fuse(matches: tuple[np.ndarray, np.ndarray] | None, sims: np.ndarray, mask: np.ndarray | None,
         need: int) -> list[tuple[int, float]]:
    """Reciprocal rank fusion (k=60) of the BM25 and the vector top max(100, offset+limit):
    (position, fused score), best first, ties by mandate id."""
    depth = max(100, need)
    lists = [ranked(None, sims, mask, depth)[0]]
    if matches is not None:
        lists.insert(0, ranked(*matches, mask, depth)[0])
    positions, scores = rrf(lists, len(sims))
    order = np.lexsort((positions, -scores))
    return list(zip(positions[order].tolist(), scores[order].tolist(), strict=True))


def rrf(lists: list[np.ndarray], size: int) -> tuple[np.ndarray, np.ndarray]:
    """Every position in any of the ranked lists and its reciprocal rank fusion score (k=60), in
    position order. The lists' terms are added in list order, as a running sum would."""
    scores = np.zeros(size, dtype=np.float64)
    present = np.zeros(size, dtype=bool)
    for top in lists:
        scores[top] += 1.0 / (RRF_K + np.arange(1, len(top) + 1, dtype=np.float64))
        present[top] = True
    positions = np.flatnonzero(present)
    return positions, scores[positions]


def above_floor(snap: Snapshot, matches: tuple[np.ndarray, np.ndarray] | None, sims: np.ndarray, ranks: np.ndarray,
                filters: dict[str, list[str]], floor: float,
                need: int) -> tuple[list[tuple[int, float]], int, dict[str, dict[str, int]]]:
    """Semantic hits: every mandate whose rank score (`ranks`: its cosine read with its resolution's best)
    reaches the floor; hybrid hits (`matches` given): those plus every keyword match, ranked by reciprocal
    rank fusion. Total and facets count exactly these: the best `need` (position, score), best first; the
    total; the facets."""
    base = ranks >= floor
    mask = snap.filter_mask(filters)
    passing = np.flatnonzero(base if mask is None else base & mask)
    if matches is None:
        top, top_scores, total = ranked(passing, ranks[passing], None, need)
        page = list(zip(top.tolist(), top_scores.tolist(), strict=True))
        return page, total, snap.facets(np.flatnonzero(base), filters)
    order = passing[np.lexsort((passing, -ranks[passing]))]
    keyword = ranked(*matches, mask, len(matches[0]))[0]
    base[matches[0]] = True
    top, top_scores, total = ranked(*rrf([keyword, order], len(sims)), None, need)
    page = list(zip(top.tolist(), top_scores.tolist(), strict=True))
    return page, total, snap.facets(np.flatnonzero(base), filters)
