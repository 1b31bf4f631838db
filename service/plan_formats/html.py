"""A plan as one printable HTML file (its stylesheet inlined), and the table the /plan page shows."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from service.plan_formats import Headings, resolution_label
from service.usecases.plan import Plan

SERVICE = Path(__file__).resolve().parents[1]
PLAN_CSS = SERVICE / "static" / "plan.css"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(SERVICE / "templates")), autoescape=select_autoescape(["html"])
    )
    env.globals["resolution_label"] = resolution_label
    return env


def plan_context(plan: Plan, link_mandates: bool = False) -> dict:
    """What the plan templates need (the /plan page adds its own filters)."""
    return {
        "plan": plan,
        "h": Headings(plan.language),
        "link_mandates": link_mandates,
        "resolution_label": resolution_label,
    }


def plan_html(plan: Plan) -> str:
    """A standalone document: opens from disk, prints landscape with the header row on every page."""
    template = _environment().get_template("plan_document.html")
    return template.render(**plan_context(plan), css=PLAN_CSS.read_text(encoding="utf-8"))
