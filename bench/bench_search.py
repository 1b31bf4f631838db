"""Search latency, index size and ingest throughput of the embedded (SQLite) index at scale.

The real mandates of the bundled corpus (the seed's Annex II + every bundled registry resolution,
through extractors.pipeline) are replicated with their real text under new document ids and
resolution symbols until the index holds N mandates. Each distinct text is embedded once (the
index re-uses a vector by text hash), so "ingest" below is index-write throughput; the embedding
throughput of the model on distinct texts is reported separately.

    .venv/bin/python bench/bench_search.py --sizes 10000 100000 [--out bench/results/search.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors.schema import Document, Mandate  # noqa: E402
from index.base import SearchQuery  # noqa: E402
from index.fields import plain_text  # noqa: E402
from index.sqlite import SqliteMandateIndex  # noqa: E402

QUERIES = [
    "微塑料",
    "空气质量 监测",
    "含铅涂料",
    '"Executive Director" report',
    "lead paint",
    "marine litter",
    "intergovernmental negotiating committee",
    "chemicals AND waste",
    "plastic NOT marine",
    "monitor*",
    "土壤污染",
    "sustainable consumption and production",
]


def base_corpus() -> list[tuple[Document, list[Mandate]]]:
    from corpus.registry import bundled_paths
    from extractors.pipeline import extract_path

    corpus = []
    for path in bundled_paths():
        result = extract_path(path)
        if result.mandates:
            corpus.append((result.document, list(result.mandates)))
    return corpus


def replica(document: Document, mandates: list[Mandate], copy: int) -> tuple[Document, list[Mandate]]:
    """Copy `copy` of a real document: same text, new ids and a distinct resolution symbol."""
    if copy == 0:
        return document, mandates
    doc_id = hashlib.sha256(f"{document.id}:{copy}".encode()).hexdigest()
    doc = document.model_copy(update={"id": doc_id, "source_file": f"copy{copy}-{document.source_file}"})
    out = []
    for m in mandates:
        out.append(m.model_copy(update={
            "id": hashlib.sha256(f"{m.id}:{copy}".encode()).hexdigest()[:20],
            "document": doc_id,
            "resolution": f"{m.resolution}~{copy}",
        }))
    return doc, out


def percentiles(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    return {
        "p50_ms": round(1000 * statistics.median(samples), 2),
        "p95_ms": round(1000 * samples[min(len(samples) - 1, int(0.95 * len(samples)))], 2),
    }


def measure(index: SqliteMandateIndex, mode: str, filters: dict, repeats: int) -> dict[str, float]:
    timings = []
    for _ in range(repeats):
        for q in QUERIES:
            start = time.perf_counter()
            index.search(SearchQuery(q=q, mode=mode, filters=filters, limit=10))
            timings.append(time.perf_counter() - start)
    return percentiles(timings)


def run(size: int, corpus, embedder, workdir: Path, repeats: int) -> dict:  # type: ignore[no-untyped-def]
    home = workdir / f"n{size}"
    index = SqliteMandateIndex(home=home, embedder=embedder)
    base = sum(len(ms) for _, ms in corpus)
    written, copy = 0, 0
    start = time.perf_counter()
    while written < size:
        for document, mandates in corpus:
            if written >= size:
                break
            doc, ms = replica(document, mandates, copy)
            ms = ms[: size - written]
            index.replace_document(doc, ms)
            written += len(ms)
        copy += 1
    ingest_s = time.perf_counter() - start
    stats = index.stats()
    # warm-up: loads the vector matrix (cold cost reported apart) and the query embedder
    cold = time.perf_counter()
    index.search(SearchQuery(q="warm up", mode="semantic", limit=10))
    cold_s = time.perf_counter() - cold
    for q in QUERIES:  # query vectors cached: latency below is search; encoding is reported apart
        embedder.encode([plain_text(q)])
    filters = {"language": ["en"], "actor": ["unep", "member_states"]}
    result = {
        "mandates": stats.mandates,
        "documents": stats.documents,
        "distinct_texts": base,
        "ingest_s": round(ingest_s, 1),
        "ingest_mandates_per_s": round(stats.mandates / ingest_s, 1),
        "index_size_mb": round(index.size_on_disk() / 2**20, 1),
        "first_semantic_query_ms (loads vectors)": round(1000 * cold_s, 1),
        "latency (limit 10, facets included)": {
            f"{mode}{' filtered' if f else ''}": measure(index, mode, f, repeats)
            for mode in ("keyword", "semantic", "hybrid")
            for f in ({}, filters)
        },
    }
    index.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--repeats", type=int, default=3, help="times each of the 12 queries runs per mode")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--workdir", type=Path, help="where the indexes are built (default: a temp dir)")
    args = parser.parse_args()

    from models.embedders import get_default_embedder

    embedder = get_default_embedder()
    corpus = base_corpus()
    texts = list(dict.fromkeys(m.text for _, ms in corpus for m in ms))
    start = time.perf_counter()
    embedder.encode(texts)
    embed_s = time.perf_counter() - start
    inner = getattr(embedder, "inner", embedder)
    one_query = []
    for q in QUERIES:
        start = time.perf_counter()
        inner.encode([q + " ?"])  # uncached: what a new query costs before the search itself
        one_query.append(time.perf_counter() - start)
    figures = {
        "query_embedding (uncached)": percentiles(one_query),
        "machine": f"{os.cpu_count()} CPUs, python {sys.version.split()[0]}",
        "embedder": embedder.name,
        "real mandates (distinct texts)": len(texts),
        "embedding_texts_per_s": round(len(texts) / embed_s, 1),
        "sizes": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or Path(tmp)
        for size in args.sizes:
            figures["sizes"][str(size)] = run(size, corpus, embedder, workdir, args.repeats)
            print(json.dumps({str(size): figures["sizes"][str(size)]}, ensure_ascii=False, indent=1), flush=True)
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
