"""Classify a draft: find its mandates (extractors), label them (the classifier), add precedents (index).

One use case for `POST /v1/classify` and `unea-mandates classify`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from extractors.schema import SUPPORTED_LANGUAGES, Mandate
from index.base import MandateIndex
from service.usecases.errors import InvalidRequest, TooLarge
from service.usecases.precedents import PRECEDENTS, precedents_of
from service.usecases.results import (
    ClassifiedMandate,
    ClassifyRequest,
    DraftClassification,
    WholeTextReading,
)

if TYPE_CHECKING:
    from corpus.corrections import ReviewedLabels
    from models.classifiers import MandateClassifier
    from models.embedders import Embedder


def classify_draft(
    request: ClassifyRequest,
    classifier: MandateClassifier,
    index: MandateIndex | None = None,
    *,
    max_chars: int | None = None,
    whole_text: bool = False,
    precedents: int = PRECEDENTS,
    reviewed: ReviewedLabels | None = None,
    embedder: Embedder | None = None,
) -> DraftClassification:
    """The draft's mandates, labelled; with `index`, each with its closest indexed precedents;
    with `whole_text`, also the draft read as one text. With `reviewed` (the stored corrections), a
    mandate whose text is a reviewed mandate's (whitespace aside) gets its reviewed labels. With
    `embedder` (the index's), each mandate is embedded once, for the classifier and its precedents
    both, when the classifier was fitted on that embedder's model."""
    text = request.text
    if max_chars is not None and len(text) > max_chars:
        raise TooLarge(f"text is {len(text)} characters; the limit is {max_chars}")
    from extractors.pipeline import extract_draft  # lazily: loads the language tools

    language = (request.language or "").strip().lower() or None
    if language is not None and language not in SUPPORTED_LANGUAGES:
        raise InvalidRequest(f"language {language!r} is not supported; the supported languages are "
                             f"{', '.join(sorted(SUPPORTED_LANGUAGES))} (the six UN languages)")
    mandates = extract_draft(text, language=language)
    vectors = None
    if mandates and index is not None and precedents and embedder is not None and embedder.name == classifier.embedder_name:
        vectors = embedder.encode([m.text for m in mandates])
    if mandates:
        mandates = classifier.label(mandates, vectors)
    if reviewed is not None:
        mandates = with_reviewed_text_labels(reviewed, mandates)
    out = []
    for i, mandate in enumerate(mandates):
        item = ClassifiedMandate(
            **{k: v for k, v in mandate.model_dump().items() if k in ClassifiedMandate.model_fields}
        )
        if index is not None and precedents:
            vector = None if vectors is None else vectors[i].tolist()
            item.precedents = precedents_of(index, mandate.text, mandate.language, precedents, vector, embedder)
        out.append(item)
    whole = _whole_text(text, classifier, mandates) if whole_text else None
    return DraftClassification(text=text, mandates=out, whole=whole)


def with_reviewed_text_labels(reviewed: ReviewedLabels, mandates: list[Mandate]) -> list[Mandate]:
    """Each mandate with the reviewed labels of an identical reviewed text with the same addressee,
    if any (the latest correction wins when that text was reviewed in several resolutions)."""
    from corpus.corrections import apply_changes, fold

    out = []
    for mandate in mandates:
        found = reviewed.for_text(mandate.text, mandate.actor_text)
        out.append(apply_changes(mandate, fold(found)) if found else mandate)
    return out


def _whole_text(text: str, classifier: MandateClassifier, mandates: list[Mandate]) -> WholeTextReading:
    whole = classifier.predict([text])[0]
    actor, actor_text, actor_source = whole.actor, whole.actor_text, whole.actor_source
    if len(mandates) == 1 and mandates[0].actor is not None:  # one mandate: its own subject speaks
        actor, actor_text, actor_source = mandates[0].actor, mandates[0].actor_text, mandates[0].actor_source
    return WholeTextReading(
        actor=actor,
        actor_text=actor_text,
        actor_source=actor_source,
        with_partners=whole.with_partners or any(m.with_partners for m in mandates),
        action_area=whole.action_area,
        scores=whole.scores,
        action_areas=whole.action_areas,
        uncertain=whole.uncertain,
        action_area_source=whole.action_area_source,
        action_area_precedent=whole.precedent.citation if whole.precedent else None,
    )
