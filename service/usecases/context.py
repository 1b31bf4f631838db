"""A mandate in context: the mandate, its neighbours in the same resolution, its other-language versions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from extractors.operative_leads import lead_class
from extractors.schema import Mandate
from index.base import MandateIndex, SearchQuery
from models.version_agreement import reading_of
from service.usecases.errors import NotFound
from service.usecases.results import (
    CitedMandate,
    ContextEntry,
    MandateDetail,
    OtherLanguageVersion,
    ReviewEntry,
)

if TYPE_CHECKING:
    from corpus.corrections import ReviewedLabels

# How many neighbours on each side of a mandate its page shows.
CONTEXT_WINDOW = 3
# How many nearest other-language mandates to offer when no paragraph number matches.
CLOSEST = 2


def mandate_in_context(index: MandateIndex, mandate_id: str, reviewed: ReviewedLabels | None = None) -> MandateDetail:
    """`reviewed`: the stored corrections, for the mandate's history (none shown without)."""
    mandate = index.get(mandate_id)
    if mandate is None:
        raise NotFound(f"no mandate with id {mandate_id!r}")
    return MandateDetail(
        mandate=CitedMandate.of(mandate),
        document=index.get_document(mandate.document),
        context=_context(index, mandate),
        other_languages=_other_languages(index, mandate),
        history=[] if reviewed is None else _history(reviewed, mandate, index),
    )


def _history(reviewed: ReviewedLabels, mandate: Mandate, index: MandateIndex) -> list[ReviewEntry]:
    present = [m.id for m in index.mandates_of(mandate.document)] if reviewed.corrections else []
    return [
        ReviewEntry(id=c.id, at=c.at, reviewer=c.reviewer, changes=c.changes, previous=c.previous, note=c.note)
        for c in reviewed.for_mandate(mandate, present)
    ]


def _context(index: MandateIndex, mandate: Mandate) -> list[ContextEntry]:
    siblings = [m for m in index.mandates_of(mandate.document) if m.resolution == mandate.resolution]
    position = next((i for i, m in enumerate(siblings) if m.id == mandate.id), None)
    if position is None:
        return []
    window = siblings[max(0, position - CONTEXT_WINDOW) : position + CONTEXT_WINDOW + 1]
    return [
        ContextEntry(
            id=m.id, paragraph=m.paragraph, citation=m.citation, text=m.text, current=m.id == mandate.id
        )
        for m in window
    ]


_COMPARED_LABELS = ("actor", "action_area", "verb_class")


def _reading(mandate: Mandate, name: str) -> str | None:
    if name == "verb_class":  # "Requests", "Prie", "请": one class (request | call | decide | commit)
        return lead_class(mandate.verb, mandate.language)
    # its own language's reading, kept beside the labels the versions agreed on (models.version_agreement)
    return reading_of(mandate, name)


def _disagreeing(mandate: Mandate, version: Mandate) -> list[str]:
    """The labels another language's version reads otherwise (each reading is its own language's)."""
    readings = [(name, _reading(mandate, name), _reading(version, name)) for name in _COMPARED_LABELS]
    # a mandate table's bullet has no lead verb: no verb class to disagree with
    return [name for name, mine, theirs in readings
            if mine != theirs and (name != "verb_class" or None not in (mine, theirs))]


def _other_languages(index: MandateIndex, mandate: Mandate) -> list[OtherLanguageVersion]:
    """The mandate in the resolution's other indexed languages.

    The same resolution symbol and paragraph number is the same paragraph. Without one (a mandate
    table's bullet has no number; numbering can differ between versions) the nearest mandates by
    meaning within that resolution's other-language mandates are offered, marked "closest".
    """
    same_resolution = {"resolution": [mandate.resolution]}
    languages = index.facets(SearchQuery(filters=same_resolution)).get("language", {})
    others = sorted(lang for lang in languages if lang != mandate.language)
    if not others:
        return []
    filters = {**same_resolution, "language": others}
    if mandate.paragraph:
        found = index.search(SearchQuery(filters=filters, limit=1000))
        exact = [h.mandate for h in found.hits if h.mandate.paragraph == mandate.paragraph]
        if exact:
            return [OtherLanguageVersion(match="paragraph", mandate=CitedMandate.of(m), disagrees=_disagreeing(mandate, m))
                    for m in exact]
    closest = index.search(SearchQuery(q=mandate.text, mode="semantic", filters=filters, limit=CLOSEST))
    return [
        OtherLanguageVersion(
            match="closest", score=h.similarity if h.similarity is not None else h.score, mandate=CitedMandate.of(h.mandate), disagrees=_disagreeing(mandate, h.mandate)
        )
        for h in closest.hits
    ]
