"""Scratch grouped-CV harness behind the 2026-11-26 (second round) rows of MODEL_CARD.md's experiment table.

Not used by the product. Same folds as models.evaluate (GroupKFold(5) over the 17 Annex II resolutions; EN
pairs in their resolution's fold; descriptions and rule-labelled rows always train-only), but each head
can get its own features, and a list of feature sets means "average the probabilities of one logistic
regression per set". Run from the repository root after `unea-mandates train` (it reads
models/data/training_set.jsonl):

    .venv/bin/python -m experiments.cue_probe_experiments actor   # actor-head rows
    .venv/bin/python -m experiments.cue_probe_experiments area    # area-head rows

Differences from models.evaluate: the TF-IDF vocabulary is fitted on each head's own training rows, so the
"shipped replica" row reads 0.575 / 0.702 where `unea-mandates eval` printed 0.570 / 0.691.
"""

from __future__ import annotations

import json
import sys
import warnings

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GroupKFold

from extractors.schema import ACTION_AREAS
from models.actor_cues import cue_matrix
from models.area_cues import area_cue_matrix
from models.embedders import UseEmbedder
from models.training_data import DATA_DIR

# "Who does it" probes: the bullet embedded after a subject that names each actor.
PROBES = {"zh": ("环境署将", "会员国将", "请执行主任", "敦促会员国"),
          "en": ("UNEP will ", "Member States will ", "Requests the Executive Director to ", "Urges Member States to ")}


