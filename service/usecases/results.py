"""What the use cases take and give back: typed, shared by the API (its OpenAPI schema) and the CLI.

Mandates keep the schema's shape (extractors.schema.Mandate); `CitedMandate` adds the citation a
legal officer writes. Highlights are plain text with only <mark>…</mark> as markup: escaping
happens once, where HTML is written (the page's JS), never here.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from extractors.schema import Addressee, Document, Mandate


class CitedMandate(Mandate):
    """A mandate with the citation a legal officer writes (`UNEP/EA.3/Res.7, para. 7(d)`)."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def citation(self) -> str:
        return Mandate.citation.fget(self)  # type: ignore[attr-defined]

    @classmethod
    def of(cls, mandate: Mandate) -> CitedMandate:
        # the mandate is already valid: copy its fields rather than dump and re-validate them
        return cls.model_construct(_fields_set=mandate.model_fields_set, **mandate.__dict__)


# --- classify a draft ---------------------------------------------------------------------------


class ClassifyRequest(BaseModel):
    text: str = Field(description="a draft: one or many paragraphs", min_length=1)
    language: str | None = Field(
        None, description="ISO 639-1 code of a UN language (ar, en, es, fr, ru, zh); detected when omitted")


class PrecedentLink(BaseModel):
    id: str
    language: str
    citation: str


class Precedent(BaseModel):
    id: str
    citation: str
    text: str
    language: str
    resolution: str
    paragraph: str | None = None
    action_area: str | None = None
    actor: str | None = None
    score: float = Field(description="cosine similarity of meaning to the draft mandate")
    rank_score: float | None = Field(None, description="the fused (meaning + topical words) score it was ranked by")
    similarity: float | None = Field(None, description="cosine similarity of meaning to the draft mandate")
    matched_words: list[str] = Field(default_factory=list, description="the draft's words this mandate shares")
    why: str = Field("", description="why it matched, in words")
    other_languages: list[PrecedentLink] = Field(
        default_factory=list, description="the same resolution's matching mandates in other languages"
    )


class ClassifiedMandate(BaseModel):
    text: str
    language: str
    paragraph: str | None = None
    verb: str | None = None
    actor: str | None = None
    actor_text: str | None = None
    actor_source: str | None = None
    actor_entity: str | None = None
    actor_entities: list[Addressee] = Field(default_factory=list)
    actor_confidence: float | None = None
    with_partners: bool = False
    with_partners_source: str | None = None
    action_area: str | None = None
    action_area_source: str | None = None
    scores: dict[str, float] | None = None
    action_areas: list[str] | None = Field(None, description="every area above the calibrated threshold, "
                                           "action_area first")
    uncertain: bool | None = Field(None, description="the model's top two areas are close")
    action_area_precedent: str | None = Field(None, description="citation of the labelled mandate whose area "
                                              "was reused (action_area_source precedent)")
    conditions: list[str] = Field(default_factory=list)
    deadline: str | None = None
    precedents: list[Precedent] = Field(
        default_factory=list,
        description="up to 5 closest indexed mandates by meaning and words (hybrid), one per resolution, the draft's language first",
    )


class WholeTextReading(BaseModel):
    """The draft read as one text: a summary of its mandates' labels, never contradicting them; only
    a draft in which no mandate was found is read whole by the model. The CLI prints it above the
    draft's mandates; POST /v1/classify answers it beside them."""

    actor: str | None = Field(
        None, description="the mandates' common actor; null when they name different actors (see actors) or none "
        "could be read; with no mandate found, the model's reading of the whole text")
    actors: list[str] = Field(
        default_factory=list, description="every actor the mandates are read to address, in the order they first "
        "appear: one when they agree (= actor), several when they differ (actor is null); with no mandate found, "
        "the model's actor")
    actor_text: str | None = Field(None, description="the addressee as written, when the mandates share one")
    actor_source: str | None = Field(
        None, description="mandates: summarised from the mandates' own actors (each keeps its own actor_source); "
        "rule or model: no mandate was found and the whole text was read")
    with_partners: bool = Field(False, description="any mandate names a partner (no mandate: the model's reading)")
    action_area: str | None = Field(
        None, description="the mandates' common action area; null when they differ (see action_areas); with no "
        "mandate found, the model's reading of the whole text")
    scores: dict[str, float] | None = Field(
        None, description="action area → probability of the model's whole-text reading; null when the reading "
        "summarises the mandates (each mandate carries its own scores)")
    action_areas: list[str] = Field(
        default_factory=list, description="from the mandates: every area they are labelled with, the most frequent "
        "first (one: they agree); with no mandate: every area above the calibrated threshold, action_area first")
    uncertain: bool = Field(
        False, description="from the mandates: any mandate's area is uncertain; with no mandate: the model's top "
        "two areas are close")
    action_area_source: str | None = Field(
        "model", description="mandates: summarised from the mandates' own areas; model or precedent: no mandate "
        "was found and the whole text was read")
    action_area_precedent: str | None = Field(
        None, description="citation of the labelled mandate whose area was reused (action_area_source precedent)")


