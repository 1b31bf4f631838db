"""The UN registry's paragraph export (a JSON list of {"text", "type"} objects) → RawDocument."""

from __future__ import annotations

import json
import re

from pydantic import BaseModel, ConfigDict, ValidationError

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


class RegistryParagraph(BaseModel):
    """One item of the export, as far as the reader uses it: its text and type must be strings (or absent);
    the export's other fields (prefix, action_verb, …) are the tool's own and are not read."""

    model_config = ConfigDict(extra="allow", strict=True)

    text: str | None = None
    type: str | None = None


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _paragraph(item: dict, number: int, source: str) -> RegistryParagraph:
    """The item checked; UnreadableDocument naming the first bad field (nothing of the file is kept)."""
    try:
        paragraph = RegistryParagraph.model_validate(item)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        got = type(item.get(str(error["loc"][0]))).__name__ if error["loc"] else "?"
        raise UnreadableDocument(
            source, f"registry JSON item {number}: field {field!r} must be a string, not {got}") from None
    found = _LONE_SURROGATE.search(paragraph.text or "")
    if found:
        raise UnreadableDocument(source, f"registry JSON item {number}: its text holds a lone surrogate "
                                 f"(U+{ord(found.group()):04X}), which is not a character: the file is not valid Unicode")
    return paragraph


def read_registry_json(items: list[dict], source: str, doc_id: str) -> RawDocument:
    raw = RawDocument(source=source, id=doc_id, format="registry-json")
    for number, it in enumerate(items, start=1):
        paragraph = _paragraph(it, number, source)
        text = squash(paragraph.text or "")
        if text:
            raw.blocks.append(RawBlock(text=text, style=paragraph.type or None))
    symbol = symbol_from_filename(source)
    if symbol:
        raw.metadata["symbol"] = symbol  # a hint from the export's file name, not from the text
    if not raw.blocks:
        raise UnreadableDocument(source, "registry JSON holds no text")
    return raw


