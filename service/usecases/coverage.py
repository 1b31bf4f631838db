"""What the index holds, said plainly (documents per body and session, kinds, languages), so that a
missing mandate is not taken for one that does not exist."""

from __future__ import annotations

from collections import Counter

from extractors.kinds import BODY_LABELS
from extractors.schema import Document
from index.base import MandateIndex, SearchQuery
from service.usecases.results import Coverage


def body_session(document: Document) -> str:
    """`UNEA-4`, `UN General Assembly, session 79`, or `body not stated`."""
    if document.body == "unea":
        return f"UNEA-{document.session}" if document.session else BODY_LABELS["unea"]
    if document.body:
        label = BODY_LABELS.get(document.body, document.body)
        return f"{label}, session {document.session}" if document.session else label
    return "body not stated"


def coverage_of(index: MandateIndex, documents: list[Document] | None = None) -> Coverage:
    documents = index.list_documents() if documents is None else documents
    facets = index.facets(SearchQuery())
    languages = facets.get("language", {})
    return Coverage(
        documents=len(documents),
        mandates=sum(languages.values()),
        by_body_session=dict(sorted(Counter(body_session(d) for d in documents).items(), key=_natural)),
        by_kind=dict(Counter(d.kind or "other" for d in documents).most_common()),
        documents_by_language=dict(Counter(d.language for d in documents).most_common()),
        mandates_by_language=languages,
        uploaded=sum(d.uploaded for d in documents),
        official=sum(d.official for d in documents),
        resolutions=len(facets.get("resolution", {})),
    )


def _natural(item: tuple[str, int]) -> tuple:
    name = item[0]
    digits = "".join(c for c in name if c.isdigit())
    return (name.rstrip("0123456789"), int(digits) if digits else 0, name)
