"""Documents: list, show, upload (extract → classify → index), delete, reindex. Writes need the token."""

from __future__ import annotations

import logging
import re
from collections import Counter
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Response, UploadFile
from fastapi.concurrency import run_in_threadpool

from service.api.deps import Services, Writer
from service.api.schemas import (
    ERROR_RESPONSES,
    CitedMandate,
    DeleteResponse,
    DocumentDetail,
    DocumentList,
    DocumentSummary,
    ReindexResponse,
    Skipped,
    UploadSummary,
)

router = APIRouter(tags=["documents"])
log = logging.getLogger("unea_mandates.service")

_CHUNK = 1024 * 1024
_WRITE_ERRORS = {k: ERROR_RESPONSES[k] for k in (401, 403)}


@router.get("/documents", response_model=DocumentList, summary="The indexed documents")
async def list_documents(services: Services) -> DocumentList:
    def work() -> DocumentList:
        from index.base import SearchQuery

        index = services.index
        docs = sorted(index.list_documents(), key=lambda d: d.symbol or d.source_file or d.id)
        # One facet query counts the documents' mandates; a backend that caps facet buckets
        # leaves some out, and those are counted one by one.
        counts = index.facets(SearchQuery()).get("document", {})
        rows = [
            DocumentSummary(
                document=d, mandates=counts[d.id] if d.id in counts else len(index.mandates_of(d.id))
            )
            for d in docs
        ]
        return DocumentList(total=len(rows), documents=rows)

    return await run_in_threadpool(work)


@router.get(
    "/documents/{document_id}",
    response_model=DocumentDetail,
    responses={404: ERROR_RESPONSES[404]},
    summary="One document and its mandates",
)
async def get_document(document_id: str, services: Services) -> DocumentDetail:
    def work() -> DocumentDetail:
        document = services.index.get_document(document_id)
        if document is None:
            raise HTTPException(404, f"no document with id {document_id!r}")
        mandates = [CitedMandate.of(m) for m in services.index.mandates_of(document_id)]
        return DocumentDetail(document=document, mandates=mandates)

    return await run_in_threadpool(work)


@router.post(
    "/documents",
    response_model=UploadSummary,
    status_code=201,
    dependencies=[Writer],
    responses={**_WRITE_ERRORS, 413: ERROR_RESPONSES[413], 422: ERROR_RESPONSES[422]},
    summary="Upload a PDF, DOCX or text file: extract, classify and index its mandates",
)
async def upload_document(
    services: Services,
    response: Response,
    file: Annotated[UploadFile, File(description="PDF, DOCX or plain text; format read from content")],
) -> UploadSummary:
    limit = services.settings.max_upload_bytes
    # The body was limited while streaming (BodySizeLimit); read in chunks all the same, so a
    # misconfigured proxy in front can never make us hold more than the limit.
    parts: list[bytes] = []
    size = 0
    while chunk := await file.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"upload is larger than the limit of {limit} bytes")
        parts.append(chunk)
    data = b"".join(parts)
    if not data:
        raise HTTPException(422, "the uploaded file is empty")
    name = _safe_name(file.filename)
    summary = await run_in_threadpool(ingest_upload, services, data, name)
    if summary.status == "unchanged":
        response.status_code = 200  # nothing new was created
    return summary


def _safe_name(filename: str | None) -> str:
    """Keep the name for the record (source_file) but never let it choose a path."""
    base = Path(filename or "upload").name
    base = re.sub(r"[^\w.\-]+", "_", base).strip("._") or "upload"
    return base[:120]


def ingest_upload(services: Services, data: bytes, name: str) -> UploadSummary:
    from index.ingest import ingest_bytes

    index = services.index
    with services.write_lock:
        outcome = ingest_bytes(data, name, index, classifier=services.classifier, store=services.store)
    if outcome.status == "failed":
        raise HTTPException(422, f"unreadable document: {outcome.reason}")
    document = index.get_document(outcome.document_id)
    if document is None:  # pragma: no cover - ingest reported success, so it is indexed
        raise HTTPException(500, "the document was read but is not in the index")
    mandates = index.mandates_of(document.id)
    return UploadSummary(
        status=outcome.status,
        document=document,
        mandates_found=len(mandates),
        by_action_area=dict(Counter(m.action_area or "unlabelled" for m in mandates)),
        by_actor=dict(Counter(m.actor or "unlabelled" for m in mandates)),
        skipped=[Skipped(**item.model_dump()) for item in outcome.skipped],
        replaced_document=outcome.replaced,
    )


@router.delete(
    "/documents/{document_id}",
    response_model=DeleteResponse,
    dependencies=[Writer],
    responses={**_WRITE_ERRORS, 404: ERROR_RESPONSES[404]},
    summary="Remove a document and its mandates from the index and the store",
)
async def delete_document(document_id: str, services: Services) -> DeleteResponse:
    def work() -> DeleteResponse:
        with services.write_lock:
            if not services.index.delete_document(document_id):
                raise HTTPException(404, f"no document with id {document_id!r}")
            try:
                services.store.remove(document_id)
            except (KeyError, ValueError, FileNotFoundError):
                pass  # indexed from a path, never stored
        return DeleteResponse(deleted=document_id)

    return await run_in_threadpool(work)


@router.post(
    "/reindex",
    response_model=ReindexResponse,
    dependencies=[Writer],
    responses=_WRITE_ERRORS,
    summary="Rebuild the index from the stored originals (swapped in only when complete)",
)
async def reindex(services: Services) -> ReindexResponse:
    def work() -> ReindexResponse:
        from index.ingest import reindex as rebuild

        with services.write_lock:
            report = rebuild(services.index, services.store, classifier=services.classifier)
        if report.version is None:
            raise HTTPException(
                500, "re-index not swapped in; the previous index keeps serving. " + report.summary()
            )
        return ReindexResponse(
            version=report.version,
            documents=report.documents,
            mandates=report.mandates,
            carried_over=report.carried_over,
            summary=report.summary(),
        )

    return await run_in_threadpool(work)
