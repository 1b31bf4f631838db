"""Shared by the ingest / reindex / search commands: open the configured index, store, classifier."""

from __future__ import annotations

import sys
from typing import Any


def open_configured_index() -> Any:
    from index import open_index

    return open_index()


def open_store() -> Any:
    from corpus.registry import DocumentStore, default_home

    return DocumentStore(default_home())


def load_classifier(enabled: bool = True) -> Any:
    """The shipped classifier, or None (with a warning) when it is not available yet."""
    if not enabled:
        return None
    try:
        from models.classifiers import get_default_classifier

        return get_default_classifier()
    except Exception as exc:  # no module or no shipped weights: index with document-stated labels
        print(
            f"warning: classifier unavailable ({exc}); indexing document-stated labels only", file=sys.stderr
        )
        return None
