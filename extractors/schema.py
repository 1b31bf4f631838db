"""The data model of unea-mandates, and the label sets, defined once.

Every layer (extractors → models → index → service) speaks these types.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

# --- Label sets (the only place they are defined) -------------------------------------------

ActionArea = Literal["knowledge", "implementation", "infrastructure", "awareness", "leadership"]
ACTION_AREAS: tuple[str, ...] = get_args(ActionArea)

# intergovernmental: the assemblies themselves and their organs and subsidiary bodies (Committee of
# Permanent Representatives, open-ended working groups, negotiating committees, the Bureau, the
# President), conferences of the parties and other treaty bodies, executive boards.
Actor = Literal["unep", "member_states", "un_system", "stakeholders", "intergovernmental"]
ACTORS: tuple[str, ...] = get_args(Actor)

ParagraphKind = Literal["preambular", "operative"]
SourceKind = Literal["paragraph", "table"]
DocumentFormat = Literal["pdf", "docx", "text", "registry-json"]
DocumentBody = Literal["unea", "unga"]
DocumentKind = Literal["resolution", "decision", "ministerial_declaration", "report", "draft", "other"]
DOCUMENT_FORMATS: tuple[str, ...] = get_args(DocumentFormat)
# Where a document's adoption date came from: stated by the document, or its UNEA session's last day.
DateOrigin = Literal["document", "session"]

# Where a label came from: stated by the document itself (a mandate table's section/column),
# read off the mandate's own grammatical subject by rules, or predicted by a model.
# "reviewed": set by a maintainer's correction (corpus.corrections); it wins over all the others.
# "precedent": the label of the nearest mandate the document itself labelled (models.precedents).
LabelOrigin = Literal["document", "rule", "model", "reviewed", "precedent"]
# An actor may also be stated to be unreadable: "none" (no addressee could be read; nothing invented).
ActorOrigin = Literal["document", "rule", "model", "none", "reviewed"]

# Languages: ISO 639-1 codes of the six UN languages, the one list every room uses. All six are read
# (extractors/lang/<code>).
UN_LANGUAGES: tuple[str, ...] = ("ar", "zh", "en", "fr", "ru", "es")

# Fields a search can be filtered and faceted on (index and service use this list).
FILTER_FIELDS: tuple[str, ...] = (
    "resolution",
    "session",
    "actor",
    "action_area",
    "language",
    "with_partners",
    "document",
)


def content_hash(data: bytes) -> str:
    """Document identity: the SHA-256 of the file's bytes (same file → same id)."""
    return hashlib.sha256(data).hexdigest()


class Document(BaseModel):
    """One source file (a resolution, a compilation of resolutions, or a report with tables)."""

    model_config = ConfigDict(frozen=False)

    id: str = Field(description="SHA-256 of the file's bytes")
    symbol: str | None = Field(None, description="e.g. UNEP/EA.4/3, A/RES/79/206")
    language: str = Field("und", description="ISO 639-1 code of the main language")
    title: str | None = None
    session: int | None = Field(None, description="UNEA session (1..n) or GA session")
    date: str | None = Field(
        None, description="ISO date it was adopted: as the document states it, else (an adopted UNEA text) the last "
        "day of its session (date_source says which)")
    date_source: DateOrigin | None = Field(
        None, description="document: the date is read from the document; session: it states none, and the date is "
        "the last day of the UNEA session that adopted it (extractors/data/unea_sessions.json); None: no date")
    source_file: str = ""
    format: DocumentFormat = "text"
    body: DocumentBody | None = Field(None, description="who issued it, as the document states: unea, unga")
    kind: DocumentKind | None = Field(
        None, description="resolution, decision, ministerial_declaration, report, draft or other, read from its text"
    )
    official: bool = Field(
        False, description="its symbol is stated by the document or its UN container (registry record, UN file name)"
    )
    uploaded: bool = Field(False, description="added through POST /v1/documents rather than the bundled corpus")


