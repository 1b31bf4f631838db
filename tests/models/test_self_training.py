"""Self-training of the area head: unlabelled rows are pseudo-labelled only where the first fit is sure."""

from __future__ import annotations

import numpy as np

from models.classifiers import DEFAULT_CONFIG, train_classifier
from models.evaluate import prototype_texts, sample_weights


def test_sure_unlabelled_rows_join_the_area_head(training_examples, embedder):
    from dataclasses import replace

    from tests.models.conftest import HELD_OUT

    train = [e for e in training_examples if e.group != HELD_OUT]
    # The held-out resolution's bullets, with their labels hidden, stand in for unlabelled text.
    hidden = [e for e in training_examples if e.group == HELD_OUT and e.origin == "annex_ii"]
    texts = [e.text for e in train] + [e.text for e in hidden]
    areas = [e.action_area for e in train] + [""] * len(hidden)
    actors = [e.actor for e in train] + [None] * len(hidden)
    weights = np.concatenate([sample_weights(train), np.full(len(hidden), 0.5)])
    vectors = embedder.encode(texts)

    def fit(threshold):
        return train_classifier(texts, areas, actors, prototype_texts(train), embedder,
                                replace(DEFAULT_CONFIG, self_train=threshold), sample_weight=weights,
                                embeddings=vectors)

    never = fit(1.01)  # no probability reaches it: same as no self-training
    off = fit(0.0)
    sure = fit(0.6)  # the threshold measured in MODEL_CARD.md (off by default: area cues did as well)
    assert np.allclose(never.area_head.coef, off.area_head.coef)
    assert not np.allclose(sure.area_head.coef, off.area_head.coef)
    # Still a sound model on the held-out resolution's knowledge bullet
    assert sure.predict(["报告农药和化肥对环境和健康的影响"])[0].action_area == "knowledge"
