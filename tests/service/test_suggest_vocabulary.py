"""The spelling vocabulary follows the index: rebuilt after any change, also one that keeps the
document and mandate counts (a changed text re-ingested), and read in one pass (iter_mandates)."""

from __future__ import annotations

from pathlib import Path

from service.usecases.suggest import Vocabulary
from tests.index.backends import open_backend
from tests.index.real_mandates import full_corpus


def test_a_changed_text_with_the_same_counts_changes_the_vocabulary(tmp_path: Path) -> None:
    index = open_backend("sqlite", tmp_path)
    try:
        document, mandates = full_corpus()[1]
        index.replace_document(document, mandates)
        vocabulary = Vocabulary()
        before = vocabulary.words(index)
        assert "mercury" not in before and vocabulary.words(index) is before  # unchanged index: kept
        changed = [mandates[0].model_copy(update={"text": mandates[0].text + " Mercury."}), *mandates[1:]]
        index.replace_document(document, changed)
        assert index.stats().mandates == len(mandates)
        assert "mercury" in vocabulary.words(index)
    finally:
        index.close()
