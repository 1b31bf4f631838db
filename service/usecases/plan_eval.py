"""`eval --plan`: the drafted plan of the resolutions the seed's Annex II covers and whose text is
bundled (2/8, 2/9, 2/11) against Annex II itself (Chinese), aligned by models.plan_alignment.

Two drafts are compared: one labelled by the shipped classifier, which was trained on these very
Annex II rows and their English pairs (so its area figures are in-sample), and one by the same
recipe fitted without these three resolutions (a fair figure for a session nobody labelled).
The seed's hand-checked zh–en pairs (models/data/en_pairs.jsonl) check the alignment itself.

Next to them, the bullets themselves on every bundled session (issue 25): their length in words (median,
max, share over 40), broken bullets (service.plan_formats.tasks.broken_reason: the bullet names its
addressee first, or opens with a noun phrase or an "-ing" form) and mandates placed more than once.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractors.schema import Mandate
from extractors.tables import load_seed_annex_mandates
from models.plan_alignment import DEFAULT_THRESHOLD, AlignmentReport, PlanBulletRef, compare
from service.plan_formats.tasks import bullet_figures, task_of
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
                    # the task before its length cut ("…"): the cut is layout, and the aligner needs the
                    # words that say which Annex II bullet it is
                    text = (task_of(m, soft=10**6, hard=10**6).text or b.bullet) if b.cut else b.bullet
                    seen[m.id] = PlanBulletRef(m.resolution_number or "", text, frozenset(areas_of(m)),
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


# --- The bullets of every bundled session ---------------------------------------------------------


def bundled_sessions() -> dict[int, list[Path]]:
    """UNEA session → its bundled resolution files (UNEP_EA.4_RES.6.json …)."""
    out: dict[int, list[Path]] = defaultdict(list)
    for path in sorted(BUNDLED.glob("UNEP_EA.*_RES.*.json")):
        out[int(path.name.split(".")[1].split("_")[0])].append(path)
    return dict(sorted(out.items()))


def plan_bullet_figures(plan: Plan) -> dict[str, Any]:
    """Bullet length, broken bullets and repeated mandates of one plan."""
    placed = Counter(b.mandate.id for b in plan.bullets)
    figures = bullet_figures([(b.mandate, b.bullet) for b in plan.bullets])
    return {
        "resolutions": len(plan.resolutions),
        **figures,
        "repeated_mandates": sum(1 for n in placed.values() if n > 1),
        "not_tasks": len(plan.not_tasks),
    }


def session_bullet_figures(classify: Any) -> dict[int, dict[str, Any]]:
    """plan_bullet_figures of each bundled session's plan (drafted from its files, labelled by `classify`)."""
    return {session: plan_bullet_figures(plan_from_paths(paths, "en", classify=classify))
            for session, paths in bundled_sessions().items()}  # fmt: skip


def format_bullet_figures(figures: dict[int, dict[str, Any]]) -> str:
    lines = [
        "",
        "Plan bullets per bundled session (targets: median ≤ 20 words, none over 40, 0 broken, 0 repeated)",
        f"{'session':>8}{'resolutions':>13}{'bullets':>9}{'median words':>14}{'max words':>11}"
        f"{'share > 40':>12}{'broken':>8}{'repeated':>10}{'not tasks':>11}",
    ]
    for session, f in figures.items():
        lines.append(
            f"{session:>8}{f['resolutions']:>13}{f['bullets']:>9}{f['median_words']:>14}{f['max_words']:>11}"
            f"{f['over_40_share']:>12}{f['broken']:>8}{f['repeated_mandates']:>10}{f['not_tasks']:>11}"
        )
        lines += [f"{'':>8}broken: {example}" for example in f["broken_examples"]]
    return "\n".join(lines)
