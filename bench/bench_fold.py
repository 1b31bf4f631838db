"""What NFKC folding costs the embedded index: folding real mandates, highlighting a page of hits,
and refolding an index written before folding when it is first opened.

    .venv/bin/python bench/bench_fold.py [--repeats 5]

Texts are the real mandates of the bundled corpus (the seed's Annex II in Chinese, whose full-width
punctuation always needs the offset map, and every bundled registry resolution in English). The
refold figure ingests them into a temporary index (vectors from a zero embedder: vectors play no
part here), marks the index as written before folding, and times the reopen that re-derives its
FTS rows. Prints a table, then one line `BENCH_JSON {...}`.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors.nfkc import fold_with_map  # noqa: E402
from index.base import SearchQuery  # noqa: E402
from index.sqlite import SqliteMandateIndex  # noqa: E402

QUERIES = ["微塑料", "空气质量 监测", "ｍｉｃｒｏｐｌａｓｔｉｃｓ", '"Executive Director" report', "plastic OR 塑料"]


class ZeroEmbedder:
    name, dim = "zero", 8

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.zeros((len(texts), self.dim), dtype=np.float32)


def corpus():  # type: ignore[no-untyped-def]
    from corpus.registry import bundled_paths
    from extractors.pipeline import extract_path

    out = []
    for path in bundled_paths():
        result = extract_path(path)
        if result.mandates:
            out.append((result.document, list(result.mandates)))
    return out


def per_text_us(texts: list[str], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for text in texts:
            fold_with_map(text)
        best = min(best, time.perf_counter() - start)
    return 1e6 * best / len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    docs = corpus()
    mandates = [m for _, ms in docs for m in ms]
    zh = [m.text for m in mandates if m.language == "zh"]
    en = [m.text for m in mandates if m.language != "zh"]
    figures: dict[str, float] = {
        "mandates": len(mandates),
        "fold_with_map_zh_us_per_mandate": round(per_text_us(zh, args.repeats), 1),
        "fold_with_map_en_us_per_mandate": round(per_text_us(en, args.repeats), 1),
    }
    with tempfile.TemporaryDirectory() as home:
        index = SqliteMandateIndex(home=home, embedder=ZeroEmbedder())
        for document, ms in docs:
            index.replace_document(document, ms)
        for q in QUERIES:  # warm (jieba, caches)
            index.search(SearchQuery(q=q, limit=100))
        timings = []
        for _ in range(args.repeats):
            for q in QUERIES:
                start = time.perf_counter()
                index.search(SearchQuery(q=q, limit=100))
                timings.append(time.perf_counter() - start)
        figures["keyword_search_limit_100_p50_ms"] = round(1000 * statistics.median(timings), 2)
        path = index.path_of(index.version)
        index.close()
        with sqlite3.connect(path) as conn:  # as an index written before folding
            conn.execute("DELETE FROM meta WHERE key='text_form'")
        start = time.perf_counter()
        SqliteMandateIndex(home=home, embedder=ZeroEmbedder()).close()
        figures["refold_on_open_s"] = round(time.perf_counter() - start, 2)
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print("BENCH_JSON " + json.dumps(figures))


if __name__ == "__main__":
    main()
