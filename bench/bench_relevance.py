"""Relevance of search by meaning: topic queries in six languages, known items, bitext, drafts' precedents.

Usage: python bench/bench_relevance.py [--home DIR] [--bitext-lines N] [--json FILE]

Builds (or reuses) an embedded index of the bundled corpus through the product's own ingest, then asks
the product's search use case (keyword, semantic, hybrid, each above its relevance floor as served):

- topics: bench/relevance/topics.json (or --topics topics_aside.json, a second set written blind to the first
  and never tuned on), 20 topics written in the six UN languages with the resolutions
  judged on topic. precision@10, nDCG@10 (binary gains), recall@50 per mode and query language, and for
  non-English queries whether an English paragraph of the topic is in the top 10 ("reach en").
- known items: each Annex II bullet of 2/8, 2/9 and 2/11 (models/data/en_pairs.jsonl, Chinese) should
  find the English paragraph it summarises: MRR and recall@10. The pairs were found with the USE top-1
  match and checked by hand, so they lean towards the encoder that found them.
- bitext: the UN Parallel sample (../shared): each line in ar/es/fr/ru/zh finds its English line among
  the sample's English lines, by the encoder alone (top-1 accuracy; the index holds no such lines).
- precedents: bench/relevance/drafts.json, drafts whose right precedents are known: the share of the
  five precedents from the right resolutions, and whether the first is.
- floor: off-topic queries' hits above the semantic floor, and the on-topic queries left with none.

Prints one table per part and one BENCH_JSON line with every figure.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.symbols import ResolutionRef, parse_symbol  # noqa: E402
from index.fields import RELEVANCE_FLOOR  # noqa: E402
from service.settings import Settings  # noqa: E402
from service.usecases.precedents import precedents_of  # noqa: E402
from service.usecases.search import build_query, ordered_hits, prepare, search_mandates  # noqa: E402
from service.usecases.services import Services  # noqa: E402

DATA = ROOT / "bench" / "relevance"
MODES = ("keyword", "semantic", "hybrid")
LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")
OFF_TOPIC = {
    "en": "football match results tonight", "fr": "résultats du match de football ce soir",
    "es": "resultados del partido de fútbol esta noche", "ru": "результаты футбольного матча сегодня вечером",
    "ar": "نتائج مباراة كرة القدم الليلة", "zh": "今晚足球比赛结果",
}
NO_SYMBOL = ResolutionRef(None, None, None)
OFF_TOPIC_MORE = ("banana bread recipe", "quantum computing chips", "香蕉面包食谱", "recette du pain à la banane")


def ensure_index(home: Path) -> None:
    if (home / "index").exists():
        return
    env = {**os.environ, "UNEA_MANDATES_HOME": str(home)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "service.cli", "ingest", str(ROOT / "corpus" / "bundled")],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"ingested the bundled corpus into {home} in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def number_of(mandate) -> str | None:  # type: ignore[no-untyped-def]
    return mandate.resolution_number


def ndcg(flags: list[bool], relevant_total: int, k: int = 10) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, f in enumerate(flags[:k]) if f)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, relevant_total)))
    return dcg / ideal if ideal else 0.0


def topics_part(index, topics: list[dict], counts: dict[str, int], english_paragraphs: dict[str, int]) -> dict:  # type: ignore[no-untyped-def]
    figures: dict[str, dict[str, dict[str, list[float]]]] = {m: {} for m in MODES}
    misses: list[str] = []
    for mode in MODES:
        for topic in topics:
            relevant = set(topic["relevant"])
            relevant_total = sum(counts.get(r, 0) for r in relevant)
            has_english = sum(english_paragraphs.get(r, 0) for r in relevant) > 0
            for language, q in topic["queries"].items():
                hits = search_mandates(index, build_query(q, mode, limit=50)).hits
                flags = [number_of(h.mandate) in relevant for h in hits]
                row = figures[mode].setdefault(language, {"p10": [], "ndcg10": [], "r50": [], "reach_en": []})
                row["p10"].append(sum(flags[:10]) / 10)
                row["ndcg10"].append(ndcg(flags, relevant_total))
                row["r50"].append(sum(flags) / relevant_total if relevant_total else 0.0)
                if language != "en" and has_english:
                    reached = any(f and h.mandate.language == "en" and h.mandate.source.kind == "paragraph"
                                  for f, h in zip(flags[:10], hits[:10], strict=False))
                    row["reach_en"].append(float(reached))
                if mode != "keyword" and sum(flags[:10]) < 5:
                    misses.append(f"{mode} {topic['id']} {language}: {sum(flags[:10])}/10")
    out: dict = {"misses": misses}
    for mode in MODES:
        per = {lang: {k: statistics.fmean(v) for k, v in row.items() if v} for lang, row in figures[mode].items()}
        every = {k: statistics.fmean([x for row in figures[mode].values() for x in row[k]]) for k in ("p10", "ndcg10", "r50", "reach_en")}
        out[mode] = {"all": every, **per}
    return out


def known_items_part(index) -> dict:  # type: ignore[no-untyped-def]
    pairs = [json.loads(line) for line in (ROOT / "models" / "data" / "en_pairs.jsonl").read_text().splitlines() if line.strip()]
    out = {}
    for mode in ("semantic", "hybrid"):
        ranks = []
        for pair in pairs:
            target = pair["en"].strip()[:60]
            hits = search_mandates(index, build_query(pair["zh"], mode, limit=50)).hits
            rank = next((i for i, h in enumerate(hits, 1) if h.mandate.language == "en" and target in h.mandate.text), None)
            ranks.append(rank)
        out[mode] = {
            "pairs": len(pairs),
            "mrr": statistics.fmean(1.0 / r if r else 0.0 for r in ranks),
            "r10": statistics.fmean(1.0 if r and r <= 10 else 0.0 for r in ranks),
        }
    return out


def bitext_part(embedder, lines: int) -> dict:  # type: ignore[no-untyped-def]
    from tests.shared_corpus import UN_PARALLEL_SAMPLE

    rows = [json.loads(line) for line in UN_PARALLEL_SAMPLE.read_text().splitlines() if line.strip()]
    rows = rows[:lines] if lines else rows
    english = np.asarray(embedder.encode([r["en"] for r in rows]), dtype=np.float32)
    out = {"lines": len(rows)}
    for language in LANGUAGES:
        if language == "en":
            continue
        vectors = np.asarray(embedder.encode([r[language] for r in rows]), dtype=np.float32)
        out[language] = float(np.mean((vectors @ english.T).argmax(axis=1) == np.arange(len(rows))))
    return out


def precedents_part(index) -> dict:  # type: ignore[no-untyped-def]
    drafts = json.loads((DATA / "drafts.json").read_text())["drafts"]
    shares, firsts, anys, details = [], [], [], []
    for draft in drafts:
        found = precedents_of(index, draft["text"], draft.get("language"))
        right = [(parse_symbol(p.resolution) or NO_SYMBOL).number in draft["right"] for p in found]
        numbers = [p.citation for p in found]
        shares.append(sum(right) / max(1, len(found)))
        firsts.append(float(bool(right) and right[0]))
        anys.append(float(any(right)))
        details.append(f"{draft['id']}: {sum(right)}/{len(found)} right; first {numbers[0] if numbers else '-'}")
    return {"drafts": len(drafts), "share_right": statistics.fmean(shares), "first_right": statistics.fmean(firsts),
            "any_right": statistics.fmean(anys),
            "details": details}


def floor_part(index, topics: list[dict]) -> dict:  # type: ignore[no-untyped-def]
    off = list(OFF_TOPIC.values()) + list(OFF_TOPIC_MORE)
    off_hits = {q: search_mandates(index, build_query(q, "semantic", limit=10)).total for q in off}
    empty = [f"{t['id']} {lang}" for t in topics for lang, q in t["queries"].items()
             if search_mandates(index, build_query(q, "semantic", limit=1)).total == 0]
    return {"floor": RELEVANCE_FLOOR, "off_topic_queries": len(off), "off_topic_with_hits": sum(1 for n in off_hits.values() if n),
            "off_topic_hits": sum(off_hits.values()), "on_topic_queries_with_no_hit": empty}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="an index home to reuse (default: a new temporary one)")
    parser.add_argument("--bitext-lines", type=int, default=0, help="UN Parallel lines to use (0: all)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--topics", default="topics.json", help="topic file under bench/relevance: topics.json (the "
                        "judged set the floor was chosen on) or topics_aside.json (written blind to it, never tuned on)")
    parser.add_argument("--topics-only", action="store_true", help="only the topic queries (no known items, drafts, bitext)")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="unea-relevance-"))
    ensure_index(home)
    started = time.perf_counter()
    topics = json.loads((DATA / args.topics).read_text())["topics"]
    with Services(Settings(home=home)) as services:
        index = services.index
        counts: dict[str, int] = {}
        english: dict[str, int] = {}
        for hit in ordered_hits(index, prepare(index, build_query("", "keyword")), cap=10**6):  # every mandate
            n = number_of(hit.mandate) or ""
            counts[n] = counts.get(n, 0) + 1
            if hit.mandate.language == "en" and hit.mandate.source.kind == "paragraph":
                english[n] = english.get(n, 0) + 1
        report = {"topic_file": args.topics, "topics": topics_part(index, topics, counts, english)}
        if not args.topics_only:
            report.update(known_items=known_items_part(index), precedents=precedents_part(index),
                          floor=floor_part(index, topics))
            report["bitext"] = bitext_part(services.embedder, args.bitext_lines)
    report["seconds"] = round(time.perf_counter() - started, 1)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print("BENCH_JSON " + json.dumps(report, ensure_ascii=False))
    return 0


def print_report(report: dict) -> None:
    print(f"## Topic queries ({report['topic_file']}, 20 topics x 6 languages)\n")
    print("| mode | measure | all | " + " | ".join(LANGUAGES) + " |")
    print("|---|---|---|" + "---|" * len(LANGUAGES))
    for mode in MODES:
        part = report["topics"][mode]
        for measure in ("p10", "ndcg10", "r50", "reach_en"):
            cells = [f"{part[lang][measure]:.2f}" if measure in part.get(lang, {}) else "" for lang in LANGUAGES]
            print(f"| {mode} | {measure} | {part['all'][measure]:.3f} | " + " | ".join(cells) + " |")
    print("\nqueries under 5/10 on topic (semantic, hybrid): " + ("; ".join(report["topics"]["misses"]) or "none"))
    if "known_items" not in report:
        print(f"\n{report['seconds']} s")
        return
    print("\n## Known items (Annex II bullet, zh -> its English paragraph)\n")
    for mode, figures in report["known_items"].items():
        print(f"- {mode}: MRR {figures['mrr']:.3f}, recall@10 {figures['r10']:.3f} ({figures['pairs']} pairs)")
    print("\n## Bitext (UN Parallel sample, x -> en, encoder top-1)\n")
    print("- " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in report["bitext"].items()))
    p = report["precedents"]
    print(f"\n## Precedents of drafts\n\n- first from a right resolution {p['first_right']:.2f}, one of five {p['any_right']:.2f}, share of the five {p['share_right']:.2f} ({p['drafts']} drafts)")
    for line in p["details"]:
        print(f"  - {line}")
    f = report["floor"]
    print(f"\n## Relevance floor {f['floor']}\n\n- off-topic queries with hits: {f['off_topic_with_hits']} of {f['off_topic_queries']} ({f['off_topic_hits']} hits)")
    print(f"- on-topic queries with no semantic hit: {len(f['on_topic_queries_with_no_hit'])} {f['on_topic_queries_with_no_hit']}")
    print(f"\n{report['seconds']} s")


if __name__ == "__main__":
    raise SystemExit(main())
