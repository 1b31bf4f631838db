"""The review queue: indexed mandates whose action area is least certain, first (GET /v1/review-queue, /review).

Only labels a model made are queued (action_area_source "model" or "precedent"); a document's own label and
a maintainer's reviewed one are settled. Each mandate's doubt (models.review_queue) mixes its calibrated
margin between the top two areas (its stored `scores`), whether its paragraph's language versions were
labelled differently on their own, and how far its span is from every labelled mandate the classifier
learnt from. Confirming or correcting an item is one PATCH /v1/mandates/{id} (a reviewed label).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, Field

from extractors.schema import ACTION_AREAS, Mandate
from index.base import SearchQuery
from service.usecases.results import CitedMandate
from service.usecases.services import Services

QUEUED_SOURCES = ("model", "precedent")
_PAGE = 1000


class ReviewItem(BaseModel):
    mandate: CitedMandate
    doubt: float = Field(description="0–1, higher first: the mix of the three signs below")
    margin: float = Field(description="top area's probability minus the second's")
    versions_disagree: bool = Field(description="its language versions were labelled with different areas on their own")
    novelty: float = Field(description="1 − cosine to the nearest labelled mandate the classifier learnt from")


class ReviewQueue(BaseModel):
    total: int = Field(description="mandates with a model-made area under the filters")
    items: list[ReviewItem]
    model_release: str | None = Field(description="the classifier release that labelled them; null: shipped")


def review_queue(services: Services, filters: dict[str, Sequence[str]] | None = None, limit: int = 20,
                 offset: int = 0) -> ReviewQueue:
    """The least certain model-made labels under `filters` (session, document, resolution, language …)."""
    from models.review_queue import doubt
    from models.version_agreement import reading_of, version_key

    index = services.index
    wanted = {k: [str(v) for v in vs] for k, vs in (filters or {}).items() if vs}
    candidates: list[Mandate] = []
    offset_seen = 0
    while True:
        page = index.search(SearchQuery(filters=wanted, limit=_PAGE, offset=offset_seen, highlight=False))
        candidates += [h.mandate for h in page.hits if h.mandate.action_area_source in QUEUED_SOURCES]
        offset_seen += len(page.hits)
        if not page.hits or offset_seen >= page.total:
            break
    if not candidates:
        return ReviewQueue(total=0, items=[], model_release=services.releases.current())
    proba = np.array([[float((m.scores or {}).get(a, 0.0)) for a in ACTION_AREAS] for m in candidates])
    own_areas: dict[tuple[str, str], set[str]] = {}
    for m in candidates:
        key = version_key(m)
        if key is not None:
            own_areas.setdefault(key, set()).add(reading_of(m, "action_area"))
    disagree = np.array([len(own_areas.get(version_key(m), ())) > 1 for m in candidates], dtype=float)
    classifier = services.classifier_or_none()
    vectors = labelled = None
    if classifier is not None and classifier.labelled_vectors is not None:
        from extractors.spans import act_span

        span = classifier.features.config.span
        vectors = services.embedder.encode([act_span(m.text, span) for m in candidates])
        labelled = classifier.labelled_vectors
    signs = doubt(proba, vectors, labelled, disagree)
    order = np.argsort(-signs["doubt"], kind="stable")[offset:offset + limit]
    items = [ReviewItem(mandate=CitedMandate.of(candidates[i]), doubt=round(float(signs["doubt"][i]), 4),
                        margin=round(float(signs["margin"][i]), 4), versions_disagree=bool(disagree[i]),
                        novelty=round(float(signs["novelty"][i]), 4)) for i in order]
    return ReviewQueue(total=len(candidates), items=items, model_release=services.releases.current())
