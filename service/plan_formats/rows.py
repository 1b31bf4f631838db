"""A plan as rows: JSON lines (one object per non-empty cell) and CSV (one row per bullet)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from service.plan_formats import Headings
from service.spreadsheet import safe_row
from service.usecases.plan import Plan, PlanBullet, PlanRow, PlanSection

CSV_COLUMNS = (
    "action_area", "action_area_label", "resolution", "resolution_number", "title", "actor", "actor_label",
    "paragraph", "bullet", "with_partners", "uncertain", "action_area_source", "actor_source", "id", "text",
    "addressee", "also_action_areas",
)  # fmt: skip


def _cells(plan: Plan) -> Iterator[tuple[PlanSection, PlanRow, str, list[PlanBullet]]]:
    """(section, row, actor, bullets) per non-empty cell; the shared "Other addressees" column is split by
    each bullet's own actor, so a file's actor is always one of the label set."""
    for section in plan.sections:
        for row in section.rows:
            for column in plan.actors:
                by_actor: dict[str, list[PlanBullet]] = {}
                for b in row.cells.get(column, []):
                    by_actor.setdefault(b.actor, []).append(b)
                for actor, bullets in by_actor.items():
                    yield section, row, actor, bullets


def _label(value: str) -> str | None:
    return None if value == "unassigned" else value


def cell_records(plan: Plan) -> Iterator[dict[str, Any]]:
    """The jsonl contract: one object per non-empty (resolution, area, actor) cell."""
    for section, row, actor, bullets in _cells(plan):
        yield {
            "resolution": row.resolution,
            "resolution_number": row.resolution_number,
            "title": row.title,
            "action_area": _label(section.area),
            "actor": _label(actor),
            "mandates": [
                {
                    "id": b.mandate.id,
                    "paragraph": b.paragraph,
                    "text": b.mandate.text,
                    "bullet": b.bullet,
                    "with_partners": b.with_partners,
                    "action_area_source": b.mandate.action_area_source,
                    "actor_source": b.mandate.actor_source,
                    "uncertain": b.uncertain,
                    "addressee": b.addressee or None,
                    "also_action_areas": list(b.also),
                }
                for b in bullets
            ],
        }


def plan_jsonl(plan: Plan) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in cell_records(plan))


def plan_csv(plan: Plan) -> bytes:
    headings = Headings(plan.language)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for section, row, actor, bullets in _cells(plan):
        for b in bullets:
            writer.writerow(safe_row(
                {
                    "action_area": _label(section.area),
                    "action_area_label": headings.area_short(section.area),
                    "resolution": row.resolution,
                    "resolution_number": row.resolution_number,
                    "title": row.title,
                    "actor": _label(actor),
                    "actor_label": headings.actor_short(actor),
                    "paragraph": b.paragraph,
                    "bullet": b.bullet,
                    "with_partners": b.with_partners,
                    "uncertain": b.uncertain,
                    "action_area_source": b.mandate.action_area_source,
                    "actor_source": b.mandate.actor_source,
                    "id": b.mandate.id,
                    "text": b.mandate.text,
                    "addressee": b.addressee,
                    "also_action_areas": " ".join(b.also),
                }
            ))
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8 (Chinese) right
