"""Documents: list, show, upload (extract → classify → store → index), ingest files, delete, reindex.

Writes go one at a time (`Services.write_lock`): a reindex swapping versions under a concurrent
upload would lose the upload.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from index.base import SearchQuery
from labelling.ingest import IngestReport
from service.usecases.coverage import coverage_of
from service.usecases.errors import InvalidRequest, NotFound, NotSwapped, TooLarge, Unreadable
from service.usecases.results import (
    CitedMandate,
    DeleteResponse,
    DocumentDetail,
    DocumentList,
    DocumentSummary,
    ReindexResponse,
    Skipped,
    UploadSummary,
)
from service.usecases.reviews import area_calibration
from service.usecases.services import Services


def list_documents(services: Services) -> DocumentList:
    index = services.index
    docs = sorted(index.list_documents(), key=lambda d: d.symbol or d.source_file or d.id)
    # One facet query counts the documents' mandates; a backend that caps facet buckets
    # leaves some out, and those are counted one by one.
    counts = index.facets(SearchQuery()).get("document", {})
    rows = [
        DocumentSummary(document=d, mandates=counts[d.id] if d.id in counts else len(index.mandates_of(d.id)))
        for d in docs
    ]
    return DocumentList(total=len(rows), documents=rows, coverage=coverage_of(index, docs))


def document_detail(services: Services, document_id: str) -> DocumentDetail:
    document = services.index.get_document(document_id)
    if document is None:
        raise NotFound(f"no document with id {document_id!r}")
    mandates = [CitedMandate.of(m) for m in services.index.mandates_of(document_id)]
    return DocumentDetail(document=document, mandates=mandates)


def safe_upload_name(filename: str | None) -> str:
    """Keep the name for the record (source_file) but never let it choose a path."""
    base = Path(filename or "upload").name
    base = re.sub(r"[^\w.\-]+", "_", base).strip("._") or "upload"
    return base[:120]


def _check_pages(data: bytes, limit: int) -> None:
    """TooLarge for a PDF over the page limit, counted before the write lock is taken: laying out thousands of
    pages would hold every other write back for a minute."""
    from extractors.formats.pdf import page_count
    from extractors.formats.sniff import format_of

    if format_of(data) != "pdf":
        return
    pages = page_count(data)
    if pages is not None and pages > limit:
        raise TooLarge(f"the PDF has {pages} pages; uploads are limited to {limit} (UNEA_MANDATES_MAX_PDF_PAGES)")


def upload_document(services: Services, data: bytes, filename: str | None) -> UploadSummary:
    """One file's bytes (format read from the content) extracted, classified, stored and indexed."""
    from labelling.ingest import ingest_bytes

    limit = services.settings.max_upload_bytes
    if len(data) > limit:
        raise TooLarge(f"upload is larger than the limit of {limit} bytes")
    if not data:
        raise InvalidRequest("the uploaded file is empty")
    _check_pages(data, services.settings.max_pdf_pages)
    index = services.index
    with services.write_lock:
        outcome = ingest_bytes(
            data,
            safe_upload_name(filename),
            index,
            store=services.store,
            uploaded=True,
            labeller=services.labeller(must_classify=True),
        )
    if outcome.status == "failed":
        raise Unreadable(f"unreadable document: {outcome.reason}")
    document = index.get_document(outcome.document_id or "")
    if document is None:  # pragma: no cover - ingest reported success, so it is indexed
        raise RuntimeError("the document was read but is not in the index")
    mandates = index.mandates_of(document.id)
    return UploadSummary(
        status=outcome.status,  # type: ignore[arg-type]  # "failed" raised above
        document=document,
        mandates_found=len(mandates),
        by_action_area=dict(Counter(m.action_area or "unlabelled" for m in mandates)),
        by_actor=dict(Counter(m.actor or "unlabelled" for m in mandates)),
        skipped=[Skipped(**item.model_dump()) for item in outcome.skipped],
        replaced_document=outcome.replaced,
    )


def ingest_files(
    services: Services, paths: Iterable[str | Path], classify: bool = True, progress: bool = False
) -> IngestReport:
    """Files and folders (walked) extracted, classified, stored and indexed; idempotent by content."""
    from labelling.ingest import ingest_paths

    with services.write_lock:  # the reviewed labels read under the lock: a correction made meanwhile is in
        labeller = services.labeller(classify)
        return ingest_paths(paths, services.index, store=services.store, progress=progress, labeller=labeller)


def ingest_bundled_if_empty(services: Services, progress: bool = True) -> IngestReport | None:
    """The bundled corpus into an index that holds no document (else None: left alone)."""
    from corpus.registry import bundled_paths

    if services.index.stats().documents:
        return None
    return ingest_files(services, bundled_paths(), progress=progress)


def delete_document(services: Services, document_id: str) -> DeleteResponse:
    from labelling.versions import agree_versions, resolutions_of

    with services.write_lock:
        resolutions = resolutions_of(services.index, [document_id])
        if not services.index.delete_document(document_id):
            raise NotFound(f"no document with id {document_id!r}")
        # the versions left agree again without it (agreement starts from each version's own reading)
        agree_versions(services.index, resolutions, lambda: area_calibration(services))
        try:
            services.store.remove(document_id)
        except (KeyError, ValueError, FileNotFoundError):
            pass  # indexed from a path, never stored
    return DeleteResponse(deleted=document_id)


def reindex_documents(
    services: Services, classify: bool = True, progress: bool = False, allow_failures: bool = False
) -> ReindexResponse:
    """Rebuild the index from the stored originals; swapped in only when complete (else NotSwapped,
    and the previous index keeps serving). IndexBusy when another re-index runs."""
    from labelling.ingest import reindex

    with services.write_lock:
        report = reindex(
            services.index,
            services.store,
            progress=progress,
            allow_failures=allow_failures,
            labeller=services.labeller(classify),
        )
    if report.version is None:
        raise NotSwapped("re-index not swapped in; the previous index keeps serving. " + report.summary())
    return ReindexResponse(
        version=report.version,
        documents=report.documents,
        mandates=report.mandates,
        carried_over=report.carried_over,
        failed=[f"{o.source}: {o.reason}" for o in report.errors],
        orphaned_corrections=report.orphaned_corrections,
        summary=report.summary(),
    )
