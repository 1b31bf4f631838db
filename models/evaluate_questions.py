"""The questions `unea-mandates eval` asks beyond the Annex II cross-validation (models.evaluate):

- English guideline set: grouped 5-fold CV by resolution over the 717 guideline-labelled English mandates
  (every row of a held-out resolution — its guideline labels, English pairs and Annex II bullets — leaves
  training with it); primary-area macro-F1, infrastructure F1, multi-label figures, calibration, the
  `uncertain` flag; the two labelling passes' agreement beside it when the second pass exists.
- New session: leave-one-session-out on Annex II (no row of UNEA-N in any training source).
- Known mandate: the 38 English paragraphs paired with Annex II bullets, whole Annex II in training; the
  nearest Annex II bullet's label when the cross-lingual similarity passes a threshold chosen by
  leave-one-resolution-out over the pairs, else the model.
The guideline labels are training rows here and test rows only for other folds' models: never scored by a
model that saw them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from extractors.schema import ACTION_AREAS
from models import calibration
from models.classifiers import DEFAULT_CONFIG, FeatureConfig, MandateClassifier, train_classifier
from models.embedders import Embedder
from models.evaluate import fold_plan, listed_areas, prototype_texts, sample_weights, scores_for
from models.training_data import Example

PRECEDENT_THRESHOLDS = tuple(round(float(x), 2) for x in np.arange(0.0, 0.96, 0.05))
_AREA_INDEX = {a: i for i, a in enumerate(ACTION_AREAS)}


def session_of(group: str) -> int | None:
    """"3/4" → 3, "UNEP/EA.1/L.13" → 1; descriptions and Annex IV ("desc", "annex_iv") → None."""
    import re

    m = re.match(r"^(\d+)/", group) or re.search(r"EA\.(\d+)/", group)
    return int(m.group(1)) if m else None


@dataclass
class Corpus:
    """Every training example with its embedding, encoded once."""

    examples: list[Example]
    vectors: np.ndarray
    embedder: Embedder

    @classmethod
    def of(cls, examples: Sequence[Example], embedder: Embedder) -> Corpus:
        examples = list(examples)
        return cls(examples, embedder.encode([e.text for e in examples]), embedder)

    def rows(self, keep) -> list[int]:
        return [i for i, e in enumerate(self.examples) if keep(e)]

    def fit(self, rows: Sequence[int], config: FeatureConfig = DEFAULT_CONFIG) -> MandateClassifier:
        train = [self.examples[i] for i in rows]
        return train_classifier([e.text for e in train], [e.action_area for e in train], [e.actor for e in train],
                                prototype_texts(train), self.embedder, config, sample_weight=sample_weights(train),
                                embeddings=self.vectors[list(rows)])

    def proba(self, model: MandateClassifier, rows: Sequence[int]) -> np.ndarray:
        return model.area_proba([self.examples[i].text for i in rows], self.vectors[list(rows)])

    def out_of_fold(self, target: Sequence[int], folds: Sequence[Sequence[str]],
                    config: FeatureConfig = DEFAULT_CONFIG) -> tuple[np.ndarray, list[int]]:
        """Area probabilities of each target row from a model trained without its fold's resolutions;
        also the fold number of each row."""
        out = np.zeros((len(target), len(ACTION_AREAS)))
        fold_of = [-1] * len(target)
        for k, groups in enumerate(folds):
            held = set(groups)
            here = [j for j, i in enumerate(target) if self.examples[i].group in held]
            if not here:
                continue
            model = self.fit(self.rows(lambda e, held=held: e.group not in held), config)
            out[here] = self.proba(model, [target[j] for j in here])
            for j in here:
                fold_of[j] = k
        return out, fold_of


def set_figures(proba: np.ndarray, gold: Sequence[str], gold_sets: Sequence[set[str]], folds: Sequence[int]) -> dict:
    """Strict primary-area scores, calibration before/after temperature scaling, multi-label figures with a
    cross-fitted threshold, and the uncertain flag — all on out-of-fold probabilities."""
    g = [_AREA_INDEX[a] for a in gold]
    gs = [{_AREA_INDEX[a] for a in s} for s in gold_sets]
    fitted = calibration.cross_fitted(proba, g, gs, [str(f) for f in folds], len(ACTION_AREAS))
    predicted = [ACTION_AREAS[int(k)] for k in proba.argmax(axis=1)]
    return {
        "strict": scores_for(list(gold), predicted, ACTION_AREAS),
        "calibration_raw": calibration.reliability(proba, g),
        "calibration": calibration.reliability(fitted["proba"], g),
        "temperature_all_rows": calibration.fit_temperature(proba, g),
        "multi_label": calibration.multilabel_scores(fitted["sets"], gs, len(ACTION_AREAS)),
        "multi_label_top_only": calibration.multilabel_scores([{int(k)} for k in proba.argmax(axis=1)], gs,
                                                              len(ACTION_AREAS)),
        "uncertain": calibration.uncertain_scores(fitted["proba"], g),
        "any_listed_accuracy": round(float(np.mean([p in s for p, s in zip(predicted, gold_sets, strict=True)])), 3),
        # a prediction counts as right when it is any area listed for the text (beside the strict figure)
        "any_listed": scores_for([p if p in s else g for p, s, g in zip(predicted, gold_sets, gold, strict=True)],
                                 predicted, ACTION_AREAS),
    }


def guideline_cv(corpus: Corpus, guideline_sets: dict[str, list[str]], config: FeatureConfig = DEFAULT_CONFIG,
                 n_splits: int = 5) -> tuple[dict, np.ndarray, list[int]]:
    target = corpus.rows(lambda e: e.origin == "guideline")
    plan = fold_plan([corpus.examples[i].group for i in target], n_splits)
    proba, folds = corpus.out_of_fold(target, plan.test_groups, config)
    rows = [corpus.examples[i] for i in target]
    sets = [set(guideline_sets.get(e.text) or [e.action_area]) for e in rows]
    return set_figures(proba, [e.action_area for e in rows], sets, folds), proba, target


def annex_ii_figures(corpus: Corpus, proba_by_id: dict[int, np.ndarray], folds: Sequence[Sequence[str]]) -> dict:
    """Calibration / multi-label / uncertain figures for the Annex II rows from cross_validate's
    out-of-fold probabilities (gold sets: every area the seed lists the same text under)."""
    rows = [e for e in corpus.examples if e.origin == "annex_ii" and id(e) in proba_by_id]
    listed = listed_areas(rows)
    fold_of = {g: k for k, groups in enumerate(folds) for g in groups}
    proba = np.array([proba_by_id[id(e)] for e in rows])
    return set_figures(proba, [e.action_area for e in rows], [listed[e.text] for e in rows],
                       [fold_of[e.group] for e in rows])


def leave_one_session_out(corpus: Corpus, config: FeatureConfig = DEFAULT_CONFIG) -> dict:
    """Train without every row of UNEA-N (Annex II, English pairs, guideline labels, rule-labelled actors),
    test on the Annex II rows of UNEA-N."""
    out = {}
    sessions = sorted({session_of(e.group) for e in corpus.examples if e.origin == "annex_ii"} - {None})
    for s in sessions:
        test = corpus.rows(lambda e, s=s: e.origin == "annex_ii" and session_of(e.group) == s)
        model = corpus.fit(corpus.rows(lambda e, s=s: session_of(e.group) != s), config)
        proba = corpus.proba(model, test)
        gold = [corpus.examples[i].action_area for i in test]
        out[str(s)] = scores_for(gold, [ACTION_AREAS[int(k)] for k in proba.argmax(axis=1)], ACTION_AREAS)
    return out


def chosen_median(chosen: dict[str, float]) -> float:
    return float(np.median(list(chosen.values()))) if chosen else 1.0


def _pair_accuracy(rows: Sequence[int], gold: Sequence[str], sims: np.ndarray, nearest_area: Sequence[str],
                   model_area: Sequence[str], threshold: float) -> float:
    right = [nearest_area[j] == gold[j] if sims[j] >= threshold else model_area[j] == gold[j] for j in rows]
    return float(np.mean(right)) if right else 0.0


def known_mandate(corpus: Corpus, config: FeatureConfig = DEFAULT_CONFIG,
                  new_rows: Sequence[int] = (), new_model_area: Sequence[str] = ()) -> dict:
    """The English pairs with the whole Annex II in training (their own English rows out of training).

    `new_rows` / `new_model_area`: guideline-labelled mandates of resolutions Annex II does not cover and
    the model's out-of-fold area for each — what the precedent rule does to mandates UNEP never placed.
    The shipped threshold maximises accuracy over the pairs and those rows together."""
    from sklearn.linear_model import LogisticRegression

    ex = corpus.examples
    pairs = corpus.rows(lambda e: e.origin == "en_pair")
    pair_groups = {ex[i].group for i in pairs}
    model = corpus.fit(corpus.rows(lambda e: e.origin == "annex_ii" or e.group not in pair_groups), config)
    model_area = [ACTION_AREAS[int(k)] for k in corpus.proba(model, pairs).argmax(axis=1)]
    annex = corpus.rows(lambda e: e.origin == "annex_ii")
    plain = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000).fit(
        corpus.vectors[annex], [ex[i].action_area for i in annex])
    plain_area = [str(a) for a in plain.predict(corpus.vectors[pairs])]
    sims_all = corpus.vectors[pairs] @ corpus.vectors[annex].T
    nearest = sims_all.argmax(axis=1)
    sims = sims_all.max(axis=1)
    nearest_area = [ex[annex[j]].action_area for j in nearest]
    gold = [ex[i].action_area for i in pairs]
    groups = [ex[i].group for i in pairs]
    chosen, right = {}, []
    for g in sorted(set(groups)):  # threshold picked on the other resolutions' pairs (ties → higher)
        rest = [j for j, h in enumerate(groups) if h != g]
        t = max(PRECEDENT_THRESHOLDS, key=lambda t, rest=rest: (
            _pair_accuracy(rest, gold, sims, nearest_area, model_area, t), t))
        chosen[g] = t
        right += [(nearest_area[j] if sims[j] >= t else model_area[j]) == gold[j]
                  for j, h in enumerate(groups) if h == g]
    covered = [j for j, g in enumerate(groups) if sims[j] >= chosen[g]]
    new_gold = [ex[i].action_area for i in new_rows]
    new_sims_all = corpus.vectors[list(new_rows)] @ corpus.vectors[annex].T if len(new_rows) else np.zeros((0, 1))
    new_sims = new_sims_all.max(axis=1) if len(new_rows) else np.zeros(0)
    new_nearest = [ex[annex[j]].action_area for j in new_sims_all.argmax(axis=1)] if len(new_rows) else []

    def overall(t: float) -> float:
        right = [(nearest_area[j] if sims[j] >= t else model_area[j]) == gold[j] for j in range(len(pairs))]
        right += [(new_nearest[j] if new_sims[j] >= t else new_model_area[j]) == new_gold[j]
                  for j in range(len(new_rows))]
        return float(np.mean(right))

    shipped = max(PRECEDENT_THRESHOLDS, key=lambda t: (overall(t), t))
    fires = [j for j in range(len(new_rows)) if new_sims[j] >= chosen_median(chosen)]
    return {
        "new_mandates": {
            "n": len(new_rows),
            "threshold": chosen_median(chosen),
            "fires": len(fires),
            "precedent_accuracy_where_fired": round(float(np.mean([new_nearest[j] == new_gold[j] for j in fires])), 3)
            if fires else None,
            "model_accuracy_where_fired": round(float(np.mean([new_model_area[j] == new_gold[j] for j in fires])), 3)
            if fires else None,
        },
        "n": len(pairs),
        "model_accuracy": round(float(np.mean([m == g for m, g in zip(model_area, gold, strict=True)])), 3),
        "plain_embedding_lr_accuracy": round(float(np.mean([m == g for m, g in zip(plain_area, gold, strict=True)])), 3),
        "nearest_bullet_accuracy": round(float(np.mean([m == g for m, g in zip(nearest_area, gold, strict=True)])), 3),
        "precedent_thresholds_by_held_out_resolution": chosen,
        "precedent_coverage": round(len(covered) / len(pairs), 3),
        "precedent_accuracy_on_covered": round(float(np.mean([nearest_area[j] == gold[j] for j in covered])), 3)
        if covered else None,
        "accuracy": round(float(np.mean(right)), 3),
        "threshold_on_all_pairs": shipped,
        "accuracy_pairs_and_new_at_shipped": round(overall(shipped), 3),
    }


def format_questions(q: dict) -> str:
    lines = []

    def block(title: str, f: dict) -> None:
        s = f["strict"]
        per = " ".join(f"{k}={v:.2f}" for k, v in s["per_label_f1"].items())
        ml, top, u = f["multi_label"], f["multi_label_top_only"], f["uncertain"]
        lines.extend([
            f"== {title} ==",
            f"action_area  n {s['n']}  accuracy {s['accuracy']:.3f}  macro-F1 {s['macro_f1']:.3f}  {per}",
            f"  infrastructure F1 alone: {s['per_label_f1'].get('infrastructure', 0.0):.3f}; "
            f"right when the prediction is any listed area: accuracy {f['any_listed_accuracy']:.3f}, macro-F1 "
            f"{f['any_listed']['macro_f1']:.3f} (strict macro-F1 {s['macro_f1']:.3f})",
            f"  multi-label (action_areas, threshold cross-fitted): sample-F1 {ml['sample_f1']:.3f} jaccard "
            f"{ml['jaccard']:.3f} exact-set {ml['exact_set']:.3f} micro-F1 {ml['micro_f1']:.3f} macro-F1 "
            f"{ml['macro_f1']:.3f} areas/mandate {ml['mean_areas_predicted']} (gold {ml['mean_areas_gold']}); "
            f"top area only: sample-F1 {top['sample_f1']:.3f} micro-F1 {top['micro_f1']:.3f}",
            f"  calibration: ECE raw {f['calibration_raw']['ece']:.3f} → temperature-scaled "
            f"{f['calibration']['ece']:.3f} (T on all rows {f['temperature_all_rows']}); the most confident "
            f"{f['calibration']['most_confident']['share']:.0%} (n {f['calibration']['most_confident']['n']}): "
            f"confidence {f['calibration']['most_confident']['confidence']:.3f}, accuracy "
            f"{f['calibration']['most_confident']['accuracy']:.3f}, ECE {f['calibration']['most_confident']['ece']:.3f}",
            "  reliability (calibrated): " + "; ".join(
                f"{r['bin']} n={r['n']} conf={r['confidence']:.2f} acc={r['accuracy']:.2f}"
                for r in f["calibration"]["table"]),
            f"  uncertain (top-two gap < {u['margin']}): {u['flagged']} flagged ({u['share_flagged']:.0%}); "
            f"accuracy flagged {u['accuracy_flagged']}, unflagged {u['accuracy_unflagged']}",
        ])

    if "annex_ii" in q:
        block("zh (annex_ii): calibration, multi-label, uncertain (same out-of-fold predictions as above)",
              q["annex_ii"])
    if "guideline" in q:
        block(f"en (guideline set, {q['guideline']['strict']['n']} mandates; grouped 5-fold CV by resolution)", q["guideline"])
    if q.get("agreement"):
        a = q["agreement"]
        lines.append(f"  inter-annotator (pass 1 vs blind pass 2, n={a['n']}): primary-area kappa "
                     f"{a['primary_kappa']}, macro-F1 {a['primary_macro_f1']}, accuracy {a['primary_accuracy']}; "
                     "per-area kappa " + " ".join(f"{k}={v['kappa']}" for k, v in a["per_area"].items()))
        lines.append(f"  (labels settled by GUIDELINE.md v2 after pass 2: {len(a['disagreements'])} primary-area "
                     f"disagreements of {a['n']} → {len(q['agreement_after_settling']['disagreements'])} left)")
    elif "guideline" in q:
        lines.append("  inter-annotator: second pass (models/data/en_guideline_labels_pass2.jsonl) not there yet")
    if q.get("agreement_v3"):
        a = q["agreement_v3"]
        lines.append(f"  guideline v3 re-labelling vs a blind v3 pass (n={a['n']}: every row v3 changed + a sample of "
                     f"those it re-read and kept): primary-area kappa {a['primary_kappa']}, accuracy "
                     f"{a['primary_accuracy']}; per-area kappa " + " ".join(f"{k}={v['kappa']}" for k, v in a["per_area"].items()))
    if "sessions" in q:
        lines.append("== leave-one-session-out (Annex II; no row of that session in any training source) ==")
        for s, v in q["sessions"].items():
            per = " ".join(f"{k}={x:.2f}" for k, x in v["per_label_f1"].items())
            lines.append(f"  UNEA-{s}: n {v['n']} accuracy {v['accuracy']:.3f} macro-F1 {v['macro_f1']:.3f}  {per}")
    if "known_mandate" in q:
        k = q["known_mandate"]
        lines.extend([
            f"== known mandate (English pairs, n {k['n']}, whole Annex II in training) ==",
            f"  precedent-or-model accuracy {k['accuracy']:.3f} (threshold chosen on the other resolutions' "
            f"pairs: {k['precedent_thresholds_by_held_out_resolution']}; coverage {k['precedent_coverage']:.2f}, "
            f"precedent accuracy where used {k['precedent_accuracy_on_covered']})",
            f"  model alone {k['model_accuracy']:.3f}; plain embedding + LR {k['plain_embedding_lr_accuracy']:.3f};"
            f" nearest Annex II bullet always {k['nearest_bullet_accuracy']:.3f}; threshold on all pairs "
            f"(shipped, chosen on pairs + new mandates) {k['threshold_on_all_pairs']} → accuracy on both "
            f"{k['accuracy_pairs_and_new_at_shipped']}",
            f"  on new mandates (guideline rows of resolutions Annex II does not cover, n {k['new_mandates']['n']})"
            f" at threshold {k['new_mandates']['threshold']}: precedent fires on {k['new_mandates']['fires']}, "
            f"right there {k['new_mandates']['precedent_accuracy_where_fired']} vs the model's "
            f"{k['new_mandates']['model_accuracy_where_fired']}",
        ])
    return "\n".join(lines)


def ask_all(examples: Sequence[Example], embedder: Embedder, config: FeatureConfig = DEFAULT_CONFIG,
            annex_proba: dict[int, np.ndarray] | None = None, annex_folds: Sequence[Sequence[str]] = ()) -> dict:
    """Every question above, on one encoded corpus; Annex II figures from cross_validate's probabilities."""
    from models.labelling import PASS1_PATH, PASS2_PATH, V3_BLIND_PATH, agreement, load_labels
    from models.training_data import guideline_areas

    corpus = Corpus.of(examples, embedder)
    q: dict = {}
    if annex_proba:
        q["annex_ii"] = annex_ii_figures(corpus, annex_proba, annex_folds)
    new_rows: list[int] = []
    new_area: list[str] = []
    if any(e.origin == "guideline" for e in corpus.examples):
        q["guideline"], proba, target = guideline_cv(corpus, guideline_areas(), config)
        if PASS2_PATH.exists():
            second = load_labels(PASS2_PATH)
            q["agreement"] = agreement(load_labels(PASS1_PATH, as_of="pass1"), second)
            q["agreement_after_settling"] = agreement(load_labels(PASS1_PATH, as_of="v2"), second)
        if V3_BLIND_PATH.exists():
            q["agreement_v3"] = agreement(load_labels(PASS1_PATH), load_labels(V3_BLIND_PATH))
        annex_groups = {e.group for e in corpus.examples if e.origin == "annex_ii"}
        for k, i in enumerate(target):
            if corpus.examples[i].group not in annex_groups:
                new_rows.append(i)
                new_area.append(ACTION_AREAS[int(proba[k].argmax())])
    q["sessions"] = leave_one_session_out(corpus, config)
    q["known_mandate"] = known_mandate(corpus, config, new_rows, new_area)
    return q
