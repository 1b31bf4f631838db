"""`eval --plan`: the drafted plan of the resolutions the seed's Annex II covers and whose text is
bundled (2/8, 2/9, 2/11) against Annex II itself (Chinese), aligned by models.plan_alignment.

Two drafts are compared: one labelled by the shipped classifier, which was trained on these very
Annex II rows and their English pairs (so its area figures are in-sample), and one by the same
recipe fitted without these three resolutions (a fair figure for a session nobody labelled).
The seed's hand-checked zh–en pairs (models/data/en_pairs.jsonl) check the alignment itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractors.schema import Mandate
from extractors.tables import load_seed_annex_mandates
from models.plan_alignment import DEFAULT_THRESHOLD, AlignmentReport, PlanBulletRef, compare
from service.usecases.plan import Plan, actor_of, areas_of, plan_from_paths

BUNDLED = Path(__file__).resolve().parents[2] / "corpus" / "bundled"
ANNEX_II_RESOLUTIONS: tuple[str, ...] = ("2/8", "2/9", "2/11")  # in Annex II and bundled in English


@dataclass
class PlanEvaluation:
    name: str  # which classifier labelled the draft
    report: AlignmentReport
    pairs_recovered: int  # hand-checked zh–en pairs whose Annex II bullet was matched to its paragraph
    pairs_total: int

    def figures(self) -> dict[str, Any]:
        return {"draft": self.name, **self.report.figures(), "checked_pairs_recovered": self.pairs_recovered,
                "checked_pairs": self.pairs_total}  # fmt: skip


def annex_ii_rows(resolutions: tuple[str, ...] = ANNEX_II_RESOLUTIONS) -> list[PlanBulletRef]:
    return [
        PlanBulletRef(m.resolution_number or "", m.text, frozenset({m.action_area or ""}), m.actor, m.id)
        for m in load_seed_annex_mandates()
        if m.resolution_number in resolutions
    ]


def drafted_bullets(plan: Plan) -> list[PlanBulletRef]:
    seen: dict[str, PlanBulletRef] = {}
    for section in plan.sections:
        for row in section.rows:
            for bullets in row.cells.values():
                for b in bullets:
                    m = b.mandate
                    actor = actor_of(m)
                    seen[m.id] = PlanBulletRef(m.resolution_number or "", b.bullet, frozenset(areas_of(m)),
                                               None if actor == "unassigned" else actor, m.id)  # fmt: skip
    return list(seen.values())


def evaluate_draft(
    name: str,
    classify: Any,
    embedder: Any,
    threshold: float = DEFAULT_THRESHOLD,
    resolutions: tuple[str, ...] = ANNEX_II_RESOLUTIONS,
) -> PlanEvaluation:
    paths = [BUNDLED / f"UNEP_EA.{r.split('/')[0]}_RES.{r.split('/')[1]}.json" for r in resolutions]
    plan = plan_from_paths(paths, "en", classify=classify)
    report = compare(annex_ii_rows(resolutions), drafted_bullets(plan), embedder, threshold)
    mandates = {
        b.mandate.id: b.mandate for s in plan.sections for r in s.rows for c in r.cells.values() for b in c
    }
    recovered, total = _checked_pairs(report, mandates)
    return PlanEvaluation(name, report, recovered, total)


def _checked_pairs(report: AlignmentReport, mandates: dict[str, Mandate]) -> tuple[int, int]:
    """Of the seed's hand-checked (Annex II bullet, English paragraph) pairs, how many the alignment
    gives back: the bullet matched to a drafted bullet of that very paragraph."""
    from models.training_data import load_en_pairs

    matched = {h.text: mandates[d.key].text for h, d, _ in report.pairs}
    pairs = [p for p in load_en_pairs() if p["resolution"] in {h.resolution for h, _, _ in report.pairs}]
    hits = sum(1 for p in pairs if p["zh"] in matched and _norm(p["en"]) in _norm(matched[p["zh"]]))
    return hits, len(pairs)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ;.:")


def format_evaluations(evaluations: list[PlanEvaluation]) -> str:
    lines = [
        "Plan vs the seed's Annex II (UNEP/EA.4/3), resolutions "
        + ", ".join(ANNEX_II_RESOLUTIONS)
        + f"; matched = one-to-one, cosine ≥ {evaluations[0].report.threshold} (multilingual USE)",
        "",
    ]
    labels = {
        "human_rows": "Annex II rows", "human_bullets": "Annex II bullets (distinct)",
        "drafted_bullets": "drafted bullets", "matched": "Annex II bullets matched",
        "matched_share": "share of Annex II bullets matched", "area_agreement": "of matched: same area",
        "actor_agreement": "of matched: same actor", "area_and_actor_agreement": "of matched: same area and actor",
        "cell_precision": "cell precision (all drafted cells)",
        "cell_precision_lead_columns": "cell precision (UNEP / Member States columns)",
        "cell_recall": "cell recall", "cells_drafted": "drafted non-empty cells",
        "cells_human": "Annex II non-empty cells", "checked_pairs_recovered": "hand-checked zh-en pairs recovered",
        "checked_pairs": "hand-checked zh-en pairs",
    }  # fmt: skip
    figures = [e.figures() for e in evaluations]
    lines.append(f"{'':48}" + "".join(f"{f['draft']:>26}" for f in figures))
    for key, label in labels.items():
        lines.append(f"{label:48}" + "".join(f"{f[key]:>26}" for f in figures))
    return "\n".join(lines)
