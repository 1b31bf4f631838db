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

Writes go through the bulk API (replace_documents; replace_document is a batch of one): a _bulk
request per ~500 mandates and one refresh with the last, never a refresh or delete_by_query per
document, so ingest stays linear in the number of documents. list_documents is cached per
(serving version, write generation).

Known limit: Elasticsearch has no multi-document transactions; a re-written document's new
mandates are written first and its stale ones deleted after them (by id, in the same _bulk), so a
refresh in between can briefly show both. The re-index path (alias swap) is atomic.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

from elasticsearch import helpers

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
from index.fields import embed_missing, filter_values, segment_for_index, vector_key

# Seconds one call to the node may take before the service gives up on it (answered 503 upstream).
REQUEST_TIMEOUT = 60  # the noida-db stand-in took up to 37 s for a filtered hybrid query at 10k (bench_search_es)
SCROLL_KEEP_ALIVE = "2m"

CHUNK_MANDATES = 500  # mandates per _bulk request (a document is never split across two)
LOOKUP_SLICE = 1000  # text hashes per terms query (kept under index.max_result_window)


def _chunks(items: list[tuple[Document, list[Mandate], str | None]]) -> Iterator[list[tuple[Document, list[Mandate], str | None]]]:
    chunk: list[tuple[Document, list[Mandate], str | None]] = []
    size = 0
    for item in items:
        chunk.append(item)
        size += len(item[1]) + 1
        if size >= CHUNK_MANDATES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


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
            # every call has a timeout (the 9.x client has none by default: a hung node held DELETE and
            # re-index for ever); a timed-out call is not retried, so it is not sent twice
            options = {"request_timeout": REQUEST_TIMEOUT, "retry_on_timeout": False, "max_retries": 1}
            client = Elasticsearch(self.url, api_key=api_key, **options) if api_key else Elasticsearch(self.url, **options)
        self.es = client
        self._embedder = embedder
        self._refresh = "true" if refresh else "wait_for"
        self._physical = physical  # set: a builder writing one physical version; None: follow the alias
        self._borrow_from: str | None = None
        self._lock_id: str | None = None
        self._documents: tuple[tuple[str, int], list[Document]] | None = None  # list_documents' cache
        if physical is None:
            self._ensure_serving()

    # --- setup and versions ---------------------------------------------------------------------

    @property
    def embedder(self) -> Any:
        if self._embedder is None:  # given by the caller: the index layer does not choose an encoder
            raise RuntimeError("this index was opened without an embedder, and it needs one to embed or to compare vectors: pass the "
                "one its vectors are made with (open_index(embedder=...); the service passes Services.embedder)")
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

    def _vectors_for(self, mandates: list[Mandate], known: dict[str, list[float]]) -> list[list[float]]:
        """Each mandate's vector: `known` (vector key → vector, filled as we go), else one already stored
        under the same key, in the `text_hash` field (here or in the version a rebuild borrows from),
        else embedded now (index.fields.vector_key, context_vectors)."""
        hashes = [vector_key(m) for m in mandates]
        sources = [self.target] + ([self._borrow_from] if self._borrow_from else [])
        for source in sources:
            wanted = sorted(set(hashes) - set(known))
            for start in range(0, len(wanted), LOOKUP_SLICE):  # one terms query per slice, not per document
                chunk = wanted[start : start + LOOKUP_SLICE]
                response = self.es.search(
                    index=source,
                    query={"terms": {"text_hash": chunk}},
                    source=["text_hash", "vector"],
                    size=len(chunk),
                    collapse={"field": "text_hash"},
                )
                for hit in response["hits"]["hits"]:
                    if hit["_source"].get("vector"):
                        known[hit["_source"]["text_hash"]] = hit["_source"]["vector"]
        vectors = embed_missing(self.embedder, mandates, hashes, known, lambda vec: vec.tolist())
        known.update(zip(hashes, vectors, strict=True))
        return vectors

    def _mandate_source(self, m: Mandate, vector: list[float], ordinal: int) -> dict[str, Any]:
        folded = fold(m.text)
        zh = segment_for_index(folded, m.language) if m.language == "zh" else ""
        if self.zh_analyzer and m.language == "zh":
            zh = folded  # a real Chinese analyzer segments the (folded) text itself
        return {
            "kind": "mandate",
            "id": m.id,
            **filter_values(m),
            "text_hash": vector_key(m),
            "ordinal": ordinal,
            "text": folded,  # the searched copy; the original is in json
            "text_zh": zh,
            "json": m.model_dump(mode="json"),
            "vector": vector,
        }

    def replace_document(self, document: Document, mandates: list[Mandate], replaces: str | None = None) -> None:
        self.replace_documents([(document, mandates, replaces)])

    def replace_documents(self, items: Iterable[tuple[Document, list[Mandate], str | None]]) -> None:
        """replace_document for many documents through the bulk API: per chunk of about CHUNK_MANDATES
        mandates one mget (which of them are indexed already), one terms query for stored vectors and
        one _bulk; one refresh at the end. Stale mandates of a re-written document are deleted by id
        in the same _bulk, after its new ones (a fresh document needs no delete at all)."""
        checked = [(d, mandates_of_document(d, ms), r) for d, ms, r in items]  # every item, before any write
        if not checked:
            return
        self._refuse_during_rebuild()
        known: dict[str, list[float]] = {}
        chunks = list(_chunks(checked))
        for number, chunk in enumerate(chunks, start=1):
            last = number == len(chunks)
            # refresh with the last request only: the whole batch becomes visible at once
            actions = self._chunk_actions(chunk, known)
            helpers.bulk(self.es, actions, chunk_size=len(actions), refresh=self._refresh if last else False)
        replaced = sorted({r for d, _, r in checked if r and r != d.id})
        if replaced:
            self.es.delete_by_query(index=self.target, query={"terms": {"document": replaced}}, refresh=True,
                                    conflicts="proceed")
        self._documents_changed()

    def _chunk_actions(self, chunk: list[tuple[Document, list[Mandate], str | None]],
                       known: dict[str, list[float]]) -> list[dict[str, Any]]:
        stale = self._stored_mandate_ids([d.id for d, _, _ in chunk])
        vectors = iter(self._vectors_for([m for _, ms, _ in chunk for m in ms], known))
        actions: list[dict[str, Any]] = []
        for document, mandates, _ in chunk:
            actions.append({"_op_type": "index", "_index": self.target, "_id": f"doc:{document.id}", "_source": {
                "kind": "document", "id": document.id, "document": document.id, "source_file": document.source_file,
                "symbol": document.symbol, "json": document.model_dump(mode="json"),
            }})
            actions += [{"_op_type": "index", "_index": self.target, "_id": f"m:{m.id}",
                         "_source": self._mandate_source(m, next(vectors), i)} for i, m in enumerate(mandates)]
            keep = {m.id for m in mandates}
            actions += [{"_op_type": "delete", "_index": self.target, "_id": f"m:{i}"}
                        for i in stale.get(document.id, []) if i not in keep]
        return actions

    def _stored_mandate_ids(self, document_ids: list[str]) -> dict[str, list[str]]:
        """document id → ids of its mandates stored now, for those of `document_ids` already indexed
        (one mget of their records; a search only when some are)."""
        found = self.es.mget(index=self.target, ids=[f"doc:{i}" for i in document_ids], source=False)["docs"]
        indexed = [d["_id"].removeprefix("doc:") for d in found if d.get("found")]
        if not indexed:
            return {}
        out: dict[str, list[str]] = {}
        query = {"bool": {"filter": [{"term": {"kind": "mandate"}}, {"terms": {"document": indexed}}]}}
        for hit in helpers.scan(self.es, request_timeout=REQUEST_TIMEOUT, scroll=SCROLL_KEEP_ALIVE, index=self.target, query={"query": query, "_source": ["id", "document"]}):
            out.setdefault(hit["_source"]["document"], []).append(hit["_source"]["id"])
        return out

    def _refuse_during_rebuild(self) -> None:
        """Writes to the serving version while a re-index builds the next would be lost at the swap."""
        if self._physical is None and self.es.options(ignore_status=404).exists(index=self._locks, id="rebuild"):
            raise IndexBusy(f"a re-index of {self.alias} is running: try again when it has finished")

    def delete_document(self, document_id: str) -> bool:
        self._refuse_during_rebuild()
        found = self.has_document(document_id)
        self.es.delete_by_query(index=self.target, query={"term": {"document": document_id}}, refresh=True, conflicts="proceed")
        self._documents_changed()
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
        """Every document, read again only when the index changed: the search use case asks on every
        request. Changed = another physical version serves (alias swap) or the write generation moved
        (any process's write bumps it, see _documents_changed); checking costs two realtime GETs
        instead of a scan. The same list is returned until then (callers cache what they derive from
        it, as with the SQLite backend): do not modify it."""
        key = (self._physical or self._serving_index(), self._generation())
        if self._documents is None or self._documents[0] != key:
            docs = [Document.model_validate(s["json"]) for s in self._all({"term": {"kind": "document"}})]
            self._documents = (key, sorted(docs, key=lambda d: (d.source_file, d.id)))
        return self._documents[1]

    def _generation(self) -> int:
        """The write generation: the _version of one record in `{alias}-locks` (0 before any write)."""
        response = self.es.options(ignore_status=404).get(index=self._locks, id="generation", source=False)
        return int(response.body.get("_version", 0)) if response.body.get("found") else 0

    def _documents_changed(self) -> None:
        """Bump the generation after a write is visible, so every process's list_documents reads again.
        A GET by id is realtime in Elasticsearch (no refresh needed to see the new _version)."""
        self._documents = None
        self.es.index(index=self._locks, id="generation", document={"at": time.time()})

    def get(self, mandate_id: str) -> Mandate | None:
        response = self.es.options(ignore_status=404).get(index=self.target, id=f"m:{mandate_id}")
        return Mandate.model_validate(response.body["_source"]["json"]) if response.body.get("found") else None

    def mandates_of(self, document_id: str) -> list[Mandate]:
        hits = self._all({"bool": {"filter": [{"term": {"kind": "mandate"}}, {"term": {"document": document_id}}]}})
        hits.sort(key=lambda s: s.get("ordinal", 0))
        return [Mandate.model_validate(s["json"]) for s in hits]

    def iter_mandates(self) -> Iterator[Mandate]:
        for hit in helpers.scan(self.es, request_timeout=REQUEST_TIMEOUT, scroll=SCROLL_KEEP_ALIVE, index=self.target, query={"query": {"term": {"kind": "mandate"}},
                                                                   "_source": {"excludes": ["vector"]}}):
            yield Mandate.model_validate(hit["_source"]["json"])

    def _all(self, query: dict[str, Any], limit: int | None = None) -> list[dict[str, Any]]:
        out = []
        # indexing order of a document's mandates is kept by sorting on _doc within one shard
        for hit in helpers.scan(self.es, request_timeout=REQUEST_TIMEOUT, scroll=SCROLL_KEEP_ALIVE, index=self.target, query={"query": query, "sort": ["_doc"], "_source": {"excludes": ["vector"]}}, preserve_order=True):
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

