"""Document structure: blocks → resolutions → preambular and numbered operative paragraphs.

Resolution identity comes from headings ("2/11. Marine plastic litter", "79/206. Protection of…",
"第 3/7 号决议") and symbols; a compilation of many resolutions is split at each heading.
Numbering (`7`, `7(a)`, `7(a)(i)`) is read where printed and rebuilt where an export stripped it, by
extractors/paragraph_numbers.py; the labels themselves (letters, roman and Chinese numerals) are
extractors/numbering.py's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from extractors.annexes import AnnexPart, annex_heading, read_annexes
from extractors.numbering import letter_label
from extractors.operative_leads import is_new_operative_paragraph, is_operative_lead, is_preambular_lead
from extractors.paragraph_numbers import FIRST_PERSON, OperativeNumberer, split_label
from extractors.raw import RawBlock, RawDocument
from extractors.schema import Paragraph, Resolution, SkippedItem
from extractors.script import HAN, has_han, is_han
from extractors.symbols import parse_symbol, unea_symbol

# --- Resolutions and paragraphs ---------------------------------------------------------------


# "2/11.\tMarine plastic litter", "79/206. Protection of global climate", "3/7. 海洋垃圾和微塑料"
_HEADING = re.compile(r"^\s*(?:Resolution\s+)?(\d{1,3})/(\d{1,3})\s*[.．:：]?\s+(?P<title>\S.{0,300})$", re.S)
# "第 3/7 号决议" (optionally followed by the title)
_HEADING_ZH = re.compile(r"^\s*第\s*(\d{1,3})\s*/\s*(\d{1,3})\s*号决议[.．:：。]?\s*(?P<title>.*)$", re.S)
# "The United Nations Environment Assembly," / "The General Assembly," / "联合国环境大会，" / "大会，"
_OPENER = re.compile(
    r"^\s*(?:The\s+)?(?:[A-Z][\w-]*\s+){0,8}(?:Assembly|Council|Conference|Board|Commission|Committee)"
    r"(?:\s+of\s+the\s+[\w\s]+)?\s*,\s*$|^\s*[" + HAN + r"]{0,14}(?:大会|理事会|会议)\s*[，,]\s*$")
_ANNEX = re.compile(r"^\s*(?:Annex|Appendix|Attachment|附件)(?:\s+[IVXLC\d]+)?(?:\s*[.:：\-–]\s*.*)?\s*$", re.I)
_PLENARY = re.compile(r"^\s*\d+(?:st|nd|rd|th)\s+plenary meeting|^\s*第\s*\d+\s*次全体会议|^\s*Adopted on\b", re.I)
_DATE_EN = re.compile(r"\b(\d{1,2})\s+(January|February|March|April|May|June|July|August|September|October|"
                      r"November|December)\s+(\d{4})\b")
_DATE_ZH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ADOPTED = re.compile(r"adopted by the .*? on\s+(\d{1,2}\s+\w+\s+\d{4})|于\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)", re.I)
_BOILERPLATE = re.compile(
    r"United Nations|Environment Assembly|Environment Programme|General Assembly|\bsession\b|Nairobi|Distr|"
    r"Resolution adopted|Draft resolution|Agenda item|^\[|\d{4}\s*$|^[A-Z]$|^\W+$|届会议|联合国|议程", re.I)
_TERMINAL = ("。", ".", ";", "；", ",", "，", ":", "：", "!", "?", "”", '"', "’", ")", "）")
_SKIP_STYLES = {"footnote", "header", "footer", "page-number"}
# a footnote that reached the text: "¹ A. Prüss-Ustün 等人（2016）…", "* UNEP/EA.4/1/Rev.1。"
_FOOTNOTE = re.compile(r"^\s*(?:[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\*{1,3})\s*\S")


@dataclass
class ParsedResolution:
    resolution: Resolution
    paragraphs: list[Paragraph]


@dataclass
class DocumentStructure:
    resolutions: list[ParsedResolution]
    skipped: list[SkippedItem]
    date: str | None = None
    general_assembly: bool = False
    report_paragraphs: list[tuple[str | None, str]] | None = None  # numbered text outside resolutions


def normalize_space(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def iso_date(text: str) -> str | None:
    m = _DATE_EN.search(text)
    if m:
        try:
            return datetime.strptime(" ".join(m.groups()), "%d %B %Y").date().isoformat()
        except ValueError:
            return None
    m = _DATE_ZH.search(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def heading_of(text: str) -> tuple[int, int, str] | None:
    """(session, number, title) when a block is a resolution heading such as "2/11. Marine plastic litter"."""
    t = text.strip()
    m = _HEADING_ZH.match(t) or _HEADING.match(t)
    if not m:
        return None
    title = normalize_space(m.group("title"))
    if m.re is _HEADING and (len(t) > 320 or title.endswith((",", ";", "，", "；")) or not title[:1].isupper()
                             and not _is_cjk(title[:1])):
        return None
    if m.re is _HEADING and is_operative_lead(title):
        return None
    return int(m.group(1)), int(m.group(2)), title


def _is_cjk(ch: str) -> bool:
    return bool(ch) and is_han(ch)


def _joined_blocks(blocks: list[RawBlock]) -> list[RawBlock]:
    """Re-join paragraphs a page break split (the second half starts lower-case, the first has no end)."""
    out: list[RawBlock] = []
    for block in blocks:
        if block.style in _SKIP_STYLES or not block.text.strip() or _FOOTNOTE.match(block.text):
            continue
        text = block.text.strip()
        if out and text[:1].islower() and not out[-1].text.rstrip().endswith(_TERMINAL) \
                and not split_label(text)[0] and heading_of(out[-1].text) is None:
            prev = out[-1]
            out[-1] = RawBlock(f"{prev.text.rstrip()} {text}", prev.page, prev.style)
            continue
        out.extend(RawBlock(piece, block.page, block.style) for piece in split_inline_list(text))
    return out


_INLINE_FIRST = re.compile(r"[:：]\s*(?=[(（]a[)）])")


def split_inline_list(text: str) -> list[str]:
    """"实施计划：(a)推进…；(b)提出…" → lead and one item per label (lists run into one paragraph)."""
    m = _INLINE_FIRST.search(text)
    if not m:
        return [text]
    rest = text[m.end():]
    starts = [0]
    while True:
        label = letter_label(len(starts))
        sep = re.compile(r"[;；]\s*(?:and\s+|or\s+|和|以及|及)?\s*(?=[(（]" + label + r"[)）])")
        found = sep.search(rest, starts[-1] + 1)
        if not found:
            break
        starts.append(found.end())
    if len(starts) < 2:
        return [text]
    items = [rest[a:b].strip() for a, b in zip(starts, starts[1:] + [len(rest)], strict=True)]
    return [text[: m.end()].strip()] + items


def _is_section_heading(text: str) -> bool:
    """"A", "Institutional framework and accountability": short, no final punctuation, not a list item."""
    return len(text) <= 160 and not text.rstrip().endswith(_TERMINAL[:9]) and split_label(text)[0] is None \
        and not is_operative_lead(text)


_GLUED_AT = re.compile(r"\s(?=(?:\d{1,3}[.．]\s+)?[A-Z][a-zà-ÿ])")


def split_glued_heading(text: str, language: str | None = None) -> tuple[str | None, str]:
    """(heading, paragraph) when a layout glued a section heading onto the paragraph under it
    ("Transfer of technology Encourages the development …", "Transfer of technology 12. Encourages …");
    (None, text) otherwise. Latin script only: a Russian lead opens in lower case, like any other word."""
    if is_operative_lead(text, language=language) or split_label(text)[0] is not None \
            or text.endswith((",", "،", "，")):
        return None, text  # a preambular paragraph ends with a comma: "… The Future We Want Invites …," is a title
    for m in _GLUED_AT.finditer(text, 0, 161):
        head, rest = text[: m.start()], text[m.end():]
        if head.endswith(_TERMINAL[:9]) or not head[:1].isupper() or is_preambular_lead(head + ",", language):
            break  # a sentence ended, no heading opens the text, or a preambular paragraph does
        label, body = split_label(rest)
        if (label is None or label.kind == "number") and not FIRST_PERSON.match(body) \
                and is_operative_lead(body, strict=True, language=language):
            return head, rest  # not "… The Future We Want": a title's "We" is no lead
    return None, text


class _ResolutionBuilder:
    def __init__(self, resolution: Resolution, general_assembly: bool):
        self.resolution = resolution
        self.paragraphs: list[Paragraph] = []
        self.state = "front"  # front → preamble → operative → annex/end
        self.numberer = OperativeNumberer(lambda item: is_new_operative_paragraph(item, resolution.language))
        self.preamble_list_open = False
        self.general_assembly = general_assembly
        self.section: str | None = None  # the last heading inside the resolution
        self.heading_open = False  # the last block was a heading: "A" then "Institutional framework" join
        self.annexes: list[AnnexPart] = []

    def add(self, block: RawBlock, skipped: list[SkippedItem]) -> None:
        raw_text = block.text
        text = normalize_space(raw_text)
        key = self.resolution.key
        if _ANNEX.match(text) and annex_heading(text):
            self.annexes.append(AnnexPart(text))  # read or reported as a whole: extractors/annexes.py
            self.state = "annex"
            return
        if self.state in ("annex", "end"):
            if self.state == "annex":
                self.annexes[-1].blocks.append(block)
            return
        if _PLENARY.match(text):
            self.state = "end"
            return
        if _OPENER.match(text):
            self.state = "preamble"
            return
        language = self.resolution.language
        if self.state != "front":
            heading, raw_text = split_glued_heading(normalize_space(raw_text), language)
            if heading:
                self._heading(heading)
                text = raw_text
        label, body = split_label(raw_text)
        body = normalize_space(body)
        operative = (label is not None and label.kind == "number") or (
            is_operative_lead(body, language=language) and not body.endswith((",", "，", "،")))
        if self.state == "front":
            if operative or is_preambular_lead(body, language):
                self.state = "preamble"
            else:
                if self.resolution.title is None and not _BOILERPLATE.search(text) and len(text) < 300 \
                        and not text.endswith(_TERMINAL[:9]):
                    self.resolution.title = text
                return
        if self.state == "preamble":
            if not operative or (self.preamble_list_open and label is not None and label.kind == "bracket"):
                if _is_section_heading(text):
                    self._heading(text)
                    return
                self.heading_open = False
                self.paragraphs.append(Paragraph(resolution=key, number=None, kind="preambular", text=body,
                                                 page=block.page, language=self._language_of(body),
                                                 section=self.section))
                self.preamble_list_open = body.endswith((":", "："))
                return
            self.state = "operative"
        # operative part
        if _is_section_heading(text) and not self.numberer._open_pending:
            self._heading(text)
            return
        if _DATE_EN.fullmatch(text.strip()) or text.strip() in ("[…]", "[...]", "…"):
            return
        number, body = self.numberer.add(raw_text)
        self.heading_open = False
        self.paragraphs.append(Paragraph(resolution=key, number=number, kind="operative",
                                         text=normalize_space(body), page=block.page,
                                         language=self._language_of(body), section=self.section))

    def _heading(self, text: str) -> None:
        """A heading inside the resolution: the section of the paragraphs under it, not a paragraph."""
        text = normalize_space(text)
        if not text[:1].isalpha():
            return  # a table's caption ("(thousands of United States dollars)"), no heading
        self.section = f"{self.section} {text}" if self.heading_open and self.section else text
        self.heading_open = True

    def _language_of(self, text: str) -> str:
        """The resolution's language, unless the paragraph opens in Chinese (a mixed draft's Chinese
        line): the rules that read its verb and addressee must be the Chinese ones."""
        return "zh" if has_han(text.lstrip()[:20]) else self.resolution.language


def _resolution_for(session: int, number: int, title: str | None, general_assembly: bool,
                    language: str) -> Resolution:
    ga = general_assembly or session >= 20  # UNEA sessions are single digits; GA sessions are 70+
    symbol = f"A/RES/{session}/{number}" if ga else unea_symbol(session, number)
    return Resolution(number=f"{session}/{number}", symbol=symbol, title=title, session=session,
                      language=language)


def parse_structure(raw: RawDocument, language: str = "und", *, draft: bool = False) -> DocumentStructure:
    """Split a document's blocks into resolutions and their numbered paragraphs.

    A document without any resolution heading is one resolution (identity from the container's
    symbol) when its body reads like a resolution (preambular/operative leads, an "The … Assembly,"
    opener) or when `draft` is set; otherwise (a report such as UNEP/EA.4/3) its numbered paragraphs
    are kept as report paragraphs and no resolution is made.
    """
    blocks = _joined_blocks(raw.blocks)
    head_text = " ".join(b.text for b in blocks[:15])
    general_assembly = any(
        re.match(r"\s*(?:A/RES/\d|(?:United Nations\s+)?A\s*/RES/|Resolution adopted by the General Assembly|"
                 r"The General Assembly,)", b.text) for b in blocks[:15]) or str(raw.metadata.get("symbol", "")).startswith("A/")
    date = None
    for b in blocks[:20]:
        m = _ADOPTED.search(b.text)
        if m:
            date = iso_date(m.group(0))
            break
    skipped: list[SkippedItem] = []
    builders: list[_ResolutionBuilder] = []
    meta_symbol = raw.metadata.get("symbol")
    ref = parse_symbol(meta_symbol) if meta_symbol else parse_symbol(head_text)
    current: _ResolutionBuilder | None = None
    preface: list[RawBlock] = []
    for block in blocks:
        heading = heading_of(block.text)
        if heading:
            session, number, title = heading
            current = _ResolutionBuilder(
                _resolution_for(session, number, title, general_assembly, language), general_assembly)
            builders.append(current)
            continue
        if current is None:
            preface.append(block)
            continue
        current.add(block, skipped)
    report: list[tuple[str | None, str]] | None = None
    if preface:
        doc_resolution = Resolution(
            number=ref.number if ref else None,
            symbol=ref.symbol if ref and (ref.number or "/L." in ref.symbol or draft) else (ref.symbol if ref else None),
            session=ref.session if ref else None,
            title=None,
            language=language,
        )
        if draft and not (ref and ref.symbol):
            doc_resolution.number = None
            doc_resolution.symbol = None
            doc_resolution.title = "draft"
        builder = _ResolutionBuilder(doc_resolution, general_assembly)
        if draft:
            builder.state = "preamble"
        for block in preface:
            builder.add(block, skipped)
        reads_like_resolution = draft or (
            builder.paragraphs
            and any(p.kind == "preambular" for p in builder.paragraphs)
            and any(p.kind == "operative" for p in builder.paragraphs)
        ) or _reads_like_declaration(builder.paragraphs)
        if reads_like_resolution:
            builders.insert(0, builder)
        elif not builders:
            report = numbered_report_paragraphs(raw.blocks)
            skipped.append(SkippedItem(where=raw.source, reason="report text outside any resolution",
                                       text=f"{len(report)} paragraphs"))
    # no "adopted on" date: one standing alone near the end (signature), or in a report's masthead (date of issue:
    # "Distr.: General / 21 December 2018")
    date = date or _date_line(reversed(blocks[-10:])) or _date_line(blocks[:10])
    for b in builders:
        annexed, not_read = read_annexes(b.resolution, b.paragraphs, b.annexes, b.resolution.language)
        b.paragraphs.extend(annexed)
        skipped.extend(not_read)
    return DocumentStructure(
        resolutions=[ParsedResolution(b.resolution, b.paragraphs) for b in builders],
        skipped=skipped, date=date, general_assembly=general_assembly, report_paragraphs=report)


def _reads_like_declaration(paragraphs: Sequence[Paragraph]) -> bool:
    """A ministerial or political declaration: numbered paragraphs in the first person ("We will …"), most of
    them; its paragraphs are cited like a resolution's."""
    operative = [p for p in paragraphs if p.kind == "operative"]
    return len(operative) >= 3 and sum(bool(FIRST_PERSON.match(p.text)) for p in operative) * 2 > len(operative)


def _date_line(blocks: Iterable[RawBlock]) -> str | None:
    """The ISO date of the first block that is nothing but a date."""
    for b in blocks:
        if _DATE_EN.fullmatch(b.text.strip()) or _DATE_ZH.fullmatch(b.text.strip()):
            return iso_date(b.text)
    return None


def numbered_report_paragraphs(blocks: Sequence[RawBlock]) -> list[tuple[str | None, str]]:
    """Numbered paragraphs of a report ("7. 迈向零污染地球…", "(a) …"), with their number paths."""
    numberer = OperativeNumberer(lambda _text: False)
    out: list[tuple[str | None, str]] = []
    for block in _joined_blocks(list(blocks)):
        label, _ = split_label(block.text)
        if label is None and not numberer.levels:
            continue
        number, body = numberer.add(block.text)
        out.append((number, normalize_space(body)))
    return out
