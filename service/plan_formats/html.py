"""A plan as one printable HTML file (its stylesheet inlined), and the table the /plan page shows."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from service.plan_formats import Headings, addressee_label, area_number, language_mark, resolution_label
from service.usecases.plan import Plan, PlanBullet

SERVICE = Path(__file__).resolve().parents[1]
PLAN_CSS = SERVICE / "static" / "plan.css"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(SERVICE / "templates")), autoescape=select_autoescape(["html"])
    )
    env.globals["resolution_label"] = resolution_label
    return env


def also_numbers(bullet: PlanBullet) -> str:
    """ "2, 4": the bullet's other action areas, as the seed numbers them."""
    return ", ".join(str(area_number(a)) for a in bullet.also)


def not_task_citations(plan: Plan) -> str:
    """ "4/6 para. 12; 4/9 para. 3(b)": where the sentences left out as not tasks are."""
    return "; ".join(f"{m.resolution_number or m.resolution} {m.paragraph or ''}".strip() for m in plan.not_tasks)


def plan_context(plan: Plan, link_mandates: bool = False) -> dict:
    """What the plan templates need (the /plan page adds its own filters)."""
    return {
        "plan": plan,
        "h": Headings(plan.language),
        "link_mandates": link_mandates,
        "resolution_label": resolution_label,
        "addressee_label": addressee_label,
        "not_task_citations": not_task_citations,
        "also_numbers": also_numbers,
        "language_mark": language_mark,
        "direction": direction,
    }


def direction(language: str | None) -> str:
    return "rtl" if language == "ar" else "ltr"


def plan_html(plan: Plan) -> str:
    """A standalone document: opens from disk, prints landscape with the header row on every page."""
    template = _environment().get_template("plan_document.html")
    return template.render(**plan_context(plan), css=PLAN_CSS.read_text(encoding="utf-8"))
