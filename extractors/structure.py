"""Document structure: blocks → resolutions → preambular and numbered operative paragraphs.

Resolution identity comes from headings ("2/11. Marine plastic litter", "79/206. Protection of…",
"第 3/7 号决议") and symbols; a compilation of many resolutions is split at each heading.
Numbering (`7`, `7(a)`, `7(a)(i)`) is read where printed and rebuilt where an export stripped it.

Numbering labels (letters, roman and Chinese numerals) are extractors/numbering.py's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from extractors.mandates import is_new_operative_paragraph, is_operative_lead, is_preambular_lead
from extractors.numbering import letter_index, letter_label, roman_index, roman_label, zh_index
from extractors.raw import RawBlock, RawDocument
from extractors.schema import Paragraph, Resolution, SkippedItem
from extractors.script import HAN, is_han
from extractors.symbols import parse_symbol, unea_symbol

# "7." / "7.\t" / "22\t" / "７．" / "(a)" / "（a）" / "a)" / "(i)" / "(一)"
_BULLET = r"^\s*(?:[-–•·✓▪]\s*)?"
_NUMBER_PREFIX = re.compile(_BULLET + r"(\d{1,3})(?:[.．](?!\d)\s*|\t+\s*)")
_BARE_NUMBER_PREFIX = re.compile(_BULLET + r"(\d{1,3})\s+(?=[A-Z" + HAN + "])")
_BRACKET_PREFIX = re.compile(_BULLET + r"[(（]\s*([a-z]{1,3}|[ivxlc]{1,6}|[一二三四五六七八九十]{1,3})\s*[)）]\s*")


@dataclass(frozen=True)
class Label:
    kind: str  # "number" | "bracket" ((a) or (i)) | "roman" (known roman: Chinese (一))
    value: str


def split_label(text: str) -> tuple[Label | None, str]:
    """Printed label at the start of a paragraph, and the text after it."""
    m = _NUMBER_PREFIX.match(text)
    if m:
        return Label("number", m.group(1)), text[m.end():].strip()
    # "22 Invites States …": a number whose dot was lost, before an operative verb (not "21 December")
    m = _BARE_NUMBER_PREFIX.match(text)
    if m and is_operative_lead(text[m.end():]):
        return Label("number", m.group(1)), text[m.end():].strip()
    m = _BRACKET_PREFIX.match(text)
    if m:
        value = m.group(1)
        if zh_index(value) is not None:  # (一) is the Chinese edition's (i)
            return Label("roman", roman_label(zh_index(value) or 0)), text[m.end():].strip()
        return Label("bracket", value), text[m.end():].strip()
    return None, text.strip()


def render_path(path: Sequence[str]) -> str:
    """("7", "a", "i") → "7(a)(i)"."""
    return path[0] + "".join(f"({p})" for p in path[1:]) if path else ""


_CLOSES_LIST = re.compile(r"[.。]\s*[”\"’)]?\s*$")
_PENULTIMATE = re.compile(r"[;；,，]\s*(?:and|or|以及|和|及)\s*$")
_OPENS_LIST = re.compile(r"[:：]\s*$")


@dataclass
class _Level:
    style: str  # "letter" | "roman"
    count: int = 0  # items seen at this level
    last_item: bool = False  # the previous item ended "; and": the next one closes the list
    close_after_children: bool = False


# First-person paragraphs of a declaration ("We will …", "我们将…")
_FIRST_PERSON = re.compile(r"^\s*(?:We|我们)\b")


class OperativeNumberer:
    """Assigns number paths to a resolution's operative items, one at a time, in order.

    Printed labels win; where they are missing (registry export) they are rebuilt from the text:
    a new paragraph is an item whose `is_new_paragraph(text)` is true (a 3rd-person operative verb),
    items after a lead ending ":" are subparagraphs, a lead inside a subparagraph opens a roman level,
    and a list closes after its last item ("; and" marks the one before last; "." ends the paragraph).
    """

    def __init__(self, is_new_paragraph: Callable[[str], bool]):
        self._is_new_paragraph = is_new_paragraph
        self.number = 0
        self.levels: list[_Level] = []
        self.path: list[str] = []
        self._open_pending = False  # last item ended ":" → next item goes one level down

    def _start_paragraph(self, number: int) -> list[str]:
        self.number = number
        self.levels = []
        self.path = [str(number)]
        return self.path

    def _child_style(self, label: Label | None) -> str:
        return "letter" if not self.levels else "roman"

    def _pop(self) -> None:
        """Close the innermost list, and each parent list whose last item it was."""
        self.levels.pop()
        self.path.pop()
        while self.levels and self.levels[-1].close_after_children:
            self.levels.pop()
            self.path.pop()

    def add(self, text: str) -> tuple[str, str]:
        """Number path of the next item (e.g. "7(a)"), and its text without the printed label."""
        label, body = split_label(text)
        if label and label.kind == "number":
            path = self._start_paragraph(int(label.value))
        elif label and label.kind in ("bracket", "roman"):
            path = self._place_bracket(label)
        elif self.levels and self._open_pending is False and self._is_new_paragraph(body):
            path = self._start_paragraph(self.number + 1)
        elif self._open_pending and _FIRST_PERSON.match(body) and body.rstrip().endswith(".") \
                and self._is_new_paragraph(body):
            # a declaration's "… to take the following actions:" is followed by whole paragraphs ("We will …."),
            # numbered on, not list items
            path = self._start_paragraph(self.number + 1)
        elif self._open_pending or self.levels:
            path = self._place_unlabelled()
        else:
            path = self._start_paragraph(self.number + 1)
        number = render_path(path)
        self._after(body)
        return number, body

    def _place_bracket(self, label: Label) -> list[str]:
        value = label.value
        if not self.number:
            self._start_paragraph(1)
        if self._open_pending:
            # a lead ended ":" → its first child: (a) under a paragraph, (i) under a letter or (一)
            style = "roman" if self.levels or label.kind == "roman" else "letter"
            if _label_for(style, 0) == value:
                return self._push(style, 0, value)
        # which open level does this label continue? letter "(i)" after "(h)" vs roman "(i)"
        for depth in range(len(self.levels) - 1, -1, -1):
            level = self.levels[depth]
            if _label_for(level.style, level.count) == value and (label.kind != "roman" or level.style == "roman"):
                del self.levels[depth + 1:]
                del self.path[depth + 2:]
                level.count += 1
                level.last_item = False
                self.path[depth + 1] = value
                self._open_pending = False
                return self.path
        # a label we did not expect (a skipped item, a typo): start or re-sync a level of its style
        if label.kind == "roman" or (value == "i" and self.levels):
            style = "roman"
        elif letter_index(value) is not None:
            style = "letter"
        else:
            style = "roman"
        for depth, level in enumerate(self.levels):
            if level.style == style:
                del self.levels[depth:]
                del self.path[depth + 1:]
                break
        index = _index_for(style, value)
        return self._push(style, index or 0, value)

    def _push(self, style: str, index: int, value: str) -> list[str]:
        self.levels.append(_Level(style, count=index + 1))
        self.path.append(value)
        self._open_pending = False
        return self.path

    def _place_unlabelled(self) -> list[str]:
        if not self.path:
            self._start_paragraph(1)
        if self._open_pending:
            style = self._child_style(None)
            self.levels.append(_Level(style))
            self.path.append("")
            self._open_pending = False
        level = self.levels[-1]
        value = _label_for(level.style, level.count)
        level.count += 1
        self.path[-1] = value
        return self.path

    def _after(self, body: str) -> None:
        """Update list state from how the item ends."""
        if _OPENS_LIST.search(body):
            if self.levels and self.levels[-1].last_item:
                self.levels[-1].close_after_children = True
            self._open_pending = True
            return
        self._open_pending = False
        if not self.levels:
            return
        if _CLOSES_LIST.search(body):
            # a full stop ends the whole paragraph's lists
            self.levels.clear()
            del self.path[1:]
            return
        level = self.levels[-1]
        if level.last_item:
            self._pop()
        elif _PENULTIMATE.search(body):
            level.last_item = True


def _label_for(style: str, index: int) -> str:
    return letter_label(index) if style == "letter" else roman_label(index)


def _index_for(style: str, value: str) -> int | None:
    return letter_index(value) if style == "letter" else roman_index(value)


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


class _ResolutionBuilder:
    def __init__(self, resolution: Resolution, general_assembly: bool):
        self.resolution = resolution
        self.paragraphs: list[Paragraph] = []
        self.state = "front"  # front → preamble → operative → annex/end
        self.numberer = OperativeNumberer(is_new_operative_paragraph)
        self.preamble_list_open = False
        self.general_assembly = general_assembly

    def add(self, block: RawBlock, skipped: list[SkippedItem]) -> None:
        raw_text = block.text
        text = normalize_space(raw_text)
        key = self.resolution.key
        if self.state in ("annex", "end"):
            if self.state == "annex":
                skipped.append(SkippedItem(where=f"{key} annex", reason="annex text is not an operative paragraph",
                                           text=text))
            return
        if _ANNEX.match(text):
            self.state = "annex"
            return
        if _PLENARY.match(text):
            self.state = "end"
            return
        if _OPENER.match(text):
            self.state = "preamble"
            return
        label, body = split_label(raw_text)
        body = normalize_space(body)
        operative = (label is not None and label.kind == "number") or (
            is_operative_lead(body) and not body.endswith((",", "，")))
        if self.state == "front":
            if operative or is_preambular_lead(body):
                self.state = "preamble"
            else:
                if self.resolution.title is None and not _BOILERPLATE.search(text) and len(text) < 300 \
                        and not text.endswith(_TERMINAL[:9]):
                    self.resolution.title = text
                return
        if self.state == "preamble":
            if not operative or (self.preamble_list_open and label is not None and label.kind == "bracket"):
                if _is_section_heading(text):
                    return
                self.paragraphs.append(Paragraph(resolution=key, number=None, kind="preambular", text=body,
                                                 page=block.page, language=self.resolution.language))
                self.preamble_list_open = body.endswith((":", "："))
                return
            self.state = "operative"
        # operative part
        if _is_section_heading(text) and not self.numberer._open_pending:
            return
        if _DATE_EN.fullmatch(text.strip()) or text.strip() in ("[…]", "[...]", "…"):
            return
        number, body = self.numberer.add(raw_text)
        self.paragraphs.append(Paragraph(resolution=key, number=number, kind="operative",
                                         text=normalize_space(body), page=block.page,
                                         language=self.resolution.language))


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
    return DocumentStructure(
        resolutions=[ParsedResolution(b.resolution, b.paragraphs) for b in builders],
        skipped=skipped, date=date, general_assembly=general_assembly, report_paragraphs=report)


def _reads_like_declaration(paragraphs: Sequence[Paragraph]) -> bool:
    """A ministerial or political declaration: numbered paragraphs in the first person ("We will …"), most of
    them; its paragraphs are cited like a resolution's."""
    operative = [p for p in paragraphs if p.kind == "operative"]
    return len(operative) >= 3 and sum(bool(_FIRST_PERSON.match(p.text)) for p in operative) * 2 > len(operative)


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