_NOTE = "when no mandate was found: why, in words (null otherwise)"


class ClassifyResponse(WholeTextReading):
    """The draft's mandates, and beside them (the same fields as the CLI's top-level object) what the
    draft as a whole asks: its mandates' common actor and area, or the lists when they differ."""

    mandates: list[ClassifiedMandate]
    note: str | None = Field(None, description=_NOTE)


class DraftClassification(BaseModel):
    text: str
    mandates: list[ClassifiedMandate]
    whole: WholeTextReading | None = None
    note: str | None = Field(None, description=_NOTE)


# --- search, a mandate in context -----------------------------------------------------------------


SortOrder = Literal["relevance", "date", "paragraph"]


class Hit(BaseModel):
    mandate: CitedMandate
    score: float = Field(description="what ranks the hit: BM25 (keyword), the semantic rank score (the cosine read "
                         "with its resolution's best) or the reciprocal-rank-fusion score (hybrid)")
    similarity: float | None = Field(
        None, description="semantic/hybrid: the cosine between the query and the mandate in its resolution's context "
        "(what the relevance floor compares); null in keyword mode")
    highlight: str = Field(
        description="mandate text with <mark>…</mark> around matches, NOT HTML-escaped: escape it, then re-allow only <mark>"
    )
    citation: str
    adopted: str | None = Field(
        None, description="ISO date the resolution was adopted: as its own indexed document states it, else (a UNEA "
        "resolution) the last day of its session (adopted_source says which)")
    adopted_source: Literal["document", "session"] | None = Field(
        None, description="document: adopted is read from the resolution's own document; session: derived from its "
        "UNEA session (the page says 'adopted (by session)'); None: no date")


class SearchResponse(BaseModel):
    total: int
    total_relation: Literal["eq", "gte"] = Field(
        "eq", description="eq: total is exact; gte: total is a lower bound (a ranked list was cut)"
    )
    relevance_floor: float | None = Field(
        None, description="semantic/hybrid: the cosine similarity a mandate must reach to count as a hit"
    )
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = Field(default_factory=dict)
    sort: SortOrder = "relevance"
    resolution: str | None = Field(
        None, description="the resolution the query named (UNEP/EA.4/Res.6, 4/6, A/RES/79/211): hits are its mandates"
    )
    suggestions: list[str] = Field(
        default_factory=list, description="no hit: the query spelt with words the index holds (plastik → plastic)"
    )
    related: list[Hit] = Field(
        default_factory=list,
        description="no hit: a keyword search gets the closest mandates by meaning, in any language (not matches of "
        "the words); a semantic search gets the mandates that contain the words (see related_by)",
    )
    related_by: Literal["meaning", "words"] | None = Field(
        None, description="what `related` holds: closest by meaning (keyword search, no match) or word matches "
        "(semantic search, nothing above the relevance floor under these filters)")


class ContextEntry(BaseModel):
    id: str
    paragraph: str | None = None
    citation: str
    text: str
    current: bool = False


class OtherLanguageVersion(BaseModel):
    match: Literal["paragraph", "closest"] = Field(
        description="paragraph: same resolution and paragraph number; closest: the nearest mandate by "
        "meaning in the same resolution's other-language version (e.g. a mandate table's bullet)"
    )
    score: float | None = Field(None, description="similarity, for match=closest")
    mandate: CitedMandate
    disagrees: list[str] = Field(
        default_factory=list,
        description="the labels (actor, action_area, verb_class) this version reads otherwise than the mandate "
        "shown, for either kind of match; empty when the readings agree")


class ReviewEntry(BaseModel):
    """One maintainer's correction of a mandate's labels, as its history shows it."""

    id: str
    at: str = Field(description="ISO 8601, UTC")
    reviewer: str
    changes: dict[str, Any] = Field(description="label → the reviewed value")
    previous: dict[str, Any] = Field(description="each changed label's value and *_source before")
    note: str | None = None


class MandateDetail(BaseModel):
    mandate: CitedMandate
    document: Document | None = None
    context: list[ContextEntry] = Field(
        default_factory=list, description="neighbouring mandates of the same resolution, in order"
    )
    other_languages: list[OtherLanguageVersion] = Field(
        default_factory=list, description="the same paragraph in the resolution's other language versions"
    )
    history: list[ReviewEntry] = Field(
        default_factory=list, description="maintainers' corrections of this mandate's labels, oldest first"
    )


# --- reviewers' corrections ---------------------------------------------------------------------


