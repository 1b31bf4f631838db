"""Searching the Elasticsearch backend: keyword (compiler.py's bool queries), kNN, hybrid (RRF computed
client-side), the relevance floor, facets and highlights, word counts and similarities for precedents.

A mixin of `ElasticMandateIndex` (store.py), which owns the client, the alias and the writes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from extractors.schema import FILTER_FIELDS, Mandate
from index.base import (
    SearchHit,
    SearchQuery,
    SearchResult,
)
from index.elastic.compiler import (
    FACET_SIZE,
    counts,
    facet_aggs,
    filter_clauses,
    highlight_spec,
    leaf_query,
    pick_highlight,
    read_facets,
    to_elasticsearch,
)
from index.fields import RESOLUTION_WEIGHT, RRF_K, query_vector, resolution_slots
from index.query import Node, parse_query, positive_leaves

# Elasticsearch pages through the first index.max_result_window (default 10,000) hits and caps kNN's
# num_candidates there too: pages past it are empty (total stays exact) instead of a 400 from ES
RESULT_WINDOW = 10_000
# each resolution's best cosine among the nearest mandates (no filter), and the top cosine: ElasticSearchMixin._resolution_best
ResolutionBest = tuple[dict[str | None, float], float | None]
FLOOR_DEPTH = 1000  # how deep each ranked list goes when a relevance floor decides the hits


class ElasticSearchMixin:
    """The read side of `ElasticMandateIndex`; it expects the store's `client`, `target` and `embedder`."""

    def _keyword(self, node: Node | None, filters, size: int, offset: int = 0, facets: bool = True, highlight: bool = True,
                 source: str = "json"):
        body: dict[str, Any] = {
            "query": {"bool": {"must": [to_elasticsearch(node)], "filter": [{"term": {"kind": "mandate"}}]}},
            "post_filter": {"bool": {"filter": filter_clauses(filters)}},
            "sort": [{"_score": "desc"}, {"id": "asc"}],
            "from_": offset,
            "size": size,
            "track_total_hits": True,
            "source": [source],  # "id" where only the ranking is wanted: 1,000 ids, not 1,000 mandates
        }
        if facets:
            body["aggs"] = facet_aggs(filters)
        if highlight and positive_leaves(node):
            body["highlight"] = highlight_spec()
        return self.es.search(index=self.target, **body)

    def _knn(self, qvec: np.ndarray, filters, k: int, floor: float | None = None,
             best: ResolutionBest | None = None) -> list[tuple[str, float, float | None]]:
        """(id, rank score, cosine) of the k nearest mandates passing `filters` (and the floor), best rank
        score first: each cosine read with its resolution's best cosine over every mandate, whatever the
        filters (index.fields.RESOLUTION_WEIGHT), from an unfiltered kNN list as deep (exact for every
        resolution in it, since a resolution's best mandate ranks above its others; a resolution not in
        it is read with its best among the filtered hits). `best`: that list's reading (_resolution_best at
        max(100, k)) when the caller has it: a search and its facets' re-rankings share one."""
        k = min(k, RESULT_WINDOW)
        if k <= 0:
            return []
        best, top = best or self._resolution_best(qvec, max(100, k))
        knn = {
            "field": "vector", "query_vector": qvec.tolist(), "k": k, "num_candidates": min(RESULT_WINDOW, max(100, 2 * k)),
            "filter": {"bool": {"filter": [{"term": {"kind": "mandate"}}, *filter_clauses(filters)]}},
        }
        if floor is not None:
            # the floor reads rank scores: a mandate passes when (cos + w·best) / (1 + w) reaches it, so its
            # own cosine need only reach (1 + w)·floor − w·best, best ≤ the top cosine (none above the floor:
            # no resolution can pass). ES compares `similarity` with the raw cosine.
            if top is None or top < floor:
                return []
            knn["similarity"] = (1 + RESOLUTION_WEIGHT) * floor - RESOLUTION_WEIGHT * top
        response = self.es.search(index=self.target, knn=knn, size=k, source=["id", "resolution"])
        found = response["hits"]["hits"]
        if not found:
            return []
        # ES reports cosine similarity as (1 + cos) / 2; give back the cosine like the SQLite backend
        sims = np.array([2.0 * h["_score"] - 1.0 for h in found], dtype=np.float32)
        codes: dict[str, int] = {}
        groups = np.array([-1 if h["_source"].get("resolution") is None else codes.setdefault(h["_source"]["resolution"], len(codes))
                           for h in found], dtype=np.int64)
        slots = resolution_slots(groups)
        among_hits = np.full(int(slots.max()) + 1, -np.inf, dtype=np.float32)
        np.maximum.at(among_hits, slots, sims)  # stands in for a resolution the unfiltered list did not reach
        known = np.array([best.get(h["_source"].get("resolution"), -np.inf) for h in found], dtype=np.float32)
        ranks = (sims + RESOLUTION_WEIGHT * np.maximum(known, among_hits[slots])) / (1 + RESOLUTION_WEIGHT)
        rows = [(h["_source"]["id"], float(r), float(c)) for h, r, c in zip(found, ranks, sims, strict=True)
                if floor is None or r >= floor]
        return sorted(rows, key=lambda row: (-row[1], row[0]))

    def _resolution_best(self, qvec: np.ndarray, depth: int) -> ResolutionBest:
        """Each resolution's best cosine among the `depth` nearest mandates (no filter), and the top cosine."""
        depth = min(depth, RESULT_WINDOW)
        knn = {"field": "vector", "query_vector": qvec.tolist(), "k": depth, "num_candidates": min(RESULT_WINDOW, max(100, 2 * depth)),
               "filter": {"term": {"kind": "mandate"}}}
        found = self.es.search(index=self.target, knn=knn, size=depth, source=["resolution"])["hits"]["hits"]
        best: dict[str | None, float] = {}
        for h in found:  # best first
            best.setdefault(h["_source"].get("resolution"), 2.0 * h["_score"] - 1.0)
        best.pop(None, None)  # a mandate without a resolution is read with itself alone
        return best, (2.0 * found[0]["_score"] - 1.0 if found else None)

    def match_counts(self, queries: list[str]) -> list[int]:
        """One msearch of size-0 keyword queries, each counting its matches exactly."""
        if not queries:
            return []
        searches: list[dict[str, Any]] = []
        for q in queries:
            query = {"bool": {"must": [to_elasticsearch(parse_query(q.strip()))], "filter": [{"term": {"kind": "mandate"}}]}}
            searches += [{"index": self.target}, {"query": query, "size": 0, "track_total_hits": True}]
        responses = self.es.msearch(searches=searches)["responses"]
        for response in responses:
            if "error" in response:
                raise RuntimeError(f"a count query failed: {response['error']}")
        return [r["hits"]["total"]["value"] for r in responses]

    def highlighted(self, q: str, mandate_ids: list[str]) -> dict[str, str]:
        node = parse_query(q.strip())
        ids = list(dict.fromkeys(mandate_ids))[:RESULT_WINDOW]
        return {hit.mandate.id: hit.highlight for hit in self._hits_by_id([(i, 0.0, None) for i in ids], node)}

    def similarities(self, text: str, mandate_ids: list[str], vector: list[float] | None = None) -> dict[str, float]:
        """The kNN scores of these mandates only (an ids filter), so each is semantic search's score."""
        ids = list(dict.fromkeys(mandate_ids))[:RESULT_WINDOW]
        if not ids:
            return {}
        qvec = query_vector(self.embedder, text, vector)
        knn = {
            "field": "vector", "query_vector": qvec.tolist(), "k": len(ids), "num_candidates": min(RESULT_WINDOW, max(100, 2 * len(ids))),
            "filter": {"bool": {"filter": [{"term": {"kind": "mandate"}}, {"ids": {"values": [f"m:{i}" for i in ids]}}]}},
        }
        response = self.es.search(index=self.target, knn=knn, size=len(ids), source=["id"])
        return {h["_source"]["id"]: 2.0 * h["_score"] - 1.0 for h in response["hits"]["hits"]}

    def _count(self, filters) -> int:
        query = {"bool": {"filter": [{"term": {"kind": "mandate"}}, *filter_clauses(filters)]}}
        return self.es.count(index=self.target, query=query)["count"]

    def search(self, query: SearchQuery) -> SearchResult:
        text = query.q.strip()
        node = parse_query(text) if query.mode != "semantic" else None
        need = query.offset + query.limit
        if not text or query.mode == "keyword":
            size = max(0, min(query.limit, RESULT_WINDOW - query.offset))  # a page past the window is empty
            response = self._keyword(node, query.filters, size, query.offset if size else 0, highlight=query.highlight)
            leaves = positive_leaves(node) if query.highlight else []
            hits = [
                SearchHit(mandate=Mandate.model_validate(h["_source"]["json"]), score=float(h["_score"] or 0.0),
                          highlight=pick_highlight(h, h["_source"]["json"]["text"], leaves))
                for h in response["hits"]["hits"]
            ]
            return SearchResult(total=response["hits"]["total"]["value"], hits=hits, facets=read_facets(response["aggregations"]))
        qvec = query_vector(self.embedder, text, query.vector)
        if query.min_similarity is not None:
            return self._above_floor(node if query.mode == "hybrid" else None, qvec, query)
        if query.mode == "semantic":
            # as deep as hybrid's list, so the resolutions' best mandates are in it to read the page by
            ranked = self._knn(qvec, query.filters, max(100, need))
            page = ranked[query.offset : need]
            total = self._count(query.filters)
            facets = read_facets(self.es.search(index=self.target, size=0, query={"term": {"kind": "mandate"}},
                                                      post_filter={"bool": {"filter": filter_clauses(query.filters)}},
                                                      aggs=facet_aggs(query.filters))["aggregations"])
        else:
            best = self._resolution_best(qvec, min(max(100, need), RESULT_WINDOW))  # one reading for all lists
            fused = self._hybrid(node, qvec, query.filters, need, best=best)
            page, total = fused[query.offset : need], len(fused)
            facets = self._facets_of(fused, query.filters,
                                     lambda others: self._hybrid(node, qvec, others, need, best=best))
        return SearchResult(total=total, hits=self._hits_by_id(page, node if query.highlight else None), facets=facets)

    def _above_floor(self, node: Node | None, qvec: np.ndarray, query: SearchQuery) -> SearchResult:
        """Semantic (and, with `node`, hybrid) hits above the relevance floor, up to FLOOR_DEPTH of
        each ranked list: total_relation says gte when a list reached that depth."""
        need = query.offset + query.limit
        best = self._resolution_best(qvec, FLOOR_DEPTH)  # one reading for the hits and each facet's re-ranking
        if node is None:
            ranked = self._knn(qvec, query.filters, FLOOR_DEPTH, query.min_similarity, best)
            cut = len(ranked) >= FLOOR_DEPTH
        else:
            ranked = self._hybrid(node, qvec, query.filters, FLOOR_DEPTH, query.min_similarity, best)
            cut = len(ranked) >= FLOOR_DEPTH
        facets = self._facets_of(ranked, query.filters, lambda others: (
            self._knn(qvec, others, FLOOR_DEPTH, query.min_similarity, best) if node is None
            else self._hybrid(node, qvec, others, FLOOR_DEPTH, query.min_similarity, best)))
        return SearchResult(total=len(ranked), total_relation="gte" if cut else "eq",
                            hits=self._hits_by_id(ranked[query.offset : need], node if query.highlight else None), facets=facets)

    def _hybrid(self, node: Node | None, qvec: np.ndarray, filters, need: int,
                floor: float | None = None, best: ResolutionBest | None = None) -> list[tuple[str, float, float | None]]:
        """(id, fused score, cosine: None for a mandate found by its words alone), best first."""
        depth = min(max(100, need), RESULT_WINDOW)
        keyword = []
        if node is not None:
            response = self._keyword(node, filters, depth, facets=False, highlight=False, source="id")
            keyword = [h["_source"]["id"] for h in response["hits"]["hits"]]
        by_meaning = self._knn(qvec, filters, depth, floor, best)
        cosine = {i: c for i, _, c in by_meaning}
        fused: dict[str, float] = {}
        for ranked in (keyword, [i for i, _, _ in by_meaning]):
            for rank, mandate_id in enumerate(ranked, start=1):
                fused[mandate_id] = fused.get(mandate_id, 0.0) + 1.0 / (RRF_K + rank)
        return [(i, f, cosine.get(i)) for i, f in sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))]

    def _facets_of(self, ranked: list[tuple[str, float, float | None]], filters, ranked_without) -> dict[str, dict[str, int]]:
        """Facets of a ranked list: a filtered field counts over the list ranked without its own
        filter (`ranked_without(other filters)`), every other field over `ranked`, all of those in
        one request."""
        facets = self._count_values([f for f in FILTER_FIELDS if not filters.get(f)], [i for i, _, _ in ranked])
        for field in FILTER_FIELDS:
            if filters.get(field):
                rows = ranked_without({k: v for k, v in filters.items() if k != field})
                facets.update(self._count_values([field], [i for i, _, _ in rows]))
        return {field: facets[field] for field in FILTER_FIELDS}

    def _count_values(self, fields: list[str], ids: list[str]) -> dict[str, dict[str, int]]:
        """Value counts of each of `fields` over these mandates: one request, one terms agg per field."""
        if not ids or not fields:
            return {field: {} for field in fields}
        response = self.es.search(index=self.target, size=0, query={"ids": {"values": [f"m:{i}" for i in ids]}},
                                  aggs={field: {"terms": {"field": field, "size": FACET_SIZE}} for field in fields})
        return {field: counts(response["aggregations"][field]["buckets"]) for field in fields}

    def _hits_by_id(self, page: list[tuple[str, float, float | None]], node: Node | None) -> list[SearchHit]:
        if not page:
            return []
        ids = [f"m:{i}" for i, _, _ in page]
        body: dict[str, Any] = {"query": {"ids": {"values": ids}}, "size": len(ids), "source": ["json"]}
        leaves = positive_leaves(node)
        if leaves:  # score-free query of the wanted terms, only so the highlighter marks them
            body["query"] = {"bool": {"filter": [{"ids": {"values": ids}}],
                                      "should": [leaf_query(leaf) for leaf in leaves]}}
            body["highlight"] = highlight_spec()
        response = self.es.search(index=self.target, **body)
        found = {h["_source"]["json"]["id"]: h for h in response["hits"]["hits"]}
        return [
            SearchHit(mandate=Mandate.model_validate(found[i]["_source"]["json"]), score=score, similarity=similarity,
                      highlight=pick_highlight(found[i], found[i]["_source"]["json"]["text"], leaves))
            for i, score, similarity in page if i in found
        ]

    def facets(self, query: SearchQuery) -> dict[str, dict[str, int]]:
        node = parse_query(query.q.strip()) if query.mode != "semantic" else None
        return read_facets(self._keyword(node, query.filters, 0, highlight=False)["aggregations"])
