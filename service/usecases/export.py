"""Export a search: every hit (up to a cap, from the first, whatever the page) as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any, Literal

from extractors.schema import Mandate
from index.base import MandateIndex, SearchQuery
from service.usecases.results import ExportFile

ExportFormat = Literal["csv", "json"]

COLUMNS = (
    "citation", "resolution", "resolution_title", "session", "paragraph", "language", "text", "verb",
    "actor", "actor_text", "actor_source", "with_partners", "action_area", "action_area_source",
    "deadline", "id", "document",
)  # fmt: skip
_PAGE = 1000  # SearchQuery.limit's ceiling


def export_mandates(
    index: MandateIndex,
    query: SearchQuery,
    cap: int,
    format: ExportFormat = "csv",
    now: datetime | None = None,
) -> ExportFile:
    mandates = all_hits(index, query, cap)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    if format == "json":
        body = json.dumps([_row(m) for m in mandates], ensure_ascii=False, indent=1).encode("utf-8")
        return ExportFile(
            body=body, media_type="application/json; charset=utf-8", filename=f"mandates-{stamp}.json"
        )
    return ExportFile(
        body=to_csv(mandates), media_type="text/csv; charset=utf-8", filename=f"mandates-{stamp}.csv"
    )


def all_hits(index: MandateIndex, query: SearchQuery, cap: int) -> list[Mandate]:
    """Page through the search from its first hit (the export ignores the page's offset/limit)."""
    out: list[Mandate] = []
    offset = 0
    while len(out) < cap:
        page = index.search(query.model_copy(update={"offset": offset, "limit": min(_PAGE, cap - len(out))}))
        out.extend(hit.mandate for hit in page.hits)
        offset += len(page.hits)
        if not page.hits or offset >= page.total:
            break
    return out


def _row(mandate: Mandate) -> dict[str, Any]:
    data = mandate.model_dump()
    data["citation"] = mandate.citation
    return {column: data.get(column) for column in COLUMNS}


def to_csv(mandates: list[Mandate]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for mandate in mandates:
        writer.writerow(_row(mandate))
    # The BOM is what makes Excel read UTF-8 (and so Chinese) correctly.
    return buffer.getvalue().encode("utf-8-sig")
