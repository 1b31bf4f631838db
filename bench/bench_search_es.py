"""bench_search.py's full-search figures on the Elasticsearch backend, run on the noida-db stand-in.

    .venv/bin/python bench/bench_search_es.py --sizes 10000 [--queries 4] [--repeats 1] [--out FILE]

The same replicated corpus as bench_search.py (bench/search_corpus.py: the bundled real mandates,
copied with varied text, replica vectors) is written through index.elastic.ElasticMandateIndex, and
the same full search (service.usecases.search.search_mandates: 20 hits with highlights and every
facet, serialised as the API sends it) is timed per mode, with and without filters.

The server is the noida-db stand-in (tests/elasticsearch_server.py): an independent implementation
of the Elasticsearch REST API, NOT Elastic's code, started here on a free loopback port. The
figures describe the stand-in, which scans every document for each query; they say nothing about a
real Elasticsearch cluster's speed, and every figure's name says "noida-db stand-in". With
$ELASTICSEARCH_URL set, that server is measured instead and the figures are named after it.
A spread of `--queries` of bench_search's 12 queries keeps the run inside make bench's budget.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search import FILTERS, LIMIT, QUERIES, p50_p95, timed  # noqa: E402
from search_corpus import ReplicaEmbedder, Vocabulary, base_corpus, replicated  # noqa: E402

from index.base import SearchQuery  # noqa: E402
from index.elastic import ElasticMandateIndex  # noqa: E402
from index.fields import plain_text  # noqa: E402
from service.usecases.search import search_mandates as run_search  # noqa: E402
from tests.elasticsearch_server import (  # noqa: E402
    ElasticsearchServer,
    is_stand_in,
    server_info,
    stand_in_binary,
    start_stand_in,
)

REQUEST_TIMEOUT_S = 300


def spread(n: int) -> list[str]:
    """n of the queries, evenly spread over the list (Chinese, English, phrase, boolean, prefix)."""
    return QUERIES if n >= len(QUERIES) else QUERIES[:: len(QUERIES) // n][:n]


def open_server(workdir: Path) -> ElasticsearchServer:
    url = os.environ.get("ELASTICSEARCH_URL")
    if url:
        return ElasticsearchServer(url=url.rstrip("/"), stand_in=is_stand_in(server_info(url)))
    binary, why = stand_in_binary()
    if binary is None:
        raise SystemExit(f"no Elasticsearch-API server: {why}; set ELASTICSEARCH_URL")
    return start_stand_in(binary, workdir)


def emit(size: int, label: str, figures: dict) -> None:
    """One BENCH_JSON line as soon as figures are measured: a run make bench stops at its timeout
    keeps those printed before."""
    print("BENCH_JSON " + json.dumps({f"@{size // 1000}k {label}": figures}, ensure_ascii=False), flush=True)


def run(server: ElasticsearchServer, size: int, corpus, vocabulary, embedder, queries: list[str], repeats: int,  # type: ignore[no-untyped-def]
        label: str) -> dict:
    from elasticsearch import Elasticsearch

    # the stand-in answers one full search at 10k in seconds (longer on a loaded machine): a slow
    # answer is a figure to report, not a failure, so the client waits longer than its default 10 s
    client = Elasticsearch(server.url, request_timeout=REQUEST_TIMEOUT_S)
    index = ElasticMandateIndex(url=server.url, prefix=f"bench-search-{size}", embedder=embedder, client=client)
    try:
        start = time.perf_counter()
        # ingest's bulk path (a _bulk request per ~500 mandates, one refresh at the end)
        index.replace_documents((document, mandates, None) for document, mandates in replicated(corpus, size, vocabulary, embedder))
        ingest_s = time.perf_counter() - start
        stats = index.stats()
        print(f"@{size}: {stats.mandates} mandates written in {ingest_s:.0f} s", flush=True)
        emit(size, label, {"ingest_mandates_per_s": round(stats.mandates / ingest_s, 1), "ingest_s": round(ingest_s, 1)})
        for q in queries:  # cached from here on: the latencies below are search, not query embedding
            embedder.encode([plain_text(q)])
        first_s = timed(lambda: run_search(index, SearchQuery(q="marine litter", mode="hybrid", limit=LIMIT)))
        emit(size, label, {"first_query_ms": round(1000 * first_s, 1)})
        latency = {}
        for mode in ("keyword", "semantic", "hybrid"):
            for filtered in (False, True):
                requests = [SearchQuery(q=q, mode=mode, filters=FILTERS if filtered else {}, limit=LIMIT)
                            for _ in range(repeats) for q in queries]
                samples = [timed(lambda r=r: run_search(index, r).model_dump_json()) for r in requests]
                p50, p95 = p50_p95(samples)
                latency[f"{mode}{' filtered' if filtered else ''}"] = {"p50_ms": p50, "p95_ms": p95}
                print(f"@{size} {mode}{' filtered' if filtered else ''}: p50 {p50} ms, p95 {p95} ms", flush=True)
                emit(size, label, {f"{mode}{' filtered' if filtered else ''}": {"p50_ms": p50, "p95_ms": p95}})
        return {
            "mandates": stats.mandates,
            "ingest_mandates_per_s": round(stats.mandates / ingest_s, 1),
            "first_query_ms": round(1000 * first_s, 1),
            "latency": latency,
        }
    finally:
        for name in index.es.indices.get(index=f"{index.alias}-v*").body:  # by name: wildcard deletes are refused
            index.es.indices.delete(index=name)
        index.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--queries", type=int, default=4, help="how many of bench_search's 12 queries, spread")
    parser.add_argument("--repeats", type=int, default=1, help="times each query runs per mode")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a kill still stops the stand-in (finally)

    from models.embedders import CachedEmbedder, UseEmbedder

    corpus = base_corpus()
    texts = list(dict.fromkeys(m.text for _, ms in corpus for m in ms))
    embedder = ReplicaEmbedder(CachedEmbedder(UseEmbedder(), max_items=len(texts) + 1000))
    embedder.inner.encode(texts)
    vocabulary = Vocabulary(texts)
    queries = spread(args.queries)
    with tempfile.TemporaryDirectory(prefix="bench-search-es-") as tmp:
        server = open_server(Path(tmp))
        try:
            version = server_info(server.url)["version"]["number"]
            label = ("on the noida-db stand-in (not Elasticsearch; it reports " + version + ")" if server.stand_in
                     else f"on Elasticsearch {version}")
            figures = {"server": label, "queries": queries, "repeats": args.repeats, "sizes": {}}
            print(json.dumps({k: v for k, v in figures.items() if k != "sizes"}, ensure_ascii=False), flush=True)
            for size in args.sizes:
                figures["sizes"][str(size)] = run(server, size, corpus, vocabulary, embedder, queries, args.repeats, label)
        finally:
            server.stop()
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
