"""The UN registry's paragraph export (a JSON list of {"text", "type"} objects) → RawDocument."""

from __future__ import annotations

import json

from extractors.formats.text import squash
from extractors.raw import RawBlock, RawDocument
from extractors.schema import UnreadableDocument
from extractors.symbols import symbol_from_filename


def registry_items(text: str) -> list[dict] | None:
    """The UN registry's paragraph export: a JSON list of objects with "text"; else None."""
    if not text.lstrip().startswith("["):
        return None
    try:
        items = json.loads(text)
    except ValueError:
        return None
    if not isinstance(items, list) or not items:
        return None
    if not all(isinstance(it, dict) for it in items) or not any("text" in it for it in items):
        return None
    return items


def read_registry_json(items: list[dict], source: str, doc_id: str) -> RawDocument:
    raw = RawDocument(source=source, id=doc_id, format="registry-json")
    for it in items:
        text = squash(str(it.get("text") or ""))
        if text:
            kind = it.get("type")
            raw.blocks.append(RawBlock(text=text, style=str(kind) if kind else None))
    symbol = symbol_from_filename(source)
    if symbol:
        raw.metadata["symbol"] = symbol  # a hint from the export's file name, not from the text
    if not raw.blocks:
        raise UnreadableDocument(source, "registry JSON holds no text")
    return raw


