"""Issue 23 sweep: what the classifier's embedding reads (FeatureConfig.span) and the settings beside it.

    .venv/bin/python -m experiments.span_settings NAME [NAME ...]

Rows without "UN labels" leave the guideline_un rows out (they were added to training after this sweep).
Each row: Annex II grouped 5-fold CV (zh, strict macro-F1 and any-listed), the English guideline-set grouped
CV (primary-area macro-F1), the 38 English pairs, and leave-one-session-out on Annex II (UNEA-1/2/3), all on
the shipped training sources (models.train.all_examples) at guideline weight 0.25 (the weight before this sweep),
only the named setting changed. The shipped choice is "sub-item + UN labels, guideline weight 0.5".
"""

from __future__ import annotations

import sys
from dataclasses import replace

from models import evaluate
from models.classifiers import DEFAULT_CONFIG
from models.evaluate import cross_validate
from models.evaluate_questions import Corpus, guideline_cv, leave_one_session_out
from models.train import all_examples, training_embedder
from models.training_data import guideline_areas
from service.settings import Settings

SETTINGS: dict[str, dict] = {
    "whole-text": {"span": ""},
    "sub-item": {"span": "sub_item"},
    "act": {"span": "act"},
    "sub-item + whole 0.5": {"span": "sub_item", "w_whole": 0.5},
    "sub-item + whole 1": {"span": "sub_item", "w_whole": 1.0},
    "act + whole 0.5": {"span": "act", "w_whole": 0.5},
    "act + whole 1": {"span": "act", "w_whole": 1.0},
    "sub-item + UN labels": {"span": "sub_item", "extra": "guideline_un"},
    "whole-text + UN labels": {"span": "", "extra": "guideline_un"},
    "act + UN labels": {"span": "act", "extra": "guideline_un"},
    "sub-item + UN labels, guideline weight 0.5": {"span": "sub_item", "extra": "guideline_un",
                                                   "weights": {"GUIDELINE_WEIGHT": 0.5}},
    "whole-text + UN labels, guideline weight 0.5": {"span": "", "extra": "guideline_un",
                                                     "weights": {"GUIDELINE_WEIGHT": 0.5}},
    "sub-item + UN labels, guideline weight 0.15": {"span": "sub_item", "extra": "guideline_un",
                                                    "weights": {"GUIDELINE_WEIGHT": 0.15}},
}


def run(name: str) -> str:
    setting = dict(SETTINGS[name])
    extra = setting.pop("extra", None)
    weights = {"GUIDELINE_WEIGHT": 0.25, **setting.pop("weights", {})}  # the sweep's base: the weight before it
    saved = {k: getattr(evaluate, k) for k in weights}
    for k, v in weights.items():
        setattr(evaluate, k, v)
    try:
        return _run(name, setting, extra)
    finally:
        for k, v in saved.items():
            setattr(evaluate, k, v)


def _run(name: str, setting: dict, extra: str | None) -> str:
    config = replace(DEFAULT_CONFIG, **setting)
    examples = all_examples()
    if extra != "guideline_un":  # the GA PDFs' and UN Parallel lines' labels (training only, never scored)
        examples = [e for e in examples if e.origin != "guideline_un"]
    embedder = training_embedder(Settings.from_env().vector_cache)
    report = cross_validate(examples, embedder, config)
    zh, en = report["languages"]["zh"], report["languages"]["en"]
    corpus = Corpus.of(examples, embedder)
    figures, _, _ = guideline_cv(corpus, guideline_areas(), config)
    loso = leave_one_session_out(corpus, config)
    sessions = " ".join(f"{k}={v['macro_f1']:.3f}" for k, v in sorted(loso.items()))
    s = figures["strict"]
    return (f"| {name} | {zh['action_area']['model']['macro_f1']:.3f} | {zh['action_area_any_listed']['macro_f1']:.3f} "
            f"| {s['macro_f1']:.3f} (infra {s['per_label_f1'].get('infrastructure', 0):.2f}) "
            f"| {en['action_area']['model']['macro_f1']:.3f} | {sessions} |")


if __name__ == "__main__":
    print("| setting | zh Annex II CV | zh any-listed | en guideline CV | en pairs | leave-one-session-out |")
    for arg in sys.argv[1:] or list(SETTINGS):
        print(run(arg), flush=True)