class CorrectionRequest(BaseModel):
    """A maintainer's correction: any of the four labels, and who made it. Values are checked
    against extractors.schema's label sets by the use case (an unknown one is a 400 naming them)."""

    model_config = ConfigDict(extra="forbid")

    actor: str | None = Field(None, description="one of the actor set (unep, member_states, …)")
    action_area: str | None = Field(None, description="one of the five action areas")
    action_areas: list[str] | None = Field(
        None, description="every area the mandate belongs to, the main one first (action_area first if given)"
    )
    with_partners: bool | str | None = Field(None, description="true | false")
    reviewer: str = Field(min_length=1, max_length=120, description="who makes the correction")
    note: str | None = Field(None, max_length=1000, description="why (kept in the history)")


class ReviewedRow(BaseModel):
    """A reviewed mandate as a training row (models.training_data.Example's shape, origin "reviewed"),
    with where it came from and whether its mandate is still indexed."""

    text: str
    language: str
    group: str = Field(description="resolution number, for grouped cross-validation")
    action_area: str = Field(description='the reviewed area, "" when only other labels were reviewed')
    actor: str | None = None
    origin: Literal["reviewed"] = "reviewed"
    with_partners: bool | None = None
    action_areas: list[str] | None = None
    mandate_id: str
    resolution: str
    citation: str
    reviewers: list[str]
    last_reviewed: str
    corrections: int
    orphaned: bool = Field(description="no indexed mandate matches it any more (kept, never dropped)")


# --- a resolution's page ---------------------------------------------------------------------------


class ResolutionParagraph(BaseModel):
    number: str | None = None
    text: str | None = Field(None, description="the paragraph as the document prints it (None: no stored original)")
    mandates: list[str] = Field(default_factory=list, description="ids of the mandates this paragraph holds")


class ResolutionPage(BaseModel):
    resolution: str = Field(description="its symbol (UNEP/EA.4/Res.6) or, when none is known, its number")
    number: str | None = None
    title: str | None = None
    adopted: str | None = Field(
        None, description="ISO date of adoption: as its own document states it, else (a UNEA resolution) the last day "
        "of its session (adopted_source says which)")
    adopted_source: Literal["document", "session"] | None = Field(
        None, description="document: read from its own document; session: derived from its UNEA session; None: no date")
    official_url: str | None = Field(None, description="the official document: https://undocs.org/<symbol>")
    document: Document | None = Field(None, description="the indexed document that is this resolution")
    sources: list[str] = Field(default_factory=list, description="ids of the documents its mandates come from")
    paragraphs: list[ResolutionParagraph] = Field(
        default_factory=list, description="its operative part in order, each paragraph with its mandates"
    )
    mandates: list[CitedMandate] = Field(default_factory=list, description="its mandates in reading order")


# --- documents ----------------------------------------------------------------------------------


class DocumentSummary(BaseModel):
    document: Document
    mandates: int


class Coverage(BaseModel):
    """What the index holds: read it before concluding that a mandate does not exist."""

    documents: int
    mandates: int
    resolutions: int = Field(0, description="distinct resolutions with indexed mandates")
    by_body_session: dict[str, int] = Field(default_factory=dict, description="documents per body and session (UNEA-4: 24)")
    by_kind: dict[str, int] = Field(default_factory=dict, description="documents per kind (resolution, report, draft…)")
    documents_by_language: dict[str, int] = Field(default_factory=dict)
    mandates_by_language: dict[str, int] = Field(default_factory=dict)
    uploaded: int = Field(0, description="documents added through uploads")
    official: int = Field(0, description="documents whose symbol the document (or its UN container) states")


class DocumentList(BaseModel):
    total: int
    documents: list[DocumentSummary]
    coverage: Coverage | None = None


class DocumentDetail(BaseModel):
    document: Document
    mandates: list[CitedMandate]


class Skipped(BaseModel):
    where: str
    reason: str
    text: str | None = None


class UploadSummary(BaseModel):
    status: Literal["added", "unchanged", "replaced"] = Field(
        description="added; unchanged (these very bytes were already indexed); replaced (a new version "
        "of a file with the same name and symbol: the older document was removed)"
    )
    document: Document
    mandates_found: int
    by_action_area: dict[str, int] = Field(default_factory=dict)
    by_actor: dict[str, int] = Field(default_factory=dict)
    skipped: list[Skipped] = Field(default_factory=list)
    replaced_document: str | None = Field(None, description="id of the older version it replaced")


class DeleteResponse(BaseModel):
    deleted: str


class ReindexResponse(BaseModel):
    version: int = Field(description="the index version now serving")
    documents: int
    mandates: int
    carried_over: list[str] = Field(
        default_factory=list, description="indexed documents with no stored original, copied over as indexed"
    )
    failed: list[str] = Field(
        default_factory=list,
        description="stored originals that failed to extract (swapped in only when allowed)",
    )
    orphaned_corrections: list[str] = Field(
        default_factory=list, description="reviewed labels whose mandate is gone after the re-index (kept)"
    )
    summary: str


# --- export -------------------------------------------------------------------------------------


class ExportFile(BaseModel):
    body: bytes
    media_type: str
    filename: str
