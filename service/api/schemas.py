"""Request and response models of the API (what /docs shows).

The use cases' own models (service.usecases.results) are the bodies; this adds what only HTTP has.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from service.usecases.results import (
    CitedMandate,
    ClassifiedMandate,
    ClassifyRequest,
    ClassifyResponse,
    ContextEntry,
    CorrectionRequest,
    DeleteResponse,
    DocumentDetail,
    DocumentList,
    DocumentSummary,
    Hit,
    MandateDetail,
    OtherLanguageVersion,
    Precedent,
    ReindexResponse,
    ReviewEntry,
    SearchResponse,
    Skipped,
    UploadSummary,
)


class ErrorBody(BaseModel):
    error: str = Field(description="what went wrong, for a person")


ERROR_RESPONSES = {
    400: {"model": ErrorBody, "description": "malformed query, or a label value outside its set"},
    401: {"model": ErrorBody, "description": "missing or wrong maintainer token"},
    403: {"model": ErrorBody, "description": "writes are disabled on this server"},
    404: {"model": ErrorBody, "description": "not found"},
    413: {"model": ErrorBody, "description": "text or upload too large"},
    422: {"model": ErrorBody, "description": "invalid input or unreadable document"},
}


class HealthResponse(BaseModel):
    status: str = Field(description="ok | degraded")
    index_reachable: bool
    model_loaded: bool
    backend: str
    documents: int = 0
    mandates: int = 0
    by_language: dict[str, int] = Field(default_factory=dict)
    writes_enabled: bool
    error: str | None = None


__all__ = [
    "ERROR_RESPONSES",
    "CitedMandate",
    "ClassifiedMandate",
    "ClassifyRequest",
    "ClassifyResponse",
    "ContextEntry",
    "CorrectionRequest",
    "DeleteResponse",
    "DocumentDetail",
    "DocumentList",
    "DocumentSummary",
    "ErrorBody",
    "HealthResponse",
    "Hit",
    "MandateDetail",
    "OtherLanguageVersion",
    "Precedent",
    "ReindexResponse",
    "ReviewEntry",
    "SearchResponse",
    "Skipped",
    "UploadSummary",
]
