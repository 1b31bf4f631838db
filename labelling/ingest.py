"""Batch ingestion (read → extract → label → store original → index) and re-index (labelling.Labeller labels).

Per file, atomically per document: identity is the SHA-256 of the bytes, so the same file twice
adds nothing; a changed file (same name, same document symbol, new bytes) replaces its old
document's mandates in the same index transaction. One file's failure is recorded with its reason
and never stops the batch.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from extractors.schema import (
    Document,
    ExtractionResult,
    Mandate,
    SkippedItem,
    UnreadableDocument,
    content_hash,
)
from index.base import IndexBusy, MandateIndex, is_unavailable
from labelling.labeller import Classifier, Labeller, ReviewedLabelStore
from labelling.versions import agree_versions
from models.version_agreement import own_reading

Status = Literal["added", "unchanged", "replaced", "failed"]
BATCH_DOCUMENTS = 50  # documents per write while re-indexing


@dataclass
class FileOutcome:
    source: str
    status: Status
    document_id: str | None = None
    mandates: int = 0
    reason: str | None = None  # why it failed
    replaced: str | None = None  # id of the older document it replaced
    skipped: list[SkippedItem] = field(default_factory=list)


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def by_status(self, status: Status) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def extracted(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status in ("added", "replaced")]

    @property
    def errors(self) -> list[FileOutcome]:
        return self.by_status("failed")

    @property
    def skipped(self) -> list[SkippedItem]:
        return [s for o in self.outcomes for s in o.skipped]

    @property
    def mandates_indexed(self) -> int:
        return sum(o.mandates for o in self.extracted)

    @property
    def ok(self) -> bool:
        return not self.errors

    def skipped_by_reason(self) -> Counter[str]:
        return Counter(s.reason for s in self.skipped)

    def summary(self) -> str:
        lines = [
            f"documents: {len(self.by_status('added'))} added, {len(self.by_status('unchanged'))} unchanged, "
            f"{len(self.by_status('replaced'))} replaced, {len(self.errors)} failed",
            f"mandates indexed: {self.mandates_indexed}",
        ]
        for o in self.errors:
            lines.append(f"  failed: {o.source}: {o.reason}")
        for o in self.by_status("replaced"):
            lines.append(f"  replaced: {o.source} (was document {o.replaced})")
        reasons = self.skipped_by_reason()
        if reasons:
            lines.append(f"skipped items: {sum(reasons.values())}")
            lines.extend(f"  {count} × {reason}" for reason, count in reasons.most_common())
        return "\n".join(lines)


class ReviewedRecord(ReviewedLabelStore, Protocol):
    """Reviewed labels that also say which of them met no mandate (corpus.corrections.ReviewedLabels)."""

    def orphan_lines(self) -> list[str]:
        """One line per reviewed label that met no mandate in any apply so far."""
        ...


def _labeller(labeller: Labeller | None, classifier: Classifier | None,
              reviewed: ReviewedLabelStore | None) -> Labeller:
    """The labeller given, else the one of `classifier` and `reviewed` (the two ways to call these functions)."""
    if labeller is not None:
        if classifier is not None or reviewed is not None:
            raise TypeError("give a labeller, or a classifier and reviewed labels, not both")
        return labeller
    return Labeller(classifier, reviewed)


def _extract(data: bytes, source: str) -> ExtractionResult:
    from extractors.pipeline import extract_bytes

    return extract_bytes(data, source)


def _older_version(index: MandateIndex, document: Document) -> Document | None:
    """The indexed document this one is a new version of: same file name and same symbol (so two
    unrelated files that merely share a name never replace each other)."""
    old = index.document_for_source(document.source_file)
    if old is None or old.id == document.id or old.symbol != document.symbol:
        return None
    return old


def ingest_bytes(
    data: bytes,
    source: str,
    index: MandateIndex,
    classifier: Classifier | None = None,
    store: Any = None,
    uploaded: bool = False,
    reviewed: ReviewedLabelStore | None = None,
    *,
    labeller: Labeller | None = None,
) -> FileOutcome:
    """Ingest one document's bytes; `source` is its file name; `uploaded` marks a user's upload;
    `reviewed` (corpus.corrections.ReviewedLabels): maintainers' labels put on its mandates;
    `labeller`: instead of `classifier` and `reviewed`, the labelling path whole (service.Services.labeller).
    Never raises for a bad document."""
    labeller = _labeller(labeller, classifier, reviewed)
    name = Path(source).name or source
    try:
        if not data:
            raise UnreadableDocument(name, "empty file")
        doc_id = content_hash(data)
        if index.has_document(doc_id):
            if store is not None and doc_id not in store:
                store.add(data, name)  # keep the original for re-index even if it was indexed before
            return FileOutcome(name, "unchanged", doc_id, len(index.mandates_of(doc_id)))
        result = _extract(data, name)
        document = result.document.model_copy(update={"id": doc_id, "source_file": name, "uploaded": uploaded})
        mandates = labeller.label(list(result.mandates))
        old = _older_version(index, document)
        index.replace_document(document, mandates, replaces=old.id if old else None)
        # Kept only once the document is in the index: a write refused (busy, backend down) keeps nothing that a
        # later re-index would bring back. A kill between the two leaves an indexed document without its
        # original, which re-index carries over as indexed and the next ingest of the file stores.
        if store is not None:
            store.add(data, name)
        # its other-language versions already indexed (and it) get one set of labels
        agree_versions(index, {m.resolution for m in mandates if m.paragraph}, labeller.area_calibration)
        return FileOutcome(
            name, "replaced" if old else "added", doc_id, len(mandates), replaced=old.id if old else None, skipped=list(result.skipped)
        )
    except UnreadableDocument as exc:
        return FileOutcome(name, "failed", reason=exc.reason)
    except Exception as exc:  # one bad file must not stop the batch: record why
        if isinstance(exc, IndexBusy) or is_unavailable(exc):
            raise  # not the document's fault: the caller says busy (409) or unavailable (503)
        return FileOutcome(name, "failed", reason=f"{type(exc).__name__}: {exc}")


def ingest_paths(
    paths: Iterable[str | Path],
    index: MandateIndex,
    classifier: Classifier | None = None,
    store: Any = None,
    progress: bool = False,
    reviewed: ReviewedLabelStore | None = None,
    *,
    labeller: Labeller | None = None,
) -> IngestReport:
    """Ingest files and folders (walked); see the module docstring for the rules (and ingest_bytes for
    `classifier`, `reviewed` and `labeller`)."""
    from extractors.pipeline import iter_document_paths

    labeller = _labeller(labeller, classifier, reviewed)

    files = list(iter_document_paths(paths))
    report = IngestReport()
    for path in _progress(files, progress, "ingest"):
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            report.outcomes.append(FileOutcome(str(path), "failed", reason=exc.strerror or str(exc)))
            continue
        report.outcomes.append(ingest_bytes(data, str(path), index, store=store, labeller=labeller))
    return report


@dataclass
class ReindexReport:
    version: int | None  # the version now serving; None when the rebuild was not swapped in
    documents: int = 0
    mandates: int = 0
    carried_over: list[str] = field(default_factory=list)  # indexed documents with no stored original
    errors: list[FileOutcome] = field(default_factory=list)
    orphaned_corrections: list[str] = field(default_factory=list)  # reviewed labels that met no mandate

    def summary(self) -> str:
        head = f"re-index → version {self.version}" if self.version is not None else "re-index NOT swapped in"
        lines = [f"{head}: {self.documents} documents, {self.mandates} mandates"]
        if self.carried_over:
            lines.append(f"  {len(self.carried_over)} documents had no stored original: copied as indexed")
        lines.extend(f"  failed: {o.source}: {o.reason}" for o in self.errors)
        if self.orphaned_corrections:
            lines.append(f"  {len(self.orphaned_corrections)} reviewed labels match no mandate now (kept; "
                         "`unea-mandates labels export` lists them as orphaned):")
            lines.extend(f"    {line}" for line in self.orphaned_corrections)
        return "\n".join(lines)


def reindex(
    index: MandateIndex,
    store: Any,
    classifier: Classifier | None = None,
    progress: bool = False,
    allow_failures: bool = False,
    reviewed: ReviewedRecord | None = None,
    *,
    labeller: Labeller | None = None,
) -> ReindexReport:
    """Rebuild every stored original into a new physical version and swap it in only when complete.

    A crash, Ctrl-C or SIGKILL midway leaves the old version serving, whole. A document that
    fails to extract keeps the rebuild from being swapped in (the old index keeps it), unless
    `allow_failures`. Indexed documents without a stored original are copied over as indexed.
    `reviewed` (corpus.corrections.ReviewedLabels): maintainers' labels, put back on their mandates;
    those that met none are listed in the report, never dropped. `labeller`: instead of `classifier` and
    `reviewed`, the labelling path whole (its reviewed labels' orphans are listed the same way).
    """
    labeller = _labeller(labeller, classifier, reviewed)
    reviews_only = Labeller(reviewed=labeller.reviewed)  # a carried-over document keeps its model labels
    builder = index.start_rebuild()
    report = ReindexReport(version=None)
    try:
        stored = store.list()
        batch = _Batch(builder, report.errors)
        for item in _progress(stored, progress, "reindex"):
            try:
                data = store.get_bytes(item.id)
                result = _extract(data, item.source_name)
                serving = index.get_document(item.id)  # an upload stays marked as one
                uploaded = serving.uploaded if serving is not None else False
                document = result.document.model_copy(
                    update={"id": item.id, "source_file": item.source_name, "uploaded": uploaded}
                )
                mandates = labeller.label(list(result.mandates))
                batch.add(document, mandates, item.source_name)
            except Exception as exc:
                reason = exc.reason if isinstance(exc, UnreadableDocument) else f"{type(exc).__name__}: {exc}"
                report.errors.append(FileOutcome(item.source_name, "failed", item.id, reason=reason))
        batch.flush()
        stored_ids = {item.id for item in stored}
        for document in index.list_documents():
            if document.id not in stored_ids and not builder.has_document(document.id):
                own = [own_reading(m) for m in index.mandates_of(document.id)]  # agreed again below
                batch.add(document, reviews_only.label(own), document.source_file, replacing=False)
                report.carried_over.append(document.id)
        batch.flush()
        if report.errors and not allow_failures:
            index.abort_rebuild(builder)
            return report
        agree_versions(builder, None, labeller.area_calibration)  # every version group, once, as rebuilt
        orphan_lines = getattr(labeller.reviewed, "orphan_lines", None)  # a ReviewedRecord's
        if orphan_lines is not None:
            report.orphaned_corrections = orphan_lines()
        stats = builder.stats()
        report.documents, report.mandates = stats.documents, stats.mandates
        report.version = index.finish_rebuild(builder)
        return report
    except BaseException:
        index.abort_rebuild(builder)
        raise


class _Batch:
    """A re-index's writes, BATCH_DOCUMENTS documents per replace_documents call (on Elasticsearch:
    a few _bulk requests and one refresh, instead of a refresh per document)."""

    def __init__(self, builder: MandateIndex, errors: list[FileOutcome]):
        self.builder, self.errors = builder, errors
        self.items: list[tuple[Document, list[Mandate], str | None]] = []
        self.sources: dict[str, str] = {}  # source file of each waiting document → its name as stored

    def add(self, document: Document, mandates: list[Mandate], name: str, replacing: bool = True) -> None:
        if document.source_file in self.sources:
            self.flush()  # two versions of one file: the older must be indexed for the newer to replace it
        old = _older_version(self.builder, document) if replacing else None
        self.items.append((document, mandates, old.id if old else None))
        self.sources[document.source_file] = name
        if len(self.items) >= BATCH_DOCUMENTS:
            self.flush()

    def flush(self) -> None:
        try:
            if self.items:
                self.builder.replace_documents(self.items)
        except Exception as exc:  # recorded like any document's failure: the re-index is then not swapped in
            names = [self.sources[d.source_file] for d, _, _ in self.items]
            self.errors.extend(FileOutcome(n, "failed", d.id, reason=f"{type(exc).__name__}: {exc}")
                               for n, (d, _, _) in zip(names, self.items, strict=True))
        self.items, self.sources = [], {}


def _progress(items: list, enabled: bool, what: str):  # type: ignore[no-untyped-def]
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=what, unit="doc", file=sys.stderr)
