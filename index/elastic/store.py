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

from extractors.nfkc import fold
from extractors.schema import Document, Mandate
from index.base import (
    IndexBusy,
    IndexStats,
    mandates_of_document,
)
from index.elastic.locks import take_rebuild_lock
from index.elastic.mapping import index_template
from index.elastic.search import ElasticSearchMixin
from index.fields import embed_missing, filter_values, segment_for_index, text_hash


class ElasticMandateIndex(ElasticSearchMixin):
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

    # --- search: search.py (ElasticSearchMixin) ------------------------------------------------------

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

