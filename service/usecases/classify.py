"""Classify a draft: find its mandates (extractors), label them (labelling.Labeller), add precedents (index).

One use case for `POST /v1/classify` and `unea-mandates classify`.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from extractors.schema import UN_LANGUAGES, Mandate
from index.base import MandateIndex
from labelling import Labeller, ReviewedByText
from service.usecases.errors import InvalidRequest, TooLarge
from service.usecases.precedents import PRECEDENTS, precedents_of
from service.usecases.results import (
    ClassifiedMandate,
    ClassifyRequest,
    DraftClassification,
    WholeTextReading,
)

# The source of a draft's top-level reading that summarises its mandates' own labels.
MANDATES = "mandates"

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
    if language is not None and language not in UN_LANGUAGES:
        raise InvalidRequest(f"language {language!r} is not supported; the supported languages are "
                             f"{', '.join(sorted(UN_LANGUAGES))} (the six UN languages)")
    if not text.strip():
        raise InvalidRequest("the text is empty: send a draft paragraph (or several)")
    mandates = extract_draft(text, language=language)
    note = None if mandates else _why_no_mandate(text, language)
    vectors = None
    if mandates and index is not None and precedents and embedder is not None and embedder.name == classifier.embedder_name:
        vectors = embedder.encode([m.text for m in mandates])
    # A draft has no identity (no document, no resolution): its reviewed labels are matched by text and
    # addressee (ReviewedByText), not by mandate identity as an indexed document's are.
    labeller = Labeller(classifier, ReviewedByText(reviewed) if reviewed is not None else None)
    mandates = labeller.label(mandates, vectors)
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
    return DraftClassification(text=text, mandates=out, whole=whole, note=note)


def _why_no_mandate(text: str, language: str | None) -> str:
    """Why a draft gave no mandate, for a person; InvalidRequest (422) when it is in another language than
    the six (as for a `language` given outside them)."""
    from extractors.language import other_language

    other = other_language(text) if language is None else None
    if other is not None:
        raise InvalidRequest(f"the text reads as language {other!r}, not one of the six UN languages "
                             f"({', '.join(sorted(UN_LANGUAGES))}); mandates are found in those only")
    return ("no mandate found: no paragraph opens with an operative verb addressed to someone (\"Requests the "
            "Executive Director to …\", \"Urges Member States to …\", \"请执行主任……\"); preambular paragraphs "
            "(\"Recalling …\", \"Noting …\") ask nothing of anyone")


def _whole_text(text: str, classifier: MandateClassifier, mandates: list[Mandate]) -> WholeTextReading:
    """The draft as one reading: with mandates, their summary (source "mandates"): their common
    actor and area, or null with the list when they differ, so the top never contradicts the
    mandates it sits above; only with none found does the model read the whole text."""
    if mandates:
        return _summary_of(mandates)
    whole = classifier.predict([text])[0]
    return WholeTextReading(
        actor=whole.actor,
        actors=[whole.actor] if whole.actor else [],
        actor_text=whole.actor_text,
        actor_source=whole.actor_source,
        with_partners=whole.with_partners,
        action_area=whole.action_area,
        scores=whole.scores,
        action_areas=whole.action_areas,
        uncertain=whole.uncertain,
        action_area_source=whole.action_area_source,
        action_area_precedent=whole.precedent.citation if whole.precedent else None,
    )


def _summary_of(mandates: list[Mandate]) -> WholeTextReading:
    actors = list(dict.fromkeys(m.actor for m in mandates if m.actor is not None))
    # the most frequent area first; ties in the order they first appear
    counts = Counter(m.action_area for m in mandates if m.action_area is not None)
    areas = sorted(counts, key=lambda area: -counts[area])
    texts = {m.actor_text for m in mandates if m.actor is not None}
    return WholeTextReading(
        actor=actors[0] if len(actors) == 1 else None,
        actors=actors,
        actor_text=texts.pop() if len(actors) == 1 and len(texts) == 1 else None,
        actor_source=MANDATES,
        with_partners=any(m.with_partners for m in mandates),
        action_area=areas[0] if len(areas) == 1 else None,
        scores=None,
        action_areas=areas,
        uncertain=any(bool(m.uncertain) for m in mandates),
        action_area_source=MANDATES,
        action_area_precedent=None,
    )
