"""The experiments run on the same real training rows as the model tests."""

from tests.models.conftest import annex_mandates, training_examples  # noqa: F401 - fixtures