def main(which: str) -> None:
    warnings.filterwarnings("ignore")
    rows = [json.loads(line) for line in (DATA_DIR / "training_set.jsonl").read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in rows]
    n = len(rows)
    origin = np.array([r["origin"] for r in rows])
    group = np.array([r["group"] for r in rows])
    lang = np.array([r["language"] for r in rows])
    weight = np.array([{"area_description": 0.5, "rule_actor": 0.5}.get(o, 1.0) for o in origin])
    scored = np.isin(origin, ["annex_ii", "en_pair"])
    annex = np.flatnonzero(origin == "annex_ii")
    folds = [set(group[annex][test]) for _, test in GroupKFold(5).split(annex, groups=group[annex])]
    embedder = UseEmbedder()
    emb = {"base": embedder.encode(texts)}
    for k in range(4):
        emb[f"p{k}"] = embedder.encode([PROBES[r["language"]][k] + r["text"] for r in rows])
    protos = []
    for area in ACTION_AREAS:
        m = emb["base"][[i for i in range(n) if origin[i] == "area_description" and rows[i]["action_area"] == area]].mean(0)
        protos.append(m / np.linalg.norm(m))
    proto_m = np.array(protos)
    actor_cues, area_cues = cue_matrix(texts), area_cue_matrix(texts)

    def tfidf(a=1, b=3):
        def f(tr, te):
            v = TfidfVectorizer(analyzer="char", ngram_range=(a, b), sublinear_tf=True).fit([texts[i] for i in tr])
            return v.transform([texts[i] for i in tr]), v.transform([texts[i] for i in te])
        return f

    def dense(fn):
        return lambda tr, te: (csr_matrix(fn(tr)), csr_matrix(fn(te)))

    def vec(key="base", w=1.0):
        return dense(lambda idx: emb[key][idx] * w)

    def proto(w=3.0):
        return dense(lambda idx: (emb["base"][idx] @ proto_m.T) * w)

    def probe_diff(a, b):
        return dense(lambda idx: emb[a][idx] - emb[b][idx])

    def probe_cos(a, b):
        return dense(lambda idx: 10 * (np.sum(emb["base"][idx] * emb[a][idx], 1)
                                       - np.sum(emb["base"][idx] * emb[b][idx], 1))[:, None])

    def cues(matrix, w=1.0):
        return dense(lambda idx: matrix[idx] * w)

    def cat(*fs):
        def f(tr, te):
            parts = [g(tr, te) for g in fs]
            return hstack([p[0] for p in parts]).tocsr(), hstack([p[1] for p in parts]).tocsr()
        return f

    def run(name, area_feats, actor_feats, c_area=10.0, c_actor=10.0):
        pred = {"action_area": {}, "actor": {}}
        for test_groups in folds:
            te = [i for i in range(n) if scored[i] and group[i] in test_groups]
            tr = [i for i in range(n) if not (scored[i] and group[i] in test_groups)]
            for key, feats, c in (("action_area", area_feats, c_area), ("actor", actor_feats, c_actor)):
                tri = [i for i in tr if rows[i][key]]
                proba = 0
                for f in (feats if isinstance(feats, list) else [feats]):
                    Xtr, Xte = f(tri, te)
                    model = LogisticRegression(C=c, class_weight="balanced", solver="newton-cg", max_iter=500)
                    model.fit(Xtr, [rows[i][key] for i in tri], sample_weight=weight[tri])
                    proba = proba + model.predict_proba(Xte)
                for i, p in zip(te, proba, strict=True):
                    pred[key][i] = model.classes_[int(np.argmax(p))]
        out = []
        for language in ("zh", "en"):
            idx = [i for i in pred["action_area"] if lang[i] == language]
            gold = [rows[i]["action_area"] for i in idx]
            f1 = f1_score(gold, [pred["action_area"][i] for i in idx], labels=[a for a in ACTION_AREAS if a in gold],
                          average="macro", zero_division=0)
            acc = accuracy_score([rows[i]["actor"] for i in idx], [pred["actor"][i] for i in idx])
            out.append(f"{language} area {f1:.3f} {language} actor {acc:.3f}")
        print(f"{name:55s} " + "  ".join(out), flush=True)

    ship = cat(tfidf(), vec(), proto())
    if which == "actor":
        run("shipped replica (no cues)", ship, ship)
        for name, f in [
            ("actor: + probe cos-diff (will)", cat(ship, probe_cos("p0", "p1"))),
            ("actor: + probe cos-diff (will, request/urge)", cat(ship, probe_cos("p0", "p1"), probe_cos("p2", "p3"))),
            ("actor: + probe difference vector (will)", cat(ship, probe_diff("p0", "p1"))),
            ("actor: + probe difference vector (request/urge)", cat(ship, probe_diff("p2", "p3"))),
            ("actor: TF-IDF + both probe embeddings", cat(tfidf(), vec("p0"), vec("p1"))),
            ("actor: + actor cues w1", cat(ship, cues(actor_cues))),
            ("actor: + actor cues w3", cat(ship, cues(actor_cues, 3))),
            ("actor: char 1-2 + USE + actor cues", cat(tfidf(1, 2), vec(), cues(actor_cues))),
            ("actor: char 1-2 + actor cues", cat(tfidf(1, 2), cues(actor_cues))),
            ("actor: actor cues only (11 features)", cues(actor_cues)),
            ("actor: char 1-2 only", tfidf(1, 2)),
            ("actor: ensemble(TF-IDF 1-3 LR, USE LR)", [tfidf(), vec()]),
            ("actor: ensemble(TF-IDF 1-2 LR, USE+probe-diff LR)", [tfidf(1, 2), cat(vec(), probe_diff("p0", "p1"))]),
            ("actor: + actor cues + probe difference vector", cat(ship, cues(actor_cues), probe_diff("p0", "p1"))),
        ]:
            run(name, ship, f)
        for c in (1.0, 3.0, 30.0):
            run(f"actor: + actor cues w3, actor C={c:g}", ship, cat(ship, cues(actor_cues, 3)), c_actor=c)
    else:
        for name, f, c in [
            ("area: embedding weight 0.5", cat(tfidf(), vec(w=0.5), proto()), 10),
            ("area: embedding weight 0.5, C=3", cat(tfidf(), vec(w=0.5), proto()), 3),
            ("area: ensemble(TF-IDF LR, USE+proto LR)", [tfidf(), cat(vec(), proto())], 10),
            ("area: ensemble(shipped LR, USE+proto LR)", [ship, cat(vec(), proto())], 10),
            ("area: mean of plain and probe embeddings", cat(tfidf(), dense(
                lambda idx: (emb["base"][idx] + emb["p0"][idx] + emb["p1"][idx]) / 3), proto()), 10),
            ("area: + actor cues", cat(ship, cues(actor_cues)), 10),
            ("area: USE+proto only, C=1", cat(vec(), proto()), 1),
            ("area: + area cues w1", cat(ship, cues(area_cues)), 10),
            ("area: + area cues w3", cat(ship, cues(area_cues, 3)), 10),
            ("area: + area cues w5", cat(ship, cues(area_cues, 5)), 10),
            ("area: + area cues w3, C=3", cat(ship, cues(area_cues, 3)), 3),
            ("area: ensemble(shipped LR, area-cues LR)", [ship, cues(area_cues)], 10),
        ]:
            run(name, f, cues(actor_cues), c_area=c)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "actor")
