"""POST /v1/classify: the mandates in a draft, labelled, each with its closest precedents."""

from __future__ import annotations

from fastapi import APIRouter, Response

from service.api.cpu import run_cpu_bound
from service.api.deps import Services
from service.api.schemas import ERROR_RESPONSES, ClassifyRequest, ClassifyResponse
from service.usecases.classify import classify_draft
from service.usecases.reviews import reviewed_labels

router = APIRouter(tags=["classify"])


@router.post(
    "/classify",
    response_model=ClassifyResponse,
    responses={k: ERROR_RESPONSES[k] for k in (413, 422)},
    summary="Find and classify the mandates in a draft",
)
async def classify(body: ClassifyRequest, services: Services) -> Response:
    # Extraction, the classifier and the embedder are CPU-bound: keep them off the event loop.
    result = await run_cpu_bound(
        "classify",
        lambda: classify_draft(
            body,
            services.classifier,
            services.index,
            max_chars=services.settings.max_text_chars,
            reviewed=reviewed_labels(services),
            embedder=services.embedder,
        )
    )
    # serialised once here (response_model documents it): FastAPI would dump and re-validate it
    return Response(ClassifyResponse.model_construct(mandates=result.mandates).model_dump_json(),
                    media_type="application/json")
