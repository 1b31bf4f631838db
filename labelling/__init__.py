"""Between the stores and the service: how mandates get their labels, decided in one place.

`Labeller` (labeller.py) applies the label precedence once — the classifier's labels, then maintainers'
reviewed labels on top; `ingest` (batch ingest, upload, re-index) and `versions` (a paragraph's language
versions agreed in the index) label through it and write through any index.MandateIndex.
"""

from __future__ import annotations

from labelling.labeller import (
    Classifier,
    LabelFunction,
    Labeller,
    ReviewedByText,
    ReviewedLabelStore,
    TextReviewedLabels,
)

__all__ = ["Classifier", "LabelFunction", "Labeller", "ReviewedByText", "ReviewedLabelStore", "TextReviewedLabels"]