class Resolution(BaseModel):
    """A resolution inside a document (a compilation holds many)."""

    number: str | None = Field(None, description="e.g. 3/7 or 79/206")
    symbol: str | None = Field(None, description="e.g. UNEP/EA.3/Res.7")
    title: str | None = None
    session: int | None = None
    language: str = "und"

    @property
    def key(self) -> str:
        """How mandates cite it: the symbol when known, else the number, else the title."""
        return self.symbol or self.number or (self.title or "unknown")


class Paragraph(BaseModel):
    resolution: str = Field(description="Resolution.key of the resolution it belongs to")
    number: str | None = Field(None, description="number path such as 7, 7(d), 7(a)(i); None if unnumbered")
    kind: ParagraphKind
    text: str
    page: int | None = None
    language: str = "und"
    section: str | None = Field(None, description="the heading inside the resolution it stands under, as written "
                                "(\"Transfer of technology\"); None before any heading")


class Source(BaseModel):
    kind: SourceKind = "paragraph"
    page: int | None = None
    # Where a mandate table's bullet sits, as the document prints it (None for paragraphs)
    document_symbol: str | None = Field(None, description="the document holding the table, e.g. UNEP/EA.4/3")
    annex: str | None = Field(None, description="the annex the table is in, e.g. II; for a paragraph of a "
                              "declaration annexed to a resolution, the annex's number as printed, '' when it has none")
    row: int | None = Field(None, description="the table's data row (1-based, header and section rows not counted)")
    item: int | None = Field(None, description="the bullet's place in its row when the row holds several; for a "
                             "paragraph, the mandate's place among the paragraph's mandates when it holds several")
    section: str | None = Field(None, description="the section row above it, as written (the action area); for a "
                                "paragraph, the heading inside the resolution it stands under (Paragraph.section)")


class Addressee(BaseModel):
    """A body a mandate names: its canonical name (extractors/lang/*/addressees.json) and actor class."""

    name: str = Field(description="e.g. 'UNEP Executive Director', 'WHO'; the stated words when not in the gazetteer")
    actor: Actor | None = Field(None, description="None: not in the gazetteer")
    partner: bool = Field(False, description="named as a partner ('in cooperation with WHO'), not as the one asked")


class Mandate(BaseModel):
    """An operative instruction with someone responsible for it."""

    id: str = Field(description="stable across re-runs of the same file")
    document: str = Field(description="Document.id")
    resolution: str = Field(description="symbol (UNEP/EA.3/Res.7) when known, else number (3/7)")
    resolution_number: str | None = Field(None, description="e.g. 3/7")
    resolution_title: str | None = None
    session: int | None = None
    paragraph: str | None = Field(None, description="number path, e.g. 7(d); None for table bullets")
    language: str
    text: str = Field(description="the whole instruction, readable alone")
    clause: str | None = Field(
        None, description="when its paragraph holds several mandates: this mandate's own words, from its lead verb "
        "to the next mandate's (text keeps the whole paragraph); None when the paragraph holds only this one")
    verb: str | None = Field(None, description="lead verb, e.g. requests, 请")
    actor_text: str | None = Field(None, description="e.g. 'the Executive Director', '会员国'")
    actor: Actor | None = None
    actor_source: ActorOrigin | None = None
    actor_entity: str | None = Field(None, description="canonical name of the addressee asked, e.g. 'Secretary-General'")
    actor_entities: list[Addressee] = Field(
        default_factory=list, description="every body the mandate names: the one asked first, then co-addressees and partners")
    actor_confidence: float | None = Field(None, description="the model's probability when actor_source is 'model'")
    with_partners: bool = False
    with_partners_source: LabelOrigin | None = Field(None, description="reviewed when a maintainer set it")
    conditions: list[str] = Field(default_factory=list)
    deadline: str | None = None
    action_area: ActionArea | None = None
    action_area_source: LabelOrigin | None = None
    scores: dict[str, float] | None = Field(None, description="action area → probability, when predicted")
    action_areas: list[ActionArea] | None = Field(
        None, description="every area whose calibrated probability passes the cross-validated threshold, "
        "action_area first (when predicted)")
    uncertain: bool | None = Field(None, description="the model's top two areas are close (when predicted)")
    action_area_precedent: str | None = Field(
        None, description="citation of the labelled mandate whose area was reused (action_area_source precedent)")
    source: Source = Field(default_factory=Source)
    reviewed_at: str | None = Field(
        None, description="when a maintainer last corrected its labels (ISO 8601, UTC); of a paragraph's versions "
        "reviewed otherwise, the latest review wins")
    versions_agreed: list[str] | None = Field(
        None, description="languages of this paragraph's indexed versions (same resolution, paragraph number and "
        "place in it; this one included) whose labels were agreed into one (models.version_agreement): the area is "
        "the classifier's probabilities averaged over them, unless a reviewed, document or precedent label of any "
        "of them wins; None: no other version indexed")
    language_reading: dict[str, Any] | None = Field(
        None, description="this version's own labels (actor, action_area, their sources, scores…) as its own "
        "language read them, before the versions' labels were agreed (with versions_agreed)")

    @property
    def citation(self) -> str:
        """`UNEP/EA.2/Res.11, para. 11, second mandate`; `A/RES/78/1, annex, para. 22` (an annexed declaration)."""
        if self.paragraph:
            where = paragraph_citation(self.resolution, self.paragraph)
            if self.source.kind == "paragraph" and self.source.item:
                where += f", {_ordinal(self.source.item)} mandate"
            return where
        if self.source.kind == "table":
            return self._table_citation()
        return self.resolution

    def _table_citation(self) -> str:
        """`UNEP/EA.4/3, annex II, row 14, item 2 (on resolution 3/7)`: where the row is printed."""
        where = self.source
        if where.row is None:
            return f"{self.resolution} (mandate table)"
        parts = [p for p in (where.document_symbol, f"annex {where.annex}" if where.annex else None) if p]
        parts.append(f"row {where.row}" + (f", item {where.item}" if where.item else ""))
        return f"{', '.join(parts)} (on resolution {self.resolution_number or self.resolution})"


