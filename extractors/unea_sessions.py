"""When each session of the UN Environment Assembly met, and so when its resolutions were adopted.

Kept as data (extractors/data/unea_sessions.json): session → the days it met, in one or more parts
(UNEA-5 met online in 2021 and resumed in Nairobi in 2022). A session's resolutions are adopted on
the last day of its last part. A date found this way is *derived from the session*, not read from
a document: callers mark it so (Document.date_source "session").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from extractors.symbols import parse_symbol

DATA = Path(__file__).resolve().parent / "data" / "unea_sessions.json"

# Who decides: "document" (the document states its adoption date) or "session" (the last day of the
# UNEA session the document or resolution belongs to).
DATE_FROM_DOCUMENT = "document"
DATE_FROM_SESSION = "session"


@dataclass(frozen=True)
class Session:
    number: int
    place: str
    parts: tuple[tuple[str, str], ...]  # (first day, last day) of each part, ISO dates, in order

    @property
    def adopted(self) -> str:
        """The day its resolutions were adopted: the last day of its last part."""
        return self.parts[-1][1]


@cache
def sessions() -> dict[int, Session]:
    data = json.loads(DATA.read_text(encoding="utf-8"))["sessions"]
    return {
        int(n): Session(int(n), s.get("place", ""), tuple((first, last) for first, last in s["parts"]))
        for n, s in data.items()
    }


def session_adoption_date(session: int | None) -> str | None:
    """ISO date a UNEA session adopted its resolutions (the last day it met); None for a session
    the data does not know."""
    found = sessions().get(session) if session is not None else None
    return found.adopted if found else None


def unea_session_of(resolution: str | None) -> int | None:
    """The UNEA session that adopted a text cited by its symbol: a resolution (`UNEP/EA.3/Res.7`) or
    a ministerial declaration (`UNEP/EA.4/HLS.1`). None for a draft (`UNEP/EA.1/L.13`), a report
    (`UNEP/EA.4/3`), a General Assembly symbol, a bare number or a title: only an adopted text's
    UNEA symbol says the Assembly adopted it at that session."""
    if not resolution or not resolution.upper().startswith("UNEP/EA."):
        return None
    ref = parse_symbol(resolution)
    if ref is None or not ref.symbol or not re.match(r"UNEP/EA\.\d+/(?:Res|HLS)\.\d+$", ref.symbol):
        return None
    return ref.session


__all__ = [
    "DATE_FROM_DOCUMENT",
    "DATE_FROM_SESSION",
    "Session",
    "session_adoption_date",
    "sessions",
    "unea_session_of",
]
