"""A maintainer reviewing a new session, simulated (`unea-mandates eval --review-simulation`).

Leave-one-session-out over the bundled sessions that have guideline labels: the model is trained without
any row of session N (Annex II, English pairs, guideline labels, rule-labelled actors); the session's
guideline-labelled mandates are the new session, their guideline labels the oracle. The reviewer corrects
(or confirms) the first k mandates of an order — the review queue's (models.review_queue, ranked by the
model trained without the session) or a random one — the model is retrained with those k as reviewed
rows (origin "reviewed", models.evaluate.sample_weights), and the rest of the session is scored.

Two figures per k, since the queue takes the hard mandates out of "the rest": macro-F1 on the rest of
the session (what the issue asks), and on the whole session with the k reviewed labels counted as they
were set (what the maintainer ends up with). The guideline labels were made for the model: this measures
how fast review converges to the guideline, not accuracy against UNEP (that is Annex II's job).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from extractors.schema import ACTION_AREAS
from models.classifiers import DEFAULT_CONFIG, FeatureConfig
from models.evaluate import scores_for
from models.evaluate_questions import Corpus, session_of
from models.review_queue import doubt
from models.training_data import Example

KS = (0, 10, 25, 50)
RANDOM_SEEDS = (0, 1, 2)
MIN_SESSION_ROWS = 60  # a session with fewer guideline rows cannot spare 50 for review


def _macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return float(scores_for(list(gold), list(predicted), ACTION_AREAS).get("macro_f1", 0.0))


def simulate(examples: Sequence[Example], embedder, ks: Sequence[int] = KS, seeds: Sequence[int] = RANDOM_SEEDS,
             config: FeatureConfig = DEFAULT_CONFIG, sessions: Sequence[int] | None = None) -> dict:
    """Per session and k: macro-F1 on the rest and on the whole session, queue order vs random order
    (mean over `seeds`), and the seconds one retrain took. `sessions`: only these (default: every session
    with at least MIN_SESSION_ROWS guideline rows)."""
    corpus = Corpus.of(examples, embedder)
    counts: dict[int, int] = {}
    for e in corpus.examples:
        if e.origin == "guideline" and session_of(e.group) is not None:
            counts[session_of(e.group)] = counts.get(session_of(e.group), 0) + 1
    sessions = sorted(s for s, n in counts.items() if n >= MIN_SESSION_ROWS and (sessions is None or s in sessions))
    report: dict = {"ks": list(ks), "seeds": list(seeds), "sessions": {}, "retrain_seconds": []}
    for s in sessions:
        pool = corpus.rows(lambda e, s=s: e.origin == "guideline" and session_of(e.group) == s)
        train_rows = corpus.rows(lambda e, s=s: session_of(e.group) != s)
        first = corpus.fit(train_rows, config)
        proba = corpus.proba(first, pool)
        features = first.features
        span = features.span_vectors([corpus.examples[i].text for i in pool], corpus.vectors[pool])
        labelled_rows = [i for i in train_rows if corpus.examples[i].action_area]
        labelled = features.span_vectors([corpus.examples[i].text for i in labelled_rows], corpus.vectors[labelled_rows])
        queue = [pool[j] for j in np.argsort(-doubt(proba, span, labelled)["doubt"], kind="stable")]
        orders = {"queue": [queue]}
        orders["random"] = [list(np.random.default_rng(seed).permutation(pool)) for seed in seeds]
        gold = {i: corpus.examples[i].action_area for i in pool}
        out: dict = {"n": len(pool)}
        for k in ks:
            row: dict = {}
            for name, lists in orders.items():
                rest_f1, whole_f1 = [], []
                for order in lists:
                    picked = [int(i) for i in order[:k]]
                    started = time.perf_counter()
                    model = first if not picked else _refit(corpus, train_rows, picked, config)
                    if picked:
                        report["retrain_seconds"].append(time.perf_counter() - started)
                    predicted = dict(zip(pool, (ACTION_AREAS[int(j)] for j in corpus.proba(model, pool).argmax(axis=1)),
                                         strict=True))
                    rest = [i for i in pool if i not in set(picked)]
                    rest_f1.append(_macro_f1([gold[i] for i in rest], [predicted[i] for i in rest]))
                    whole = {**predicted, **{i: gold[i] for i in picked}}
                    whole_f1.append(_macro_f1([gold[i] for i in pool], [whole[i] for i in pool]))
                row[name] = {"rest": round(float(np.mean(rest_f1)), 3), "whole": round(float(np.mean(whole_f1)), 3)}
            out[str(k)] = row
        report["sessions"][str(s)] = out
    seconds = report.pop("retrain_seconds")
    report["retrain_seconds_median"] = round(float(np.median(seconds)), 2) if seconds else None
    report["mean"] = {str(k): {name: {part: round(float(np.mean([report["sessions"][s][str(k)][name][part]
                                                                     for s in report["sessions"]])), 3)
                                      for part in ("rest", "whole")}
                               for name in ("queue", "random")}
                      for k in ks} if report["sessions"] else {}
    return report


def _refit(corpus: Corpus, train_rows: Sequence[int], picked: Sequence[int], config: FeatureConfig):
    """The model retrained with the picked rows as reviewed labels (their oracle areas)."""
    extra = [replace(corpus.examples[i], origin="reviewed") for i in picked]
    grown = Corpus(corpus.examples + extra, np.vstack([corpus.vectors, corpus.vectors[list(picked)]]), corpus.embedder)
    rows = list(train_rows) + list(range(len(corpus.examples), len(grown.examples)))
    return grown.fit(rows, config)


def format_simulation(report: dict) -> str:
    lines = ["review simulation (leave-one-session-out; oracle: guideline labels; macro-F1 of the primary area; "
             f"random = mean of {len(report['seeds'])} seeds)",
             f"{'session':8s} {'n':>4s} {'k':>4s} {'queue rest':>11s} {'random rest':>12s} {'queue whole':>12s} "
             f"{'random whole':>13s}"]
    for s, out in report["sessions"].items():
        for k in report["ks"]:
            r = out[str(k)]
            lines.append(f"UNEA-{s:3s} {out['n']:4d} {k:4d} {r['queue']['rest']:11.3f} {r['random']['rest']:12.3f} "
                         f"{r['queue']['whole']:12.3f} {r['random']['whole']:13.3f}")
    for k, r in report.get("mean", {}).items():
        lines.append(f"{'mean':8s} {'':4s} {int(k):4d} {r['queue']['rest']:11.3f} {r['random']['rest']:12.3f} "
                     f"{r['queue']['whole']:12.3f} {r['random']['whole']:13.3f}")
    lines.append(f"one retrain (fit on the session's reviewed rows + every other session): median "
                 f"{report['retrain_seconds_median']} s")
    return "\n".join(lines)
