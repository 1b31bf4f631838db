"""Documents: list, show, upload (extract → classify → index), delete, reindex. Writes need the token."""

from __future__ import annotations

import logging
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, UploadFile
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
        index = services.index
        docs = sorted(index.list_documents(), key=lambda d: d.symbol or d.source_file or d.id)
        rows = [DocumentSummary(document=d, mandates=len(index.mandates_of(d.id))) for d in docs]
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
    return await run_in_threadpool(ingest_upload, services, data, name)


def _safe_name(filename: str | None) -> str:
    """Keep the name for the record (source_file) but never let it choose a path."""
    base = Path(filename or "upload").name
    base = re.sub(r"[^\w.\-]+", "_", base).strip("._") or "upload"
    return base[:120]


def ingest_upload(services: Services, data: bytes, name: str) -> UploadSummary:
    from index.ingest import ingest_paths

    from extractors.schema import UnreadableDocument, content_hash

    index = services.index
    with services.write_lock, tempfile.TemporaryDirectory(prefix="unea-upload-") as tmp:
        replaced = index.has_document(content_hash(data))
        # The hash prefix keeps two different uploads with the same name from replacing each other
        # (ingest treats a known source file with new bytes as a new version of it).
        path = Path(tmp) / f"{content_hash(data)[:12]}-{name}"
        path.write_bytes(data)
        try:
            report = ingest_paths([path], index, classifier=services.classifier, store=services.store)
        except UnreadableDocument as exc:
            raise HTTPException(422, f"unreadable document: {exc.reason}") from None
    outcome = _single_outcome(report)
    if outcome.get("error"):
        raise HTTPException(422, f"unreadable document: {outcome['error']}")
    document = index.get_document(outcome["document_id"])
    if document is None:
        raise HTTPException(422, "the document was read but nothing could be indexed")
    mandates = index.mandates_of(document.id)
    return UploadSummary(
        document=document,
        mandates_found=len(mandates),
        by_action_area=dict(Counter(m.action_area or "unlabelled" for m in mandates)),
        by_actor=dict(Counter(m.actor or "unlabelled" for m in mandates)),
        skipped=[Skipped(**s) for s in outcome.get("skipped", [])],
        replaced=replaced,
    )


def _single_outcome(report: Any) -> dict[str, Any]:
    """The one document's outcome from an IngestReport: id, skipped items, or the reader's reason."""
    raise NotImplementedError  # filled in against index.ingest.IngestReport


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
        return ReindexResponse(report=_as_dict(report), stats=services.index.stats().model_dump())

    return await run_in_threadpool(work)


def _as_dict(report: Any) -> dict:
    if hasattr(report, "model_dump"):
        return report.model_dump()
    if hasattr(report, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(report)
    return dict(report) if isinstance(report, dict) else {"result": str(report)}
