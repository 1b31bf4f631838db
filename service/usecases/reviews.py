"""Reviewers' corrections: a maintainer sets a mandate's actor, action area(s) or with_partners.

A correction is stored first (corpus.corrections, durable), then the mandate's document is written
back to the index with every correction applied, so search, facets and the mandate page show the
reviewed labels at once; ingest and re-index put them back on the rebuilt mandates (labelling.ingest
labels with `services.labeller()`: the classifier, then these). `classify` gives a draft mandate whose
text and addressee are a reviewed mandate's (whitespace aside) the reviewed labels — the latest
correction wins when the same sentence was reviewed in several resolutions.
`labels export` writes them as training rows (origin "reviewed") for `train`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.corrections import Correction, ReviewedLabels, fold, review_text_hash
from extractors.schema import ACTION_AREAS, ACTORS
from index.base import MandateIndex, SearchQuery
from labelling import Labeller
from labelling.versions import agree_versions
from models.version_agreement import own_reading
from service.usecases.context import mandate_in_context
from service.usecases.errors import InvalidLabel, InvalidRequest, NotFound
from service.usecases.labels import code_of
from service.usecases.results import CorrectionRequest, MandateDetail, ReviewedRow
from service.usecases.services import Services

if TYPE_CHECKING:
    from models.training_data import Example

_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")
_PAGE = 1000


def reviewed_labels(services: Services) -> ReviewedLabels:
    """Every stored correction, ready to apply to mandates (ingest, re-index, classify)."""
    return services.reviewed_labels()


def area_calibration(services: Services) -> dict | None:
    """The classifier's area threshold and margin (what agreed versions' averaged areas are read with)."""
    classifier = services.classifier_or_none()
    return classifier.area_calibration if classifier is not None else None


def validated_changes(request: CorrectionRequest) -> dict[str, Any]:
    """The request's labels checked against the schema's label sets; an area change sets both
    action_area and action_areas (action_area first). InvalidLabel names the allowed values."""
    changes: dict[str, Any] = {}
    if request.actor is not None:
        changes["actor"] = _one_of("actor", request.actor, ACTORS)
    areas = None
    if request.action_areas is not None:
        if not request.action_areas:
            raise InvalidLabel(f"action_areas needs at least one of: {', '.join(ACTION_AREAS)}")
        areas = list(dict.fromkeys(_one_of("action_areas", a, ACTION_AREAS) for a in request.action_areas))
    area = _one_of("action_area", request.action_area, ACTION_AREAS) if request.action_area is not None else None
    if area is not None or areas is not None:
        main = area or areas[0]  # type: ignore[index]
        changes["action_area"] = main
        changes["action_areas"] = [main, *[a for a in areas or [] if a != main]]
    if request.with_partners is not None:
        changes["with_partners"] = _boolean(request.with_partners)
    if not changes:
        raise InvalidRequest("nothing to correct: give actor, action_area, action_areas or with_partners")
    return changes


def _one_of(name: str, value: str, allowed: Sequence[str]) -> str:
    """The code `value` names: the code itself or, ignoring case, one of the page's labels for it
    ("Member States", "会员国"); else InvalidLabel naming the allowed codes."""
    field = "actor" if allowed is ACTORS else "action_area"
    code = value.strip().lower() if isinstance(value, str) else None
    if code not in allowed and isinstance(value, str):
        try:
            code = code_of(field, value)
        except KeyError:  # a code the page has no label for yet: only the code itself is accepted
            code = None
    if code not in allowed:
        raise InvalidLabel(f"unknown {name} {value!r}: allowed values are {', '.join(allowed)}")
    return code


def _boolean(value: bool | str) -> bool:
    if isinstance(value, bool):
        return value
    lowered = value.strip().lower()
    if lowered in _TRUE or lowered in _FALSE:
        return lowered in _TRUE
    raise InvalidLabel(f"unknown with_partners {value!r}: allowed values are true, false")


def correct_mandate(services: Services, mandate_id: str, request: CorrectionRequest) -> MandateDetail:
    """Store a maintainer's correction and show it everywhere; answers the mandate with its history."""
    changes = validated_changes(request)
    reviewer = request.reviewer.strip()
    if not reviewer:
        raise InvalidRequest("reviewer: say who makes the correction")
    index = services.index
    with services.write_lock:
        mandate = index.get(mandate_id)
        if mandate is None:
            raise NotFound(f"no mandate with id {mandate_id!r}")
        document = index.get_document(mandate.document)
        if document is None:  # pragma: no cover - an indexed mandate's document is indexed
            raise NotFound(f"mandate {mandate_id!r} has no indexed document")
        note = (request.note or "").strip() or None
        # Stored before the index changes: the store is what re-index and re-ingest rebuild from.
        stored = services.corrections.add(Correction.of(mandate, changes, reviewer, note))
        reviewed = reviewed_labels(services)
        # the review lands on the version's own reading (classified when it was indexed: only the reviewed
        # labels go on top); then it wins for the paragraph's other versions
        try:
            own = [own_reading(m) for m in index.mandates_of(document.id)]
            index.replace_document(document, Labeller(reviewed=reviewed).label(own))
        except BaseException:
            services.corrections.withdraw(stored)  # refused (re-index running, backend down): no trace left
            raise
        agree_versions(index, {mandate.resolution}, lambda: area_calibration(services))
    from service.usecases.retrain import after_correction

    after_correction(services)  # the server retrains in the background every `retrain_after` corrections
    return mandate_in_context(index, mandate_id, reviewed)


