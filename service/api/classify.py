"""POST /v1/classify: the mandates in a draft, labelled, each with its closest precedents."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool

from service.api.deps import Services
from service.api.schemas import (
    ERROR_RESPONSES,
    ClassifiedMandate,
    ClassifyRequest,
    ClassifyResponse,
    Precedent,
)

router = APIRouter(tags=["classify"])
log = logging.getLogger("unea_mandates.service")

PRECEDENTS = 5


@router.post(
    "/classify",
    response_model=ClassifyResponse,
    responses={k: ERROR_RESPONSES[k] for k in (413, 422)},
    summary="Find and classify the mandates in a draft",
)
async def classify(body: ClassifyRequest, services: Services) -> ClassifyResponse:
    limit = services.settings.max_text_chars
    if len(body.text) > limit:
        raise HTTPException(413, f"text is {len(body.text)} characters; the limit is {limit}")
    # Extraction, the classifier and the embedder are CPU-bound: keep them off the event loop.
    return await run_in_threadpool(_classify, body, services)


def _classify(body: ClassifyRequest, services: Services) -> ClassifyResponse:
    from extractors.pipeline import extract_draft

    language = (body.language or "").strip().lower() or None
    mandates = extract_draft(body.text, language=language)
    if mandates:
        mandates = services.classifier.label(mandates)
    out = []
    for mandate in mandates:
        item = ClassifiedMandate(
            **{k: v for k, v in mandate.model_dump().items() if k in ClassifiedMandate.model_fields}
        )
        item.precedents = _precedents(services.index, mandate.text)
        out.append(item)
    return ClassifyResponse(mandates=out)


def _precedents(index: Any, text: str) -> list[Precedent]:
    from index.base import SearchQuery

    result = index.search(SearchQuery(q=text, mode="semantic", limit=PRECEDENTS))
    return [
        Precedent(
            id=hit.mandate.id,
            citation=hit.mandate.citation,
            text=hit.mandate.text,
            language=hit.mandate.language,
            resolution=hit.mandate.resolution,
            paragraph=hit.mandate.paragraph,
            action_area=hit.mandate.action_area,
            actor=hit.mandate.actor,
            score=hit.score,
        )
        for hit in result.hits
    ]
