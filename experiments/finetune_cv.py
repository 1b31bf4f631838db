"""Grouped-CV harness for fine-tuning the USE encoder's sentence-level layers (issue 3's "fine-tuning" idea).

Not used by the product. Same folds and training rows as models.evaluate.cross_validate; inside each fold
the encoder's head (models.use_torch.HEAD) is fine-tuned on that fold's training rows only, then the
shipped classifier (TF-IDF + embedding + prototypes + cues, DEFAULT_CONFIG) is trained on the fine-tuned
embeddings and scored on the held-out resolutions. Run from the repository root:

    .venv/bin/python -m experiments.finetune_cv ce --epochs 20 --lr 3e-4
    .venv/bin/python -m experiments.finetune_cv setfit --epochs 2
"""

from __future__ import annotations

import argparse
import json
import random
import time
import warnings

import numpy as np
import torch

from experiments.finetune import FinetuneConfig, finetune_head
from experiments.use_torch import UseTorch
from extractors.schema import ACTION_AREAS
from models.classifiers import DEFAULT_CONFIG, train_classifier
from models.evaluate import SCORED_ORIGINS, fold_plan, prototype_texts, sample_weights, scores_for
from models.train import all_examples


class _LookupEmbedder:
    """Vectors of known texts (the fold's fine-tuned embeddings), for TextFeatures.fit's prototypes."""

    name = "lookup"

    def __init__(self, table: dict[str, np.ndarray]):
        self.table = table
        self.dim = len(next(iter(table.values())))

    def encode(self, texts):
        return np.stack([self.table[t] for t in texts])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("loss", choices=["ce", "setfit", "none"])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--l2sp", type=float, default=0.0)
    parser.add_argument("--actor-weight", type=float, default=1.0)
    parser.add_argument("--concat", action="store_true", help="embedding = [original | fine-tuned] / sqrt 2")
    parser.add_argument("--base-actor", action="store_true",
                        help="actor predictions from the pretrained embeddings (fine-tuned ones for area only)")
    parser.add_argument("--full", action="store_true", help="fine-tune the whole encoder, not only its head")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    torch.set_num_threads(1)

    examples = all_examples()
    texts = [e.text for e in examples]
    encoder = UseTorch()
    t0 = time.time()
    sums, lengths = encoder.sums(texts)
    base = encoder.head(sums, lengths).detach().numpy()
    print(f"sums of {len(texts)} texts in {time.time() - t0:.1f}s", flush=True)
    scored = [i for i, e in enumerate(examples) if e.origin in SCORED_ORIGINS]
    train_only = [i for i, e in enumerate(examples) if e.origin not in SCORED_ORIGINS]
    plan = fold_plan([examples[i].group for i in scored if examples[i].origin == "annex_ii"], args.folds)
    weights = sample_weights(examples)
    pred_area: dict[int, str] = {}
    pred_actor: dict[int, str] = {}
    config = FinetuneConfig(loss=args.loss, epochs=args.epochs, lr=args.lr, l2sp=args.l2sp,
                            actor_weight=args.actor_weight, seed=args.seed)
    for test_groups in plan.test_groups:
        test = [i for i in scored if examples[i].group in set(test_groups)]
        train = [i for i in scored if examples[i].group not in set(test_groups)] + train_only
        random.seed(args.seed)
        t0 = time.time()
        if args.loss == "none":
            vectors = base
        else:
            head = finetune_head(encoder, sums[train], lengths[train], [examples[i].action_area for i in train],
                                 [examples[i].actor for i in train], weights[train], config,
                                 texts=[texts[i] for i in train] if args.full else None)
            with torch.no_grad():
                vectors = head.encode(texts) if args.full else head(sums, lengths).numpy()
        if args.concat:
            vectors = np.hstack([base, vectors]) / np.sqrt(2)
        table = {texts[i]: vectors[i] for i in range(len(texts))}
        tr = [examples[i] for i in train]
        model = train_classifier([e.text for e in tr], [e.action_area for e in tr], [e.actor for e in tr],
                                 prototype_texts(tr), _LookupEmbedder(table), DEFAULT_CONFIG,
                                 sample_weight=weights[train], embeddings=vectors[train])
        test_texts = [texts[i] for i in test]
        area = model.area_proba(test_texts, vectors[test])
        actor = model.actor_proba(test_texts, model.features.transform(test_texts, vectors[test]))
        if args.base_actor:
            base_model = train_classifier([e.text for e in tr], [e.action_area for e in tr], [e.actor for e in tr],
                                          prototype_texts(tr), _LookupEmbedder({t: base[i] for i, t in enumerate(texts)}),
                                          DEFAULT_CONFIG, sample_weight=weights[train], embeddings=base[train])
            actor = base_model.actor_proba(test_texts, base_model.features.transform(test_texts, base[test]))
        for k, i in enumerate(test):
            pred_area[i] = ACTION_AREAS[int(area[k].argmax())]
            pred_actor[i] = model.actor_head.classes[int(actor[k].argmax())]
        print(f"fold {test_groups}: {time.time() - t0:.1f}s", flush=True)
    out = {"args": vars(args)}
    for language in ("zh", "en"):
        rows = [i for i in scored if examples[i].language == language]
        a = scores_for([examples[i].action_area for i in rows], [pred_area[i] for i in rows], ACTION_AREAS)
        b = scores_for([examples[i].actor for i in rows], [pred_actor[i] for i in rows], ("unep", "member_states"))
        out[language] = {"area_macro_f1": a["macro_f1"], "actor_accuracy": b["accuracy"],
                         "per_area_f1": a["per_label_f1"]}
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
