"""Annexes and appendices of a resolution: read when they hold a declaration the resolution endorses,
otherwise named in the skipped-items report with why.

A General Assembly resolution often "Endorses the political declaration …, as contained in the annex to
the present resolution": the declaration's numbered paragraphs ("22. We encourage all States to …",
"We commit to …") are its mandates, read like the paragraphs of a UNEA ministerial declaration
(first person: "we commit" is the signatories' own commitment, extractors/operative_leads.py). Their
paragraph field is "annex 22" ("annex II 3" in a numbered annex), cited "A/RES/78/1, annex, para. 22"
(extractors.schema.Mandate.citation). Terms of reference, lists and tables in an annex are no mandates
of the resolution: each such annex is one skipped item, saying so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from extractors.operative_leads import is_new_operative_paragraph
from extractors.paragraph_numbers import FIRST_PERSON, OperativeNumberer, split_label
from extractors.raw import RawBlock
from extractors.schema import Paragraph, Resolution, SkippedItem, annexed_paragraph

_PART = re.compile(r"^\s*(?P<kind>Annex|Appendix|Attachment|附件)(?:\s+(?P<label>[IVXLC]+|\d+)\b)?", re.I)
# the operative part says the annex is its text: "as contained in the annex", "annexed to the present resolution"
_REFERRED = re.compile(r"\b(?:contained|set out|set forth|reproduced|included)\s+in\s+(?:the\s+)?annex|"
                       r"\bannexed\s+to\s+the\s+present\b|\bin\s+the\s+annex\s+to\s+the\s+present\b|附件", re.I)


@dataclass
class AnnexPart:
    """An annex (or appendix) of a resolution as printed: its heading and the blocks under it."""

    heading: str
    blocks: list[RawBlock] = field(default_factory=list)

    @property
    def kind(self) -> str:
        m = _PART.match(self.heading)
        return m.group("kind").lower() if m else "annex"

    @property
    def label(self) -> str:
        """"II" for "Annex II", "" for an annex without a number."""
        m = _PART.match(self.heading)
        return (m.group("label") or "") if m else ""

    @property
    def name(self) -> str:
        return f"{self.kind} {self.label}".strip()


def annex_heading(text: str) -> bool:
    """"Annex", "Annex II", "Appendix": the heading that opens an annex."""
    return bool(_PART.match(text)) and len(text) < 200


def read_annexes(resolution: Resolution, paragraphs: Sequence[Paragraph], annexes: Sequence[AnnexPart],
                 language: str) -> tuple[list[Paragraph], list[SkippedItem]]:
    """The paragraphs of the annexed declarations the operative part endorses; a skipped item for every
    other annex (and why)."""
    referred = any(p.kind == "operative" and _REFERRED.search(p.text) for p in paragraphs)
    read: list[Paragraph] = []
    skipped: list[SkippedItem] = []
    for annex in annexes:
        where = f"{resolution.key} {annex.name}"
        texts = [re.sub(r"\s+", " ", b.text).strip() for b in annex.blocks if b.text.strip()]
        own = _paragraphs(resolution, annex, language)
        numbered = [p for p in own if p.kind == "operative"]
        first_person = sum(bool(FIRST_PERSON.match(p.text)) for p in numbered)
        declaration = len(numbered) >= 3 and first_person * 2 > len(numbered)
        if annex.kind == "annex" and referred and declaration:
            read.extend(own)
            continue
        why = ("the operative part does not endorse or adopt it as its text" if declaration else
               "not a declaration: its text is not numbered paragraphs in the first person (terms of reference, "
               "a list or a table)")
        summary = f"{texts[0][:200]} … ({len(texts)} blocks)" if texts else "(empty)"
        skipped.append(SkippedItem(where=where, reason=f"{annex.kind} not read: {why}", text=summary))
    return read, skipped


def _paragraphs(resolution: Resolution, annex: AnnexPart, language: str) -> list[Paragraph]:
    """An annex's blocks as paragraphs: numbered ones operative ("annex 22"), the others (its title, "We, the
    Heads of State …, gathered …,") preambular."""
    numberer = OperativeNumberer(lambda item: FIRST_PERSON.match(item) is not None
                                 or is_new_operative_paragraph(item, language))
    out: list[Paragraph] = []
    for block in annex.blocks:
        text = re.sub(r"\s+", " ", block.text).strip()
        if not text:
            continue
        label, body = split_label(text)
        if label is None and numberer.number == 0:
            out.append(Paragraph(resolution=resolution.key, number=None, kind="preambular", text=text,
                                 page=block.page, language=language, section=annex.name))
            continue
        number, body = numberer.add(text)
        out.append(Paragraph(resolution=resolution.key, number=annexed_paragraph(annex.label, number) if number
                             else None, kind="operative" if number else "preambular",
                             text=re.sub(r"\s+", " ", body).strip(), page=block.page, language=language,
                             section=annex.name))
    return out
