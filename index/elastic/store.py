"""The Elasticsearch backend (official `elasticsearch` client, 8.x/9.x API).

Physical indices `{prefix}-v{N}` share an index template and sit behind the alias `{prefix}`
(default "mandates"); a re-index builds v{N+1} and swaps the alias in ONE update_aliases call
(remove + add), so searches see the old or the new version, never a mix.

Mapping: `text` — the NFKC-folded copy of the mandate text (extractors.nfkc; queries are folded
the same way, so Ｐｌａｓｔｉｃ and ２０３０ match plastic and 2030) — with sub-fields `en` (english analyzer), `plain` (standard,
unstemmed: prefix queries) and `cjk` (the built-in cjk analyzer: character bigrams, so 微塑料
matches whatever a segmenter would make of its neighbours — no plugin needed); `text_zh` holds
jieba-segmented Chinese on a whitespace analyzer, or the folded text analysed by smartcn / IK when
$UNEA_MANDATES_ES_ZH_ANALYZER names one that is installed; keyword fields for filters and
facets (mapping.py); `vector` a dense_vector (cosine) for kNN. compiler.py compiles index.query's AST to
bool/match/match_phrase/prefix clauses (never query_string). Hybrid = RRF computed client-side.
Highlights: ES marks the folded copy with sentinel tags (no encoding); index.highlight maps them
onto the original text from `json` and escapes it, as the SQLite backend does. Folding the indexed
copy rather than adding an ICU normalizer keeps the cluster plugin-free and gives both backends
one normaliser; an index written before folding still highlights (its copy is the original) and
is folded by `unea-mandates reindex`.

Known limit: Elasticsearch has no multi-document transactions; replace_document writes the new
mandates first and then deletes the document's stale ones, so a reader between the two requests
can briefly see both. The re-index path (alias swap) is atomic.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from extractors.nfkc import fold
from extractors.schema import FILTER_FIELDS, Document, Mandate
from index.base import (
    IndexBusy,
    IndexStats,
    SearchHit,
    SearchQuery,
    SearchResult,
    mandates_of_document,
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
from index.elastic.locks import take_rebuild_lock
from index.elastic.mapping import index_template
from index.fields import RRF_K, embed_missing, filter_values, plain_text, segment_for_index, text_hash
from index.query import Node, parse_query, positive_leaves

# Elasticsearch pages through the first index.max_result_window (default 10,000) hits and caps kNN's
# num_candidates there too: pages past it are empty (total stays exact) instead of a 400 from ES
RESULT_WINDOW = 10_000
FLOOR_DEPTH = 1000  # how deep each ranked list goes when a relevance floor decides the hits


class ElasticMandateIndex:
    backend = "elasticsearch"

    def __init__(
        self,
        url: str | None = None,
        prefix: str | None = None,
        embedder: Any = None,
        physical: str | None = None,
        refresh: bool = False,
        client: Any = None,
        zh_analyzer: str | None = None,
        api_key: str | None = None,
    ):
        from elasticsearch import Elasticsearch

        self.url = url or "http://localhost:9200"
        self.alias = prefix or "mandates"
        self.zh_analyzer = zh_analyzer
        if client is None:
            client = Elasticsearch(self.url, api_key=api_key) if api_key else Elasticsearch(self.url)
        self.es = client
        self._embedder = embedder
        self._refresh = "true" if refresh else "wait_for"
        self._physical = physical  # set: a builder writing one physical version; None: follow the alias
        self._borrow_from: str | None = None
        self._lock_id: str | None = None
        if physical is None:
            self._ensure_serving()

    # --- setup and versions ---------------------------------------------------------------------

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            from models.embedders import get_default_embedder

            self._embedder = get_default_embedder()
        return self._embedder

    def _put_template(self) -> None:
        body = index_template(self.alias, self.embedder.dim, self.zh_analyzer)
        self.es.indices.put_index_template(name=f"{self.alias}-template", **body)

    def _ensure_serving(self) -> None:
        if self.es.indices.exists_alias(name=self.alias):
            return
        self._put_template()
        first = f"{self.alias}-v1"
        if not self.es.indices.exists(index=first):
            self.es.indices.create(index=first)
        self.es.indices.update_aliases(actions=[{"add": {"index": first, "alias": self.alias}}])

    @property
    def target(self) -> str:
        """Where reads and writes go: the builder's physical index, else the alias."""
        return self._physical or self.alias

    def _serving_index(self) -> str:
        return next(iter(self.es.indices.get_alias(name=self.alias).body))

    @staticmethod
    def _version_of(name: str) -> int:
        return int(name.rsplit("-v", 1)[1])

    @property
    def version(self) -> int:
        return self._version_of(self._physical or self._serving_index())

    # --- writes -----------------------------------------------------------------------------------

    def _vectors_for(self, mandates: list[Mandate]) -> list[list[float]]:
        hashes = [text_hash(m.text) for m in mandates]
        known: dict[str, list[float]] = {}
        sources = [self.target] + ([self._borrow_from] if self._borrow_from else [])
        for source in sources:
            wanted = sorted(set(hashes) - set(known))
            if not wanted:
                break
            response = self.es.search(
                index=source,
                query={"terms": {"text_hash": wanted}},
                source=["text_hash", "vector"],
                size=len(wanted),
                collapse={"field": "text_hash"},
            )
            for hit in response["hits"]["hits"]:
                if hit["_source"].get("vector"):
                    known[hit["_source"]["text_hash"]] = hit["_source"]["vector"]
        return embed_missing(self.embedder, mandates, hashes, known, lambda vec: vec.tolist())

    def _mandate_source(self, m: Mandate, vector: list[float], ordinal: int) -> dict[str, Any]:
        folded = fold(m.text)
        zh = segment_for_index(folded, m.language) if m.language == "zh" else ""
        if self.zh_analyzer and m.language == "zh":
            zh = folded  # a real Chinese analyzer segments the (folded) text itself
        return {
            "kind": "mandate",
            "id": m.id,
            **filter_values(m),
            "text_hash": text_hash(m.text),
            "ordinal": ordinal,
            "text": folded,  # the searched copy; the original is in json
            "text_zh": zh,
            "json": m.model_dump(mode="json"),
            "vector": vector,
        }

    def replace_document(self, document: Document, mandates: list[Mandate], replaces: str | None = None) -> None:
        from elasticsearch import helpers

        mandates = mandates_of_document(document, mandates)
        self._refuse_during_rebuild()
        vectors = self._vectors_for(mandates)
        actions = [
            {
                "_op_type": "index",
                "_index": self.target,
                "_id": f"doc:{document.id}",
                "_source": {
                    "kind": "document",
                    "id": document.id,
                    "document": document.id,
                    "source_file": document.source_file,
                    "symbol": document.symbol,
                    "json": document.model_dump(mode="json"),
                },
            }
        ]
        actions += [
            {"_op_type": "index", "_index": self.target, "_id": f"m:{m.id}", "_source": self._mandate_source(m, v, i)}
            for i, (m, v) in enumerate(zip(mandates, vectors, strict=True))
        ]
        helpers.bulk(self.es, actions, refresh=self._refresh)
        keep = [m.id for m in mandates]
        stale: dict[str, Any] = {
            "bool": {"filter": [{"term": {"kind": "mandate"}}, {"term": {"document": document.id}}], "must_not": [{"ids": {"values": [f"m:{i}" for i in keep]}}]}
        }
        self.es.delete_by_query(index=self.target, query=stale, refresh=True, conflicts="proceed")
        if replaces and replaces != document.id:
            self.delete_document(replaces)

    def _refuse_during_rebuild(self) -> None:
        """Writes to the serving version while a re-index builds the next would be lost at the swap."""
        if self._physical is None and self.es.options(ignore_status=404).exists(index=self._locks, id="rebuild"):
            raise IndexBusy(f"a re-index of {self.alias} is running: try again when it has finished")

    def delete_document(self, document_id: str) -> bool:
        self._refuse_during_rebuild()
        found = self.has_document(document_id)
        self.es.delete_by_query(index=self.target, query={"term": {"document": document_id}}, refresh=True, conflicts="proceed")
        return found

    # --- reads ----------------------------------------------------------------------------------

    def has_document(self, document_id: str) -> bool:
        return bool(self.es.exists(index=self.target, id=f"doc:{document_id}"))

    def get_document(self, document_id: str) -> Document | None:
        response = self.es.options(ignore_status=404).get(index=self.target, id=f"doc:{document_id}")
        return Document.model_validate(response.body["_source"]["json"]) if response.body.get("found") else None

    def document_for_source(self, source_file: str) -> Document | None:
        hits = self._all({"bool": {"filter": [{"term": {"kind": "document"}}, {"term": {"source_file": source_file}}]}}, 1)
        return Document.model_validate(hits[0]["json"]) if hits else None

    def list_documents(self) -> list[Document]:
        docs = [Document.model_validate(s["json"]) for s in self._all({"term": {"kind": "document"}})]
        return sorted(docs, key=lambda d: (d.source_file, d.id))

    def get(self, mandate_id: str) -> Mandate | None:
        response = self.es.options(ignore_status=404).get(index=self.target, id=f"m:{mandate_id}")
        return Mandate.model_validate(response.body["_source"]["json"]) if response.body.get("found") else None

    def mandates_of(self, document_id: str) -> list[Mandate]:
        hits = self._all({"bool": {"filter": [{"term": {"kind": "mandate"}}, {"term": {"document": document_id}}]}})
        hits.sort(key=lambda s: s.get("ordinal", 0))
        return [Mandate.model_validate(s["json"]) for s in hits]

    def _all(self, query: dict[str, Any], limit: int | None = None) -> list[dict[str, Any]]:
        from elasticsearch import helpers

        out = []
        # indexing order of a document's mandates is kept by sorting on _doc within one shard
        for hit in helpers.scan(self.es, index=self.target, query={"query": query, "sort": ["_doc"], "_source": {"excludes": ["vector"]}}, preserve_order=True):
            out.append(hit["_source"])
            if limit is not None and len(out) >= limit:
                break
        return out

    def stats(self) -> IndexStats:
        self.es.indices.refresh(index=self.target)
        documents = self.es.count(index=self.target, query={"term": {"kind": "document"}})["count"]
        response = self.es.search(
            index=self.target, size=0, query={"term": {"kind": "mandate"}},
            aggs={"lang": {"terms": {"field": "language", "size": 100}}}, track_total_hits=True,
        )
        by_language = {b["key"]: b["doc_count"] for b in response["aggregations"]["lang"]["buckets"]}
        return IndexStats(backend=self.backend, documents=documents, mandates=response["hits"]["total"]["value"],
                          version=self.version, by_language=by_language)

    # --- search -----------------------------------------------------------------------------------

    def _keyword(self, node: Node | None, filters, size: int, offset: int = 0, facets: bool = True, highlight: bool = True):
        body: dict[str, Any] = {
            "query": {"bool": {"must": [to_elasticsearch(node)], "filter": [{"term": {"kind": "mandate"}}]}},
            "post_filter": {"bool": {"filter": filter_clauses(filters)}},
            "sort": [{"_score": "desc"}, {"id": "asc"}],
            "from_": offset,
            "size": size,
            "track_total_hits": True,
            "source": ["json"],
        }
        if facets:
            body["aggs"] = facet_aggs(filters)
        if highlight and positive_leaves(node):
            body["highlight"] = highlight_spec()
        return self.es.search(index=self.target, **body)

    def _knn(self, qvec: np.ndarray, filters, k: int, floor: float | None = None) -> list[tuple[str, float]]:
        k = min(k, RESULT_WINDOW)
        if k <= 0:
            return []
        knn = {
            "field": "vector", "query_vector": qvec.tolist(), "k": k, "num_candidates": min(RESULT_WINDOW, max(100, 2 * k)),
            "filter": {"bool": {"filter": [{"term": {"kind": "mandate"}}, *filter_clauses(filters)]}},
        }
        if floor is not None:  # ES compares `similarity` with the raw cosine, not the (1 + cos) / 2 score
            knn["similarity"] = floor
        response = self.es.search(index=self.target, knn=knn, size=k, source=["id"])
        # ES reports cosine similarity as (1 + cos) / 2; give back the cosine like the SQLite backend
        return [(h["_source"]["id"], 2.0 * h["_score"] - 1.0) for h in response["hits"]["hits"]]

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

    def similarities(self, text: str, mandate_ids: list[str]) -> dict[str, float]:
        """The kNN scores of these mandates only (an ids filter), so each is semantic search's score."""
        ids = list(dict.fromkeys(mandate_ids))[:RESULT_WINDOW]
        if not ids:
            return {}
        qvec = np.asarray(self.embedder.encode([plain_text(text.strip())]), dtype=np.float32)[0]
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
            response = self._keyword(node, query.filters, size, query.offset if size else 0)
            leaves = positive_leaves(node)
            hits = [
                SearchHit(mandate=Mandate.model_validate(h["_source"]["json"]), score=float(h["_score"] or 0.0),
                          highlight=pick_highlight(h, h["_source"]["json"]["text"], leaves))
                for h in response["hits"]["hits"]
            ]
            return SearchResult(total=response["hits"]["total"]["value"], hits=hits, facets=read_facets(response["aggregations"]))
        qvec = np.asarray(self.embedder.encode([plain_text(text)]), dtype=np.float32)[0]
        if query.min_similarity is not None:
            return self._above_floor(node if query.mode == "hybrid" else None, qvec, query)
        if query.mode == "semantic":
            ranked = self._knn(qvec, query.filters, need)
            page = ranked[query.offset : need]
            total = self._count(query.filters)
            facets = read_facets(self.es.search(index=self.target, size=0, query={"term": {"kind": "mandate"}},
                                                      post_filter={"bool": {"filter": filter_clauses(query.filters)}},
                                                      aggs=facet_aggs(query.filters))["aggregations"])
        else:
            fused = self._hybrid(node, qvec, query.filters, need)
            page, total = fused[query.offset : need], len(fused)
            facets = {}
            for field in FILTER_FIELDS:
                rows = fused if not query.filters.get(field) else self._hybrid(
                    node, qvec, {k: v for k, v in query.filters.items() if k != field}, need)
                facets[field] = self._count_values(field, [i for i, _ in rows])
        return SearchResult(total=total, hits=self._hits_by_id(page, node), facets=facets)

    def _above_floor(self, node: Node | None, qvec: np.ndarray, query: SearchQuery) -> SearchResult:
        """Semantic (and, with `node`, hybrid) hits above the relevance floor, up to FLOOR_DEPTH of
        each ranked list: total_relation says gte when a list reached that depth."""
        need = query.offset + query.limit
        if node is None:
            ranked = self._knn(qvec, query.filters, FLOOR_DEPTH, query.min_similarity)
            cut = len(ranked) >= FLOOR_DEPTH
        else:
            ranked = self._hybrid(node, qvec, query.filters, FLOOR_DEPTH, query.min_similarity)
            cut = len(ranked) >= FLOOR_DEPTH
        facets = {}
        for field in FILTER_FIELDS:
            rows = ranked
            if query.filters.get(field):
                others = {k: v for k, v in query.filters.items() if k != field}
                rows = (self._knn(qvec, others, FLOOR_DEPTH, query.min_similarity) if node is None
                        else self._hybrid(node, qvec, others, FLOOR_DEPTH, query.min_similarity))
            facets[field] = self._count_values(field, [i for i, _ in rows])
        return SearchResult(total=len(ranked), total_relation="gte" if cut else "eq",
                            hits=self._hits_by_id(ranked[query.offset : need], node), facets=facets)

    def _hybrid(self, node: Node | None, qvec: np.ndarray, filters, need: int, floor: float | None = None) -> list[tuple[str, float]]:
        depth = min(max(100, need), RESULT_WINDOW)
        keyword = []
        if node is not None:
            response = self._keyword(node, filters, depth, facets=False, highlight=False)
            keyword = [h["_source"]["json"]["id"] for h in response["hits"]["hits"]]
        semantic = [i for i, _ in self._knn(qvec, filters, depth, floor)]
        fused: dict[str, float] = {}
        for ranked in (keyword, semantic):
            for rank, mandate_id in enumerate(ranked, start=1):
                fused[mandate_id] = fused.get(mandate_id, 0.0) + 1.0 / (RRF_K + rank)
        return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))

    def _count_values(self, field: str, ids: list[str]) -> dict[str, int]:
        if not ids:
            return {}
        response = self.es.search(index=self.target, size=0, query={"ids": {"values": [f"m:{i}" for i in ids]}},
                                  aggs={"values": {"terms": {"field": field, "size": FACET_SIZE}}})
        return counts(response["aggregations"]["values"]["buckets"])

    def _hits_by_id(self, page: list[tuple[str, float]], node: Node | None) -> list[SearchHit]:
        if not page:
            return []
        ids = [f"m:{i}" for i, _ in page]
        body: dict[str, Any] = {"query": {"ids": {"values": ids}}, "size": len(ids), "source": ["json"]}
        leaves = positive_leaves(node)
        if leaves:  # score-free query of the wanted terms, only so the highlighter marks them
            body["query"] = {"bool": {"filter": [{"ids": {"values": ids}}],
                                      "should": [leaf_query(leaf) for leaf in leaves]}}
            body["highlight"] = highlight_spec()
        response = self.es.search(index=self.target, **body)
        found = {h["_source"]["json"]["id"]: h for h in response["hits"]["hits"]}
        return [
            SearchHit(mandate=Mandate.model_validate(found[i]["_source"]["json"]), score=score,
                      highlight=pick_highlight(found[i], found[i]["_source"]["json"]["text"], leaves))
            for i, score in page if i in found
        ]

    def facets(self, query: SearchQuery) -> dict[str, dict[str, int]]:
        node = parse_query(query.q.strip()) if query.mode != "semantic" else None
        return read_facets(self._keyword(node, query.filters, 0, highlight=False)["aggregations"])

    # --- rebuilds ---------------------------------------------------------------------------------

    @property
    def _locks(self) -> str:
        return f"{self.alias}-locks"

    def _take_lock(self) -> None:
        take_rebuild_lock(self.es, self._locks, self.alias)

    def _release_lock(self) -> None:
        self.es.options(ignore_status=404).delete(index=self._locks, id="rebuild", refresh=True)

    def start_rebuild(self) -> ElasticMandateIndex:
        self._take_lock()
        serving = self._serving_index()
        existing = [self._version_of(n) for n in self.es.indices.get(index=f"{self.alias}-v*").body]
        new = f"{self.alias}-v{max([self._version_of(serving), *existing]) + 1}"
        self._put_template()
        self.es.indices.create(index=new)
        builder = ElasticMandateIndex(self.url, self.alias, self._embedder, physical=new, client=self.es, zh_analyzer=self.zh_analyzer)
        builder._refresh = self._refresh
        builder._borrow_from = serving
        return builder

    def finish_rebuild(self, builder: ElasticMandateIndex) -> int:
        new = builder.target
        self.es.indices.refresh(index=new)
        self.es.indices.flush(index=new)
        old = self._serving_index()
        # one call: searches see the old version or the new one, never neither or both
        self.es.indices.update_aliases(actions=[{"remove": {"index": old, "alias": self.alias}},
                                                {"add": {"index": new, "alias": self.alias}}])
        for name in self.es.indices.get(index=f"{self.alias}-v*").body:
            if name not in (new, old):
                self.es.indices.delete(index=name)
        self._release_lock()
        return self._version_of(new)

    def abort_rebuild(self, builder: ElasticMandateIndex) -> None:
        self.es.options(ignore_status=404).indices.delete(index=builder.target)
        self._release_lock()

    def close(self) -> None:
        if self._physical is None:
            self.es.close()

