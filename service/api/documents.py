"""Documents: list, show, upload (extract → classify → index), delete, reindex. Writes need the token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Response, UploadFile
from fastapi.concurrency import run_in_threadpool

from service.api.deps import Services, Writer
from service.api.schemas import (
    ERROR_RESPONSES,
    DeleteResponse,
    DocumentDetail,
    DocumentList,
    ReindexResponse,
    UploadSummary,
)
from service.usecases import documents as usecase

router = APIRouter(tags=["documents"])

_CHUNK = 1024 * 1024
_WRITE_ERRORS = {k: ERROR_RESPONSES[k] for k in (401, 403)}


@router.get("/documents", response_model=DocumentList, summary="The indexed documents")
async def list_documents(services: Services) -> DocumentList:
    return await run_in_threadpool(usecase.list_documents, services)


@router.get(
    "/documents/{document_id}",
    response_model=DocumentDetail,
    responses={404: ERROR_RESPONSES[404]},
    summary="One document and its mandates",
)
async def get_document(document_id: str, services: Services) -> DocumentDetail:
    return await run_in_threadpool(usecase.document_detail, services, document_id)


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
    summary = await run_in_threadpool(usecase.upload_document, services, b"".join(parts), file.filename)
    if summary.status == "unchanged":
        response.status_code = 200  # nothing new was created
    return summary


@router.delete(
    "/documents/{document_id}",
    response_model=DeleteResponse,
    dependencies=[Writer],
    responses={**_WRITE_ERRORS, 404: ERROR_RESPONSES[404]},
    summary="Remove a document and its mandates from the index and the store",
)
async def delete_document(document_id: str, services: Services) -> DeleteResponse:
    return await run_in_threadpool(usecase.delete_document, services, document_id)


@router.post(
    "/reindex",
    response_model=ReindexResponse,
    dependencies=[Writer],
    responses=_WRITE_ERRORS,
    summary="Rebuild the index from the stored originals (swapped in only when complete)",
)
async def reindex(services: Services) -> ReindexResponse:
    return await run_in_threadpool(usecase.reindex_documents, services)
