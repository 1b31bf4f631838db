"""Learning curve of the shipped classifier on Annex II: how the grouped-CV figures grow with the number of
labelled resolutions the model is trained on. Not used by the product.

Same outer folds as models.evaluate (GroupKFold(5) over the 17 resolutions); inside each outer fold only a
random share of the training resolutions' Annex II / English-pair rows is kept (descriptions and
rule-labelled English actors always train, as in the shipped model), repeated over seeds. Run from the
repository root:

    .venv/bin/python -m experiments.learning_curve
"""

from __future__ import annotations

import json
import random
import warnings

import numpy as np

from extractors.schema import ACTION_AREAS
from models.classifiers import DEFAULT_CONFIG, train_classifier
from models.evaluate import SCORED_ORIGINS, fold_plan, prototype_texts, sample_weights, scores_for
from models.train import all_examples, training_embedder

SHARES = (0.25, 0.5, 0.75, 1.0)
SEEDS = (0, 1, 2)


def main() -> None:
    warnings.filterwarnings("ignore")
    examples = all_examples()
    vectors = training_embedder().encode([e.text for e in examples])
    weights = sample_weights(examples)
    scored = [i for i, e in enumerate(examples) if e.origin in SCORED_ORIGINS]
    always = [i for i, e in enumerate(examples) if e.origin not in SCORED_ORIGINS]
    plan = fold_plan([examples[i].group for i in scored if examples[i].origin == "annex_ii"])
    zh = [i for i in scored if examples[i].language == "zh"]
    results = []
    for share in SHARES:
        for seed in SEEDS if share < 1 else (0,):
            rng = random.Random(seed)
            area_pred: dict[int, str] = {}
            actor_pred: dict[int, str] = {}
            n_groups = []
            for test_groups in plan.test_groups:
                test = [i for i in scored if examples[i].group in set(test_groups)]
                pool = sorted({examples[i].group for i in scored} - set(test_groups))
                kept = set(rng.sample(pool, max(2, round(share * len(pool)))))
                n_groups.append(len(kept))
                train = [i for i in scored if examples[i].group in kept] + always
                tr = [examples[i] for i in train]
                model = train_classifier([e.text for e in tr], [e.action_area for e in tr], [e.actor for e in tr],
                                         prototype_texts(tr), training_embedder(), DEFAULT_CONFIG,
                                         sample_weight=weights[train], embeddings=vectors[train])
                texts = [examples[i].text for i in test]
                area = model.area_proba(texts, vectors[test])
                actor = model.actor_proba(texts, model.features.transform(texts, vectors[test]))
                for k, i in enumerate(test):
                    area_pred[i] = ACTION_AREAS[int(area[k].argmax())]
                    actor_pred[i] = model.actor_head.classes[int(actor[k].argmax())]
            a = scores_for([examples[i].action_area for i in zh], [area_pred[i] for i in zh], ACTION_AREAS)
            b = scores_for([examples[i].actor for i in zh], [actor_pred[i] for i in zh], ("unep", "member_states"))
            results.append({"share": share, "seed": seed, "mean_training_resolutions": float(np.mean(n_groups)),
                            "zh_area_macro_f1": a["macro_f1"], "zh_actor_accuracy": b["accuracy"]})
            print(json.dumps(results[-1]), flush=True)
    print("share  resolutions  zh area macro-F1 (mean over seeds)  zh actor accuracy")
    for share in SHARES:
        rows = [r for r in results if r["share"] == share]
        print(f"{share:5.2f}  {rows[0]['mean_training_resolutions']:11.1f}  "
              f"{np.mean([r['zh_area_macro_f1'] for r in rows]):.3f} ± {np.std([r['zh_area_macro_f1'] for r in rows]):.3f}"
              f"                      {np.mean([r['zh_actor_accuracy'] for r in rows]):.3f}")


if __name__ == "__main__":
    main()
