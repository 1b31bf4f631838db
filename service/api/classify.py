"""POST /v1/classify: the mandates in a draft, labelled, each with its closest precedents, and beside them\nthe draft's reading as a whole (their common actor and area, or the lists when they differ)."""

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
    description="Each mandate in the draft with its labels and closest precedents. The top-level fields read the "
    "draft as a whole by summarising its mandates (actor_source and action_area_source `mandates`): their common "
    "actor and action area, or null with `actors` / `action_areas` listing them when they differ; never a model "
    "guess that contradicts them. Only a draft in which no mandate was found is read whole by the model.",
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
            whole_text=True,
        )
    )
    # serialised once here (response_model documents it): FastAPI would dump and re-validate it
    whole = dict(result.whole) if result.whole is not None else {}
    return Response(ClassifyResponse.model_construct(**whole, mandates=result.mandates, note=result.note).model_dump_json(),
                    media_type="application/json")
