"""Export a search: every hit (up to a cap, from the first, whatever the page) as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any, Literal

from extractors.schema import Mandate
from index.base import MandateIndex, SearchQuery
from service.spreadsheet import safe_row
from service.usecases.labels import label
from service.usecases.results import ExportFile
from service.usecases.search import SearchRequest, ordered_hits, prepare

ExportFormat = Literal["csv", "json"]

COLUMNS = (
    "citation", "resolution", "resolution_title", "adopted", "adopted_source", "session", "paragraph", "language",
    "language_label", "text", "verb", "actor", "actor_label", "actor_entity", "actor_text", "actor_source",
    "actor_confidence", "actor_entities", "with_partners",
    "with_partners_label", "action_area", "action_area_label", "action_area_source", "deadline", "source",
    "table_row", "table_section", "id", "document_symbol", "document",
)  # fmt: skip


def export_mandates(
    index: MandateIndex,
    request: SearchRequest | SearchQuery,
    cap: int,
    format: ExportFormat = "csv",
    now: datetime | None = None,
) -> ExportFile:
    prepared = prepare(index, request)
    hits = ordered_hits(index, prepared, cap)
    symbols = {d.id: d.symbol for d in index.list_documents()}
    dates = prepared.dates
    rows = [_row(h.mandate, symbols.get(h.mandate.document), dates.of(h.mandate), dates.source_of(h.mandate))
            for h in hits]
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    if format == "json":
        body = json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")
        return ExportFile(
            body=body, media_type="application/json; charset=utf-8", filename=f"mandates-{stamp}.json"
        )
    return ExportFile(body=to_csv(rows), media_type="text/csv; charset=utf-8", filename=f"mandates-{stamp}.csv")


def _row(mandate: Mandate, document_symbol: str | None = None, adopted: str | None = None,
         adopted_source: str | None = None) -> dict[str, Any]:
    """One row; `adopted_source`: document (the resolution's own document states the date) or session
    (the last day of its UNEA session: "adopted (by session)")."""
    data = mandate.model_dump()
    data.update(
        citation=mandate.citation,
        adopted=adopted,
        adopted_source=adopted_source,
        document_symbol=document_symbol,
        source=label("source_kind", mandate.source.kind),
        table_row=mandate.source.row,
        table_section=mandate.source.section,
    )
    for field in ("actor", "action_area", "language"):
        data[f"{field}_label"] = label(field, data[field])
    data["with_partners_label"] = label("with_partners", "true" if mandate.with_partners else "false")
    return {column: data.get(column) for column in COLUMNS}


def to_csv(rows: list[dict[str, Any]] | list[Mandate]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        row = _row(row) if isinstance(row, Mandate) else dict(row)
        # one cell per column: "UNEP Executive Director; WHO (partner)"
        row["actor_entities"] = "; ".join(
            f"{e['name']} (partner)" if e.get("partner") else e["name"] for e in row.get("actor_entities") or [])
        writer.writerow(safe_row(row))
    # The BOM is what makes Excel read UTF-8 (and so Chinese) correctly.
    return buffer.getvalue().encode("utf-8-sig")
