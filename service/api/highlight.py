"""Highlights as the API returns them: plain text with only <mark>…</mark> as markup."""

from __future__ import annotations

import html
import re

_MARK = re.compile(r"(</?mark>)")


def plain_with_marks(highlight: str) -> str:
    """Undo any HTML escaping a backend applied, keeping <mark> tags, so every client escapes once.

    Clients (the page included) must HTML-escape this and re-allow only <mark>.
    """
    if "&" not in highlight:
        return highlight
    return "".join(p if _MARK.fullmatch(p) else html.unescape(p) for p in _MARK.split(highlight))
