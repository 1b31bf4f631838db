"""UN document symbols and resolution numbers: `3/7` ↔ `UNEP/EA.3/Res.7`, `A/RES/79/206`."""

from __future__ import annotations

import re
from dataclasses import dataclass

# UNEA resolution symbols: UNEP/EA.3/Res.7 (also RES in the registry's file names)
_UNEA_SYMBOL = re.compile(r"UNEP/EA\.(\d+)/(Res|RES|res|L|HLS|INF)\.(\d+)", re.I)
# Other Assembly documents (reports, notes): UNEP/EA.4/3, UNEP/EA.4/3/Add.1, UNEP/EA.4/1/Rev.1
_UNEA_DOCUMENT = re.compile(r"UNEP/EA\.(\d+)/(\d+)((?:/(?:Add|Rev|Corr)\.\d+)*)", re.I)
# A language tag UN file names often end with: UNEP_EA.4_3.zh.txt, A_RES_79_206-ZH.pdf
_LANGUAGE_SUFFIX = re.compile(r"[._-](?:ar|zh|en|es|fr|ru)$", re.I)
# General Assembly: A/RES/79/206
_GA_SYMBOL = re.compile(r"A/RES/(\d+)/(\d+)", re.I)
# A resolution number as resolutions print it: "3/7", "2/11" ("3/7." heading, "3/7: 标题" in tables)
_NUMBER = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,3})(?![\d/])")


@dataclass(frozen=True)
class ResolutionRef:
    number: str | None  # "3/7"
    symbol: str | None  # "UNEP/EA.3/Res.7"
    session: int | None


def unea_symbol(session: int, number: int) -> str:
    return f"UNEP/EA.{session}/Res.{number}"


def parse_symbol(text: str) -> ResolutionRef | None:
    """Find a UNEA or GA resolution symbol in text, normalised (`RES` → `Res` for UNEA)."""
    m = _UNEA_SYMBOL.search(text)
    if m:
        session, kind, num = int(m.group(1)), m.group(2), int(m.group(3))
        kind = "Res" if kind.lower() == "res" else kind.upper()
        number = f"{session}/{num}" if kind == "Res" else None
        return ResolutionRef(number, f"UNEP/EA.{session}/{kind}.{num}", session)
    m = _GA_SYMBOL.search(text)
    if m:
        session, num = int(m.group(1)), int(m.group(2))
        return ResolutionRef(f"{session}/{num}", f"A/RES/{session}/{num}", session)
    return None


def parse_unea_number(text: str) -> ResolutionRef | None:
    """A bare UNEA resolution number such as `3/7` → its UNEA symbol."""
    m = _NUMBER.search(text)
    if not m:
        return None
    session, num = int(m.group(1)), int(m.group(2))
    return ResolutionRef(f"{session}/{num}", unea_symbol(session, num), session)


def symbol_from_filename(name: str) -> str | None:
    """UN files are named by symbol with `/` → `_`: UNEP_EA.2_RES.11.json → UNEP/EA.2/Res.11, and
    UNEP_EA.4_3.zh.txt → UNEP/EA.4/3 (a report; its language tag dropped)."""
    stem = name.rsplit("/", 1)[-1]
    stem = re.sub(r"\.(json|pdf|docx|txt)$", "", stem, flags=re.I)
    stem = _LANGUAGE_SUFFIX.sub("", stem).replace("_", "/")
    ref = parse_symbol(stem)
    if ref:
        return ref.symbol
    # the whole name must be the symbol: "UNEP/EA.4/3" inside a longer name could be anything
    m = _UNEA_DOCUMENT.fullmatch(stem)
    if not m:
        return None
    suffix = re.sub(r"(add|rev|corr)", lambda k: k.group(1).capitalize(), m.group(3), flags=re.I)
    return f"UNEP/EA.{int(m.group(1))}/{int(m.group(2))}{suffix}"
