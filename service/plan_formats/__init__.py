"""How a plan (service.usecases.plan.Plan) is written out: printable HTML, DOCX, CSV and JSON lines.

Shared here: the headings in the chosen language (headings.json), the seed's colours, and the marks a
bullet carries (⊕ with partners, [2] its other action areas) so every format writes them alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from extractors.schema import ACTION_AREAS
from service.i18n import counted

HEADINGS = Path(__file__).resolve().parent / "headings.json"

# The seed colours UNEP's tasks blue (alone) / purple (with partners) and Member States' green /
# yellow; the other addressees, which the seed has no column for, get grey / orange. Light tints so
# black text stays readable on paper; a with-partners bullet also carries PARTNERS_MARK, so the
# legend is one line and a grey-scale print still tells them apart.
_COLOURS: dict[str, tuple[str, str]] = {
    "unep": ("DDEBF7", "E4D7F0"),
    "member_states": ("E2EFDA", "FFF2B3"),
}
_OTHER_COLOURS = ("EDEDED", "FCE0C8")


@cache
def _headings() -> dict[str, Any]:
    return json.loads(HEADINGS.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Headings:
    """The words around the bullets, in one language."""

    language: str

    def _get(self, key: str) -> Any:
        return _headings()[self.language][key]

    def __getitem__(self, key: str) -> str:
        return self._get(key)

    def actor(self, actor: str) -> str:
        names = self._get("actors")
        return names.get(actor) or names["_other"].format(actor=actor.replace("_", " "))

    def actor_short(self, actor: str) -> str:
        return self._get("actor_short").get(actor) or actor.replace("_", " ")

    def area(self, area: str) -> str:
        return self._get("areas")[area]

    def area_short(self, area: str) -> str:
        return self._get("area_short")[area]

    def counts(self, resolutions: int, bullets: int) -> str:
        """ "2 resolutions, 1 bullet": each count in the plural form its language gives it."""
        return self._get("counts").format(
            resolutions=counted(self._get("resolutions_count"), self.language, resolutions),
            bullets=counted(self._get("bullets_count"), self.language, bullets),
        )

    def paragraph(self, number: str | None) -> str:
        return self._get("paragraph").format(number=number) if number else ""


def shading(actor: str, with_partners: bool) -> str:
    """Hex fill (RRGGBB) of a bullet: the actor's colour, its partner colour when done with partners."""
    alone, partners = _COLOURS.get(actor, _OTHER_COLOURS)
    return partners if with_partners else alone


def resolution_label(number: str | None, title: str | None, resolution: str) -> str:
    """ "2/8: Sustainable consumption and production", as the seed writes the first column."""
    head = number or resolution
    return f"{head}: {title}" if title else head


PARTNERS_MARK = "⊕"
OTHER_COLUMN = "other"  # service.usecases.plan.OTHER (not imported: the usecase imports this package)


def area_number(area: str) -> int:
    """knowledge → 1 … leadership → 5, as the seed numbers its action areas."""
    return ACTION_AREAS.index(area) + 1


def task_text(bullet: Any, column: str) -> str:
    """The task as a cell shows it: in the shared column, the body asked first ("Basel Convention: Consider …")."""
    if column == OTHER_COLUMN and bullet.addressee:
        return f"{addressee_label(bullet.addressee)}: {bullet.bullet}"
    return bullet.bullet


def addressee_label(addressee: str, most: int = 8) -> str:
    """ "the governing bodies of the … agreements" → "Governing bodies of the … agreements", at most `most` words."""
    words = addressee.strip(" ,;:").split()
    if words and words[0].lower() in ("the", "les", "le", "la", "los", "las", "el"):
        words = words[1:]
    text = " ".join(words[:most]) + ("…" if len(words) > most else "")
    return text[:1].upper() + text[1:]


def language_mark(bullet: Any, plan_language: str) -> str:
    """ " [EN]": a bullet in another language than the plan's headings says so ("" when the same)."""
    own = bullet.mandate.language
    return f" [{own.upper()}]" if own and own != plan_language else ""


def marks(bullet: Any) -> str:
    """ " ⊕ [2, 4]": with partners, and its other action areas ("" when neither)."""
    parts = [PARTNERS_MARK] if bullet.with_partners else []
    if bullet.also:
        parts.append("[" + ", ".join(str(area_number(a)) for a in bullet.also) + "]")
    return (" " + " ".join(parts)) if parts else ""
