"""Search through a re-index: does a serving index stall when the pointer moves to a new version?

Usage: python bench/bench_swap.py [--size N] [--workdir DIR --reuse]

Builds the embedded index of N replicated mandates (bench/search_corpus.py, as bench_search.py does),
opens it as a server does (following CURRENT) and measures its search latency alone. Then a second
process re-indexes it (every document copied into a new version, vectors borrowed by text hash, its
search arrays saved before the pointer moves: index/sqlite/rebuild.py) while this one keeps
searching (hybrid and semantic, 20 hits, the product's search use case), until a few hundred
searches after the swap. Prints the p50/p95 before, during and after, the slowest search of each
phase and how many exceed 3× the p95 before (issue 28's goal: none during the swap). The child's
re-index competes for the same two cores, so "during" measures a busy machine, as a real one is.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_corpus import ReplicaEmbedder, Vocabulary, base_corpus, replicated  # noqa: E402

from index.base import SearchQuery  # noqa: E402
from index.sqlite import SqliteMandateIndex  # noqa: E402
from service.usecases.search import search_mandates  # noqa: E402

QUERIES = [("marine plastic litter", "hybrid"), ("air quality", "semantic"), ("化学品 废物", "hybrid"),
           ("sustainable consumption and production", "semantic"), ("Executive Director report", "hybrid")]
AFTER = 300  # searches timed after the pointer moved

_REINDEX = r"""
import sys
sys.path.insert(0, sys.argv[2])
from index.sqlite import SqliteMandateIndex
class Vectors:  # vectors are borrowed from the serving version by text hash: nothing is embedded
    def __init__(self, name, dim):
        self.name, self.dim = name, dim
    def encode(self, texts):
        raise RuntimeError("a re-index of unchanged texts should embed nothing")
serving = SqliteMandateIndex(home=sys.argv[1], embedder=Vectors(sys.argv[3], int(sys.argv[4])))
builder = serving.start_rebuild()
try:
    builder.replace_documents((d, serving.mandates_of(d.id), None) for d in serving.list_documents())
    print(serving.finish_rebuild(builder), flush=True)
except BaseException:
    serving.abort_rebuild(builder)
    raise
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2) if ordered else 0.0


def timed_search(index, i: int) -> float:  # type: ignore[no-untyped-def]
    q, mode = QUERIES[i % len(QUERIES)]
    start = time.perf_counter()
    search_mandates(index, SearchQuery(q=q, mode=mode, limit=20)).model_dump_json()
    return 1000 * (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()

    from models.embedders import CachedEmbedder, UseEmbedder

    corpus = base_corpus()
    texts = list(dict.fromkeys(m.text for _, ms in corpus for m in ms))
    embedder = ReplicaEmbedder(CachedEmbedder(UseEmbedder(), max_items=len(texts) + 1000))
    with tempfile.TemporaryDirectory(prefix="bench-swap-") as tmp:
        home = (args.workdir or Path(tmp)) / f"n{args.size}"
        started = time.perf_counter()
        if not (args.reuse and (home / "index" / "CURRENT").exists()):
            builder = SqliteMandateIndex(home=home, embedder=embedder)
            for document, mandates in replicated(corpus, args.size, Vocabulary(texts), embedder):
                builder.replace_document(document, mandates)
            builder.close()
        build_s = time.perf_counter() - started
        index = SqliteMandateIndex(home=home, embedder=embedder)
        for q, _ in QUERIES:
            embedder.encode([q])  # the query vectors cached: the latencies are search, not embedding
        for i in range(20):
            timed_search(index, i)
        before = [timed_search(index, i) for i in range(300)]
        p95 = percentile(before, 0.95)
        child = subprocess.Popen([sys.executable, "-c", _REINDEX, str(home), str(ROOT), embedder.name, str(embedder.dim)],
                                 cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        old_version = index.version
        timeline: list[tuple[float, int, bool]] = []  # (ms, version after the search, the child still running)
        i = 0
        reindex_started = time.perf_counter()
        while child.poll() is None:
            timeline.append((timed_search(index, i), index.version, True))
            i += 1
        reindex_s = time.perf_counter() - reindex_started
        _, err = child.communicate()
        if child.returncode != 0:
            raise SystemExit(f"the re-index failed: {err[-2000:]}")
        for j in range(AFTER):
            timeline.append((timed_search(index, i + j), index.version, False))
        new_version = index.version
        index.close()
    # the search that found the pointer moved (it opened the new version, mapping its saved arrays)
    turn = next((k for k, (_, version, _) in enumerate(timeline) if version != old_version), None)
    swap = [timeline[turn][0]] if turn is not None else []
    during = [ms for k, (ms, _, running) in enumerate(timeline) if running and k != turn]
    after = [ms for k, (ms, _, running) in enumerate(timeline) if not running and k != turn]
    figures = {
        "mandates": args.size,
        "build_s": round(build_s, 1),
        "reindex_s": round(reindex_s, 1),
        "version": f"{old_version} -> {new_version}",
        "before_p50_ms": percentile(before, 0.5), "before_p95_ms": p95, "before_max_ms": round(max(before), 2),
        "during_p50_ms": percentile(during, 0.5), "during_p95_ms": percentile(during, 0.95),
        "during_max_ms": round(max(during), 2) if during else None, "during_searches": len(during),
        "first_after_swap_ms": round(swap[0], 2) if swap else None,
        "after_p50_ms": percentile(after, 0.5), "after_p95_ms": percentile(after, 0.95),
        "over_3x_before_p95": sum(1 for ms in during + swap + after if ms > 3 * p95),
    }
    print(f"@{args.size}: re-index {figures['reindex_s']} s (version {figures['version']}); search before "
          f"p50 {figures['before_p50_ms']} / p95 {p95} ms; during the re-index p50 {figures['during_p50_ms']} / "
          f"p95 {figures['during_p95_ms']} / max {figures['during_max_ms']} ms ({len(during)} searches); the first "
          f"search after the swap {figures['first_after_swap_ms']} ms; after p50 {figures['after_p50_ms']} / p95 "
          f"{figures['after_p95_ms']} ms; searches over 3x the p95 before: {figures['over_3x_before_p95']}")
    print("BENCH_JSON " + json.dumps({f"@{args.size // 1000}k swap": {k: v for k, v in figures.items()
                                                                     if k.endswith(("_ms", "_s")) or k.startswith("over")}}))
    statistics.fmean(before)  # (a run that timed nothing fails here, not in a report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
