"""The label precedence, applied once, for every path that labels mandates.

1. the classifier's labels (`Classifier.label`: inside models, the document's stated labels, then the
   extractor's rules, the known mandates and the model fill what is still open);
2. maintainers' reviewed labels on top (`ReviewedLabelStore.apply`: corpus.corrections.ReviewedLabels,
   matched by mandate identity — id, else resolution, text and addressee).

Ingest, upload, re-index, a review, the plan from files, `extract` and `classify` all go through a
`Labeller`; nothing outside `labelling/` and `models/` calls `.label(` on a classifier or `.apply(` on
reviewed labels (tests/test_layers.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from extractors.schema import Mandate

if TYPE_CHECKING:
    from corpus.corrections import Correction


class Classifier(Protocol):
    """What labelling needs of a classifier (models.classifiers.MandateClassifier is one)."""

    def label(self, mandates: list[Mandate], embeddings: Any = None) -> list[Mandate]:
        """The mandates with what their document and the rules left open filled in."""
        ...

    @property
    def area_calibration(self) -> dict | None:
        """The area threshold and margin that agreed versions' averaged areas are read with."""
        ...


class ReviewedLabelStore(Protocol):
    """What labelling needs of the reviewed labels (corpus.corrections.ReviewedLabels is one)."""

    def apply(self, mandates: list[Mandate]) -> list[Mandate]:
        """The mandates with their reviewed labels in place."""
        ...


@dataclass(frozen=True)
class Labeller:
    """The classifier's labels, then the reviewed labels on top; either step is skipped when it is None
    (`classifier=None`: document-stated and rule labels only, as `--no-classify` or a classifier that
    cannot load)."""

    classifier: Classifier | None = None
    reviewed: ReviewedLabelStore | None = None

    def label(self, mandates: list[Mandate], embeddings: Any = None) -> list[Mandate]:
        """The mandates labelled; `embeddings`: their texts' vectors from the classifier's own encoder,
        when the caller has them (else the classifier encodes them)."""
        mandates = list(mandates)
        if self.classifier is not None and mandates:
            if embeddings is None:
                mandates = self.classifier.label(mandates)
            else:
                mandates = self.classifier.label(mandates, embeddings)
        return self.reviewed.apply(mandates) if self.reviewed is not None else mandates

    @property
    def area_calibration(self) -> dict | None:
        """The classifier's area threshold and margin (None without a classifier, or one that has none)."""
        return getattr(self.classifier, "area_calibration", None) if self.classifier is not None else None


@dataclass(frozen=True)
class LabelFunction:
    """A bare labelling function (a held-out model's `label`, an evaluation's baseline) as a Classifier."""

    function: Callable[[list[Mandate]], list[Mandate]]
    area_calibration: dict | None = None

    def label(self, mandates: list[Mandate], embeddings: Any = None) -> list[Mandate]:
        return self.function(mandates)


class TextReviewedLabels(Protocol):
    """Reviewed labels looked up by text (corpus.corrections.ReviewedLabels is one)."""

    def for_text(self, text: str, actor_text: str | None) -> list[Correction]:
        """Corrections of any mandate with this text (whitespace aside) and addressee, oldest first."""
        ...


class ReviewedByText:
    """Reviewed labels matched by text for a draft, which has no identity (no document, no resolution):
    a draft mandate whose text (whitespace aside) and addressee are a reviewed mandate's gets its reviewed
    labels, the latest correction winning when the same sentence was reviewed in several resolutions."""

    def __init__(self, reviewed: TextReviewedLabels) -> None:
        self.reviewed = reviewed

    def apply(self, mandates: list[Mandate]) -> list[Mandate]:
        from corpus.corrections import apply_changes, fold

        out = []
        for mandate in mandates:
            found = self.reviewed.for_text(mandate.text, mandate.actor_text)
            out.append(apply_changes(mandate, fold(found)) if found else mandate)
        return out
