"""What a document is, read from what it states: the body that issued it (UNEA, the UN General
Assembly), its kind (resolution, decision, ministerial declaration, report, draft) and whether its
symbol is official (stated by the document or its UN container, never made up from a heading).

The cue words are data (extractors/data/document_kinds.json); a symbol the document states decides first.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "document_kinds.json"
BODY_LABELS = {"unea": "UN Environment Assembly", "unga": "UN General Assembly"}

_BY_SYMBOL = (  # symbol pattern → (body, kind)
    (re.compile(r"^UNEP/EA\.\d+/Res\.\d+", re.I), ("unea", "resolution")),
    (re.compile(r"^UNEP/EA\.\d+/Dec\.\d+", re.I), ("unea", "decision")),
    (re.compile(r"^UNEP/EA\.\d+/HLS\.\d+", re.I), ("unea", "ministerial_declaration")),
    (re.compile(r"^UNEP/EA\.\d+/L\.\d+", re.I), ("unea", "draft")),
    (re.compile(r"^UNEP/EA\.\d+/\d+", re.I), ("unea", "report")),
    (re.compile(r"^A/RES/\d+/\d+", re.I), ("unga", "resolution")),
    (re.compile(r"^A/\d+/L\.\d+", re.I), ("unga", "draft")),
)


@cache
def _cues() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _first_cue(groups: dict[str, list[str]], text: str) -> str | None:
    """The group whose cue appears earliest in the text (a masthead comes before what it cites)."""
    lowered = text.lower()
    found = [(lowered.find(c.lower()), group) for group, cues in groups.items() for c in cues if c.lower() in lowered]
    return min(found)[1] if found else None


def read_body_and_kind(symbol: str | None, head: str, *, draft: bool = False, resolutions: int = 0) -> tuple[str | None, str]:
    """(body, kind) from the document's symbol, else from its first blocks' words."""
    for pattern, (body, kind) in _BY_SYMBOL:
        if symbol and pattern.match(symbol):
            return body, "draft" if draft else kind
    body = _first_cue(_cues()["bodies"], head)
    if draft:
        return body, "draft"
    kind = _first_cue(_cues()["kinds"], head)
    if kind is None:
        kind = "resolution" if resolutions and body else "other"
    return body, kind


def states_symbol(symbol: str | None, head: str, container: str | None) -> bool:
    """The symbol is the container's (a UN registry record, a UN file name) or written in the text."""
    if not symbol:
        return False
    if container and container.lower() == symbol.lower():
        return True
    return re.sub(r"\s+", "", symbol).lower() in re.sub(r"\s+", "", head).lower()
