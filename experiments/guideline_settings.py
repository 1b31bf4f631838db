"""Round-4 settings sweep: Annex II grouped CV (zh strict macro-F1) and the English guideline-set grouped CV
(primary-area macro-F1) for one setting at a time.

    .venv/bin/python -m experiments.guideline_settings NAME [NAME ...]

Each NAME is a key of SETTINGS; rows print as the model card's table rows. The base of every row is the
round-4 candidate with the seed's Annex IV in training at weight 0.5 and guideline rows at weight 0.5 (the
weights in force when the sweep ran); "shipped-round-4" is that base.
"""

from __future__ import annotations

import sys
from dataclasses import replace

from models import evaluate
from models.classifiers import DEFAULT_CONFIG
from models.evaluate import cross_validate
from models.evaluate_questions import Corpus, guideline_cv
from models.train import all_examples, training_embedder
from models.training_data import guideline_areas
from service.settings import Settings

SETTINGS: dict[str, dict] = {
    "shipped-round-4": {},
    "guideline-weight-0.25": {"weights": {"GUIDELINE_WEIGHT": 0.25}},
    "guideline-weight-0.5": {"weights": {"GUIDELINE_WEIGHT": 0.5}},
    "guideline-weight-1": {"weights": {"GUIDELINE_WEIGHT": 1.0}},
    "no-guideline": {"drop": {"guideline"}},
    "no-annex-iv": {"drop": {"annex_iv"}},
    "annex-iv-weight-1": {"weights": {"ANNEX_IV_WEIGHT": 1.0}},
    "C-3": {"config": {"C": 3.0}},
    "C-30": {"config": {"C": 30.0}},
    "no-area-cues": {"config": {"w_area_cues": 0.0}},
    "embedding-weight-2": {"config": {"w_emb": 2.0}},
    "char-2-4": {"config": {"ngram_min": 2, "ngram_max": 4}},
    "guideline-weight-1e-4 (labels ~off; English still scored)": {"weights": {"GUIDELINE_WEIGHT": 1e-4}},
    "no-annex-iv, guideline-weight-0.25": {"drop": {"annex_iv"}, "weights": {"GUIDELINE_WEIGHT": 0.25}},
    "no-annex-iv, C-3": {"drop": {"annex_iv"}, "config": {"C": 3.0}},
    "annex-iv-weight-0.25": {"weights": {"ANNEX_IV_WEIGHT": 0.25}},
    "no-annex-iv, no-area-cues": {"drop": {"annex_iv"}, "config": {"w_area_cues": 0.0}},
}


def run(name: str) -> str:
    setting = SETTINGS[name]
    weights = {"GUIDELINE_WEIGHT": 0.5, "ANNEX_IV_WEIGHT": 0.5, **setting.get("weights", {})}
    saved = {k: getattr(evaluate, k) for k in weights}
    for k, v in weights.items():
        setattr(evaluate, k, v)
    try:
        config = replace(DEFAULT_CONFIG, **setting.get("config", {}))
        examples = [e for e in all_examples(annex_iv=True) if e.origin not in setting.get("drop", set())]
        embedder = training_embedder(Settings.from_env().vector_cache)
        zh = cross_validate(examples, embedder, config)["languages"]["zh"]["action_area"]["model"]
        en = "—"
        if any(e.origin == "guideline" for e in examples):
            figures, _, _ = guideline_cv(Corpus.of(examples, embedder), guideline_areas(), config)
            s = figures["strict"]
            en = f"{s['macro_f1']:.3f} (infra {s['per_label_f1'].get('infrastructure', 0):.2f})"
        return f"| {name} | {zh['macro_f1']:.3f} (infra {zh['per_label_f1'].get('infrastructure', 0):.2f}) | {en} |"
    finally:
        for k, v in saved.items():
            setattr(evaluate, k, v)


if __name__ == "__main__":
    for arg in sys.argv[1:] or list(SETTINGS):
        print(run(arg), flush=True)