def export_reviewed(services: Services, check_index: bool = True) -> list[ReviewedRow]:
    """One training row per reviewed mandate (resolution, text, addressee), its corrections folded oldest first;
    `orphaned` when no indexed mandate matches it any more (`check_index=False`: not looked up, False;
    training needs only the text and its labels)."""
    reviewed = reviewed_labels(services)
    by_target: dict[tuple[str, str, str | None], list[Correction]] = {}
    for c in reviewed.corrections:
        by_target.setdefault(c.target, []).append(c)
    rows = []
    for corrections in by_target.values():
        labels = fold(corrections)
        last = corrections[-1]
        rows.append(
            ReviewedRow(
                text=last.text,
                language=last.language,
                group=last.group,
                action_area=labels.get("action_area", ""),
                actor=labels.get("actor"),
                with_partners=labels.get("with_partners"),
                action_areas=labels.get("action_areas"),
                mandate_id=last.mandate_id,
                resolution=last.resolution,
                citation=last.citation,
                reviewers=list(dict.fromkeys(c.reviewer for c in corrections)),
                last_reviewed=last.at,
                corrections=len(corrections),
                orphaned=check_index and not _still_indexed(services.index, corrections),
            )
        )
    return rows


def _still_indexed(index: MandateIndex, corrections: list[Correction]) -> bool:
    """Whether some indexed mandate carries these corrections (by id, else resolution, text and addressee)."""
    if any(index.get(c.mandate_id) is not None for c in corrections):
        return True
    resolution, text_hash, actor_text = corrections[0].target
    offset = 0
    while True:
        page = index.search(SearchQuery(filters={"resolution": [resolution]}, limit=_PAGE, offset=offset))
        if any(review_text_hash(h.mandate.text) == text_hash and h.mandate.actor_text == actor_text
               for h in page.hits):
            return True
        offset += len(page.hits)
        if not page.hits or offset >= page.total:
            return False


def reviewed_training_examples(services: Services, files: Sequence[Path] = (), home: bool = True) -> list[Example]:
    """Training rows (origin "reviewed") from the home's corrections and exported files (`labels
    export`); the same text of the same resolution given twice keeps the last one read."""
    from models.training_data import read_reviewed, reviewed_examples

    rows = reviewed_examples(r.model_dump() for r in export_reviewed(services, check_index=False)) if home else []
    for path in files:
        rows += read_reviewed(Path(path))
    return list({(e.group, e.text): e for e in rows}.values())
