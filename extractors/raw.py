"""What a reader hands to the structure parser: text blocks and tables, with page numbers.

Readers (extractors/formats/) know file formats; the structure parser (extractors/structure.py)
knows UN document conventions. This is the seam between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractors.schema import DocumentFormat


@dataclass
class RawBlock:
    """One paragraph of running text, lines and hyphenation already joined."""

    text: str
    page: int | None = None
    # A reader's hint where the format gives one ("heading", "list", "frontmatter"…); may be None.
    style: str | None = None


@dataclass
class RawTable:
    """One table: rows of cell texts. Cells keep inner line breaks as "\n"."""

    rows: list[list[str]]
    page: int | None = None
    # index into RawDocument.blocks of the block that follows the table (to keep reading order)
    position: int = 0


@dataclass
class ReaderNote:
    """What a reader could not settle or could not read (a paragraph break it had to guess, characters
    without Unicode): reported with the extraction's skipped items, never passed over in silence."""

    reason: str
    page: int | None = None
    text: str | None = None


@dataclass
class RawDocument:
    source: str  # file path or upload name, for messages
    id: str  # content hash of the bytes (extractors.schema.content_hash)
    format: DocumentFormat
    blocks: list[RawBlock] = field(default_factory=list)
    tables: list[RawTable] = field(default_factory=list)
    pages: int | None = None
    # what the container itself says: e.g. {"symbol": "UNEP/EA.2/Res.11"} from a registry file name
    metadata: dict[str, str] = field(default_factory=dict)
    notes: list[ReaderNote] = field(default_factory=list)
