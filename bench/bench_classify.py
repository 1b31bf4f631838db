"""Classifier speed on real paragraphs: load time, one-paragraph latency, batch throughput, peak RSS.

    .venv/bin/python bench/bench_classify.py [--n 200] [--batch 64]

Texts are real mandates (the bundled English resolutions' mandates and the seed's Annex II bullets),
each classified once so the vector cache never answers (a cache hit would flatter the latency).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def real_texts(limit: int) -> list[str]:
    from extractors.pipeline import extract_path
    from models.training_data import CORPUS_DIR, annex_ii_mandates

    texts = [m.text for m in annex_ii_mandates()]
    for path in sorted(CORPUS_DIR.glob("UNEP_EA.*.json")):
        texts += [m.text for m in extract_path(path).mandates]
        if len(texts) >= 2 * limit + 200:
            break
    seen: set[str] = set()
    return [t for t in texts if not (t in seen or seen.add(t))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200, help="single-paragraph calls")
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    texts = real_texts(args.n)

    start = time.perf_counter()
    from models.classifiers import get_default_classifier

    classifier = get_default_classifier()
    classifier.predict(["warm-up: Requests the Executive Director to report."])  # first call loads USE
    load_s = time.perf_counter() - start

    singles = texts[: args.n]
    latencies = []
    for text in singles:
        t = time.perf_counter()
        classifier.predict([text])
        latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]

    rest = texts[args.n :]
    t = time.perf_counter()
    for i in range(0, len(rest), args.batch):
        classifier.predict(rest[i : i + args.batch])
    batch_s = time.perf_counter() - t
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    result = {
        "model_load_s": round(load_s, 2),
        "single_paragraph_ms_p50": round(p50, 1),
        "single_paragraph_ms_p95": round(p95, 1),
        "single_calls": len(latencies),
        "batch_paragraphs_per_s": round(len(rest) / batch_s, 1) if rest else None,
        "batch_paragraphs": len(rest),
        "batch_size": args.batch,
        "peak_rss_mb": round(rss_mb, 1),
        "embedder": classifier.features.embedder.name,
    }
    for key, value in result.items():
        print(f"{key:26s} {value}")
    out = Path(__file__).resolve().parent / "results" / "classify.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
