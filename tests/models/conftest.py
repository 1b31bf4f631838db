"""Session-wide fixtures: the real extractor's Annex II, the default embedder, and a model trained
without one resolution (so tests score it on text it never saw). Each is built once per session."""

from __future__ import annotations

import pytest

HELD_OUT = "3/4"  # resolution whose Annex II rows are kept out of training in held_out_model


@pytest.fixture(scope="session")
def annex_mandates():
    from models.training_data import annex_ii_mandates

    return annex_ii_mandates()


@pytest.fixture(scope="session")
def training_examples(annex_mandates):
    from models.training_data import annex_ii_examples, area_description_examples, en_pair_examples

    return annex_ii_examples(annex_mandates) + en_pair_examples(annex_mandates) + area_description_examples()


@pytest.fixture(scope="session")
def embedder():
    from models.embedders import get_default_embedder

    return get_default_embedder()


@pytest.fixture(scope="session")
def held_out_model(training_examples, embedder):
    """Trained exactly like the shipped model (minus the rule-labelled actor rows, for speed), without
    any row of resolution HELD_OUT."""
    from models.classifiers import train_classifier
    from models.evaluate import prototype_texts, sample_weights

    train = [e for e in training_examples if e.group != HELD_OUT]
    return train_classifier(
        [e.text for e in train], [e.action_area for e in train], [e.actor for e in train],
        prototype_texts(train), embedder, sample_weight=sample_weights(train),
    )


@pytest.fixture(scope="session")
def shipped_classifier():
    from models.classifiers import get_default_classifier

    return get_default_classifier()
