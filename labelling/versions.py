"""Keep the labels of a paragraph's other-language versions agreed in the index (models.version_agreement).

Called after every write that can change a version group: an ingest (a new language of a resolution
re-agrees the versions already there), a re-index (once, over the rebuilt version), a reviewed correction
and a deletion. Only the documents whose mandates change are written again, in one replace_documents call. Works on any MandateIndex.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from extractors.schema import Mandate
from index.base import MandateIndex, SearchQuery
from models.version_agreement import agree_all, group_versions

_PAGE = 1000


def resolutions_of(index: MandateIndex, document_ids: Iterable[str]) -> set[str]:
    """The resolutions whose numbered paragraphs these documents hold (the groups they can be in)."""
    return {m.resolution for d in document_ids for m in index.mandates_of(d) if m.paragraph}


def _documents_of(index: MandateIndex, resolutions: set[str]) -> set[str]:
    documents: set[str] = set()
    for resolution in sorted(resolutions):
        offset = 0
        while True:
            found = index.search(SearchQuery(filters={"resolution": [resolution]}, limit=_PAGE, offset=offset))
            documents.update(h.mandate.document for h in found.hits)
            offset += _PAGE
            if not found.hits or offset >= found.total:
                break
    return documents


def agree_versions(index: MandateIndex, resolutions: Iterable[str] | None = None,
                   area_calibration: dict | Callable[[], dict | None] | None = None) -> int:
    """Agree the labels of every version group in these resolutions (None: the whole index); rewrites
    the documents whose mandates changed and returns how many. `area_calibration`: the classifier's
    (or a function giving it, called only when some paragraph has versions)."""
    if resolutions is None:
        documents = [d.id for d in index.list_documents()]
    else:
        wanted = set(resolutions)
        if not wanted:
            return 0
        documents = sorted(_documents_of(index, wanted))
    held: dict[str, list[Mandate]] = {d: index.mandates_of(d) for d in documents}
    mandates = [m for d in documents for m in held[d]]
    if callable(area_calibration):
        area_calibration = area_calibration() if group_versions(mandates) else None
    agreed = iter(agree_all(mandates, area_calibration))
    changed = []
    for doc_id in documents:
        before = held[doc_id]
        after = [next(agreed) for _ in before]
        document = index.get_document(doc_id) if after != before else None
        if document is not None:
            changed.append((document, after, None))
    index.replace_documents(changed)  # Elasticsearch: a few _bulk requests and one refresh
    return len(changed)