_ANNEXED = re.compile(r"^(annex(?: [IVXLC\d]+)?) (\d.*)$")
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def annexed_paragraph(annex: str, number: str) -> str:
    """The paragraph field of an annexed declaration's paragraph: ("", "22") → "annex 22", ("II", "3") → "annex II 3"."""
    return f"annex {annex} {number}" if annex else f"annex {number}"


def annex_of(number: str | None) -> str | None:
    """The annex label of an annexed paragraph's number ("annex 22" → "", "annex II 3" → "II"); None otherwise."""
    m = _ANNEXED.match(number or "")
    return m.group(1)[6:] if m else None


def paragraph_citation(resolution: str, number: str) -> str:
    """`UNEP/EA.3/Res.7, para. 7(d)`; an annexed declaration's `A/RES/78/1, annex, para. 22`."""
    annexed = _ANNEXED.match(number)
    return f"{resolution}, {annexed.group(1)}, para. {annexed.group(2)}" if annexed else f"{resolution}, para. {number}"


def _ordinal(n: int) -> str:
    return _ORDINALS[n - 1] if 0 < n <= len(_ORDINALS) else f"no. {n}"


def mandate_id(document_id: str, resolution: str, locator: str, text: str) -> str:
    """Stable id: same document, same place, same text → same id on every run."""
    digest = hashlib.sha256(f"{document_id}\x1f{resolution}\x1f{locator}\x1f{text}".encode()).hexdigest()
    return digest[:20]


class SkippedItem(BaseModel):
    """Something the extractor saw and deliberately did not turn into a mandate, with why."""

    where: str
    reason: str
    text: str | None = None


class ExtractionResult(BaseModel):
    document: Document
    resolutions: list[Resolution] = Field(default_factory=list)
    paragraphs: list[Paragraph] = Field(default_factory=list)
    mandates: list[Mandate] = Field(default_factory=list)
    skipped: list[SkippedItem] = Field(default_factory=list)
    pages: int | None = None


class UnreadableDocument(Exception):
    """A file that cannot be read: corrupt, encrypted, empty, not a document, unsupported language."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
