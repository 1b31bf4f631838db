"""PDF page layout → paragraphs: lines from words, running headers/footers, footnotes, paragraph
breaks across lines and pages, hyphenation and line joins.

The rules were read off the UN GA PDFs in tests/fixtures/un-ga-pdfs/ and LibreOffice renderings;
they use geometry and font sizes, not words.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from extractors.formats.pdf_bidi import mostly_rtl, reading_order
from extractors.formats.text import squash
from extractors.raw import ReaderNote
from extractors.script import is_cjk

# Running matter seen on UN pages (tests/fixtures/un-ga-pdfs): job numbers "24-24348", "24-24348 (E)",
# page numbers "2/14", the symbol, the barcode "*2424348*" (set in a barcode font), "Please recycle".
_RUNNING_PATTERNS = [
    re.compile(r"^\d{2}-\d{4,6}(\s*\([A-Z]\))?$"),
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),
    re.compile(r"^(page\s+)?\d{1,4}(\s+of\s+\d{1,4})?$", re.I),
    re.compile(r"^[-–]\s*\d{1,4}\s*[-–]$"),
    re.compile(r"^\*\d{5,}\*$"),
    re.compile(r"please recycle", re.I),
]
_SYMBOL_LINE = re.compile(r"^(A|E|S|UNEP|[A-Z]{2,})/[\w./-]+$")
NUMBER_START = re.compile(
    r"^(\d{1,3}\.|\(?[a-z]{1,3}\)|\(?[ivxlc]{1,6}\)|[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、"
    # Arabic editions: "٤ - تطلب", "51 - يقرر" (Arabic-Indic or Western digits, a dash, Arabic text)
    r"|[\d٠-٩۰-۹]{1,3}\s?[-–](?=\s*[\u0600-\u06ff]))(\s|$)"
)
_CLOSING = (".", ";", ":", ",", "。", "；", "：", "，", "!", "?", "！", "？", "”", '"', ")", "؛", "،", "؟")
_FOOTNOTE_RULE = re.compile(r"^[_‗⎯—–-]{5,}$")
_FOOTNOTE_MARK = re.compile(r"^[\d*†‡§,]+$")
BULLET_START = re.compile(r"^\s*[✓✔☑•●▪◦■\-–]")


@dataclass
class Line:
    words: list[dict]
    page: int
    top: float = 0.0
    bottom: float = 0.0
    x0: float = 0.0
    x1: float = 0.0
    size: float = 0.0
    bold: bool = False
    text: str = ""
    zone: str = "body"  # "header" | "footer" | "body"
    rtl_script: bool = False  # mostly right-to-left letters (Arabic)
    rtl: bool = False  # set right to left: starts at x1, ends at x0 (see settle_rtl_flow)
    flow: str | None = None  # "rtl" | "ltr" once the column says so; else the script decides
    visual: str = ""  # the words left to right, as the page shows them

    def finish(self) -> Line:
        self.rtl_script = mostly_rtl(self.words)
        self.rtl = self.rtl_script if self.flow is None else self.flow == "rtl"
        self.words.sort(key=lambda w: w["x0"])
        self.top = min(w["top"] for w in self.words)
        self.bottom = max(w["bottom"] for w in self.words)
        self.x0 = min(w["x0"] for w in self.words)
        self.x1 = max(w["x1"] for w in self.words)
        sizes: Counter[float] = Counter()
        for w in self.words:
            sizes[round(w["size"], 1)] += len(w["text"])
        self.size = sizes.most_common(1)[0][0]
        self.bold = all("bold" in str(w.get("fontname", "")).lower() for w in self.words)
        self.visual = _join_words(self.words, self.rtl_script)
        self.text = reading_order(self.visual, self.rtl) if self.rtl_script else self.visual
        return self

    @property
    def start(self) -> float:
        """Where reading starts: the left edge, or the right edge of a right-to-left line."""
        return -self.x1 if self.rtl else self.x0

    @property
    def end(self) -> float:
        """Where reading stops, on the same axis as `start` (mirrored for right-to-left lines)."""
        return -self.x0 if self.rtl else self.x1


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    tables: list[tuple[float, list[list[str]]]] = field(default_factory=list)  # (top, rows)
    unread: int = 0  # glyphs without a Unicode character (a font with no ToUnicode map)


def join_pieces(left: str, right: str) -> str:
    """Join two pieces of text with a space, except between Chinese characters and after an opening
    bracket (a line broken inside "(22)")."""
    if not left:
        return right
    if not right:
        return left
    if is_cjk(left[-1]) or is_cjk(right[0]) or left[-1] in "([":
        return left + right
    return f"{left} {right}"


def _join_words(words: list[dict], rtl: bool = False) -> str:
    """Words of one line, left to right: a space where there is a gap; none where a font/size change
    split a word (italic "Assembly" + roman ","), and none between Chinese characters (justified CJK
    has gaps). In a right-to-left line a space read before a word lies on its right: gaps only."""
    out = ""
    prev = None
    for w in words:
        text = w["text"]
        if prev is None:
            out = text
        else:
            gap = w["x0"] - prev["x1"]
            if is_cjk(out[-1]) and is_cjk(text[0]):
                out += text
            elif (
                not rtl
                and w.get("space_before")
                and text[:1] not in ",.;:)]"
                and not (is_cjk(out[-1]) or is_cjk(text[0]))
            ):
                out += " " + text
            elif gap > (0.3 if text[:1] in ",.;:)]" else 0.15) * min(w["size"], prev["size"]):
                out += " " + text
            else:
                out += text
        prev = w
    return out


def group_lines(words: list[dict], page: int) -> list[Line]:
    """Words → lines by vertical overlap (superscripts join their line); a wide horizontal gap
    splits a line into separate pieces (masthead columns, signature blocks)."""
    lines: list[list[dict]] = []
    spans: list[tuple[float, float]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        h = w["bottom"] - w["top"]
        placed = False
        for i in range(len(lines) - 1, max(len(lines) - 4, -1), -1):
            top, bottom = spans[i]
            overlap = min(bottom, w["bottom"]) - max(top, w["top"])
            if overlap >= 0.5 * min(h, bottom - top):
                lines[i].append(w)
                spans[i] = (min(top, w["top"]), max(bottom, w["bottom"]))
                placed = True
                break
        if not placed:
            lines.append([w])
            spans.append((w["top"], w["bottom"]))
    out: list[Line] = []
    for ws in lines:
        ws.sort(key=lambda w: w["x0"])
        piece = [ws[0]]
        for w in ws[1:]:
            if w["x0"] - piece[-1]["x1"] > max(4 * w["size"], 40):
                out.append(Line(piece, page).finish())
                piece = [w]
            else:
                piece.append(w)
        out.append(Line(piece, page).finish())
    out.sort(key=lambda ln: (round(ln.top), ln.x0))
    return out


def _running_key(line: Line) -> str:
    """Same header on odd and even pages ("A/RES/79/206 Title" vs "Title A/RES/79/206"), any page no."""
    return " ".join(sorted(re.sub(r"\d+", "#", w["text"]) for w in line.words))


def mark_running_matter(pages: list[Page], body_size: float) -> None:
    """Header/footer zone lines become "drop" when they repeat across pages, look like page or job
    numbers, the symbol or the barcode, or (after page 1) are set smaller than the body text.
    Page 1's masthead ("United Nations", symbol, "General Assembly") stays, marked "header"."""
    counts: Counter[tuple[str, str]] = Counter()
    for page in pages:
        for key in {(ln.zone, _running_key(ln)) for ln in page.lines if ln.zone != "body"}:
            counts[key] += 1
    for page in pages:
        for ln in page.lines:
            if ln.zone == "body":
                continue
            running = any(p.match(ln.text) for p in _RUNNING_PATTERNS) or any(
                p.match(w["text"]) for p in _RUNNING_PATTERNS[:2] for w in ln.words
            )
            if page.number == 1:
                if running:
                    ln.zone = "drop"
                continue
            if (
                running
                or _SYMBOL_LINE.match(ln.text)
                or counts[(ln.zone, _running_key(ln))] >= 2
                or ln.size < body_size - 0.5
            ):
                ln.zone = "drop"


def drop_footnotes(lines: list[Line], page: Page, body_size: float) -> list[Line]:
    """Footnotes sit under a short rule ("__________") at the page bottom, in a smaller size.
    Without a rule, a trailing run of smaller lines that opens with a footnote number is dropped."""
    for i, ln in enumerate(lines):
        if (
            ln.zone == "body"
            and ln.top > 0.4 * page.height
            and _FOOTNOTE_RULE.match(ln.text.replace(" ", ""))
        ):
            return [x for x in lines[:i]] + [x for x in lines[i + 1 :] if x.zone != "body"]
    body = [ln for ln in lines if ln.zone == "body"]
    tail: list[Line] = []
    for ln in reversed(body):
        if ln.size <= 0.9 * body_size and ln.top > 0.5 * page.height:
            tail.append(ln)
        else:
            break
    if tail:
        first = tail[-1]
        opener = first.words[0]
        if _FOOTNOTE_MARK.match(opener["text"]) or re.match(r"^\d{1,3}\s", first.text):
            dropped = {id(x) for x in tail}
            return [x for x in lines if id(x) not in dropped]
    return lines


def drop_footnote_marks(line: Line) -> None:
    """Footnote reference numbers are small raised digits glued to words ("Change¹"): drop them."""
    if line.zone != "body" or len(line.words) < 2:
        return
    kept: list[dict] = []
    dropped_x0: float | None = None
    for w in line.words:
        raised = w["bottom"] < line.bottom - 0.15 * line.size
        if w["size"] <= 0.8 * line.size and raised and _FOOTNOTE_MARK.match(w["text"]):
            dropped_x0 = w["x0"] if dropped_x0 is None else dropped_x0
            continue
        if dropped_x0 is not None:
            # close the hole the mark leaves ("cooperation¹," → "cooperation,")
            w = {**w, "x0": min(w["x0"], dropped_x0)}
            dropped_x0 = None
        kept.append(w)
    if len(kept) != len(line.words):
        line.words = kept
        line.finish()


def margins(pages: list[Page]) -> dict[bool, float]:
    """The text column's edge where lines start, for left-to-right (False) and right-to-left (True)
    lines: the most common `start` of body lines (the right edge, mirrored, for Arabic)."""
    out: dict[bool, float] = {}
    for rtl in (False, True):
        starts = Counter(
            round(ln.start) for page in pages for ln in page.lines if ln.zone == "body" and ln.rtl == rtl
        )
        out[rtl] = float(starts.most_common(1)[0][0]) if starts else 0.0
    return out


def _far_end(lines: list[Line], rtl: bool, default: float) -> float:
    """Where the longest body lines of that direction stop (the column's other edge)."""
    return max((ln.end for ln in lines if ln.zone == "body" and ln.rtl == rtl), default=default)


def continues(prev: list[Line], nxt: list[Line], margin: dict[bool, float], pages: list[Page]) -> bool:
    """A paragraph running over a page break: the previous page's last line is full, and the new
    page's first line starts at the margin (no first-line indent) without a paragraph label."""
    last, first = prev[-1], nxt[0]
    if last.zone != "body" or first.zone != "body" or last.bold != first.bold:
        return False
    if abs(last.size - first.size) > 1.0 or NUMBER_START.match(first.text):
        return False
    # an Arabic line set left to right can start a space further in: the wrapped space sits there
    if abs(first.start - margin[first.rtl]) > (0.4 * first.size if first.rtl_script else 2):
        return False
    if not last.text.rstrip().endswith(_CLOSING):  # the sentence is still open
        return True
    page = pages[last.page - 1]
    right = _far_end(page.lines, last.rtl, page.width if not last.rtl else 0.0)
    return last.end >= right - 0.08 * (right - margin[last.rtl])


def _pitch(lines: list[Line]) -> float:
    """The page's baseline-to-baseline distance inside a paragraph: the smallest step between lines
    that recurs (a fifth of the steps within 10% of it), the steps between paragraphs being larger.
    Not the median step: a page of one- and two-line paragraphs (a Chinese draft) has more steps
    between paragraphs than inside them, and its median would hide every paragraph gap."""
    steps = sorted(b.bottom - a.bottom for a, b in zip(lines, lines[1:], strict=False) if b.bottom > a.bottom)
    if not steps:
        return 14.0
    for low in steps:
        near = [s for s in steps if low <= s <= 1.1 * low]
        if len(near) >= max(2, len(steps) // 5):
            return near[len(near) // 2]
    return steps[len(steps) // 2]


_KEPT_LABEL = (
    "paragraph break unclear: a line opening with {label!r} was read as part of the paragraph before "
    "(no gap, indent or short line marks a new paragraph there)"
)


def paragraphs_of(lines: list[Line], page: Page, notes: list[ReaderNote] | None = None) -> Iterator[list[Line]]:
    """Lines → paragraphs: a new one at a vertical gap, a first-line indent, a size change, or a line
    opening with a paragraph label ("7.", "(a)", "(i)") after a line that closed a sentence.
    A labelled line kept inside a paragraph (an inline list, or a break the page does not show) is
    added to `notes`: the reader cannot tell which, and a merged paragraph must not pass unseen."""
    body = [ln for ln in lines if ln.zone != "drop"]
    pitch = _pitch([ln for ln in body if ln.zone == "body"])
    right = {rtl: _far_end(body, rtl, page.width if not rtl else 0.0) for rtl in (False, True)}
    current: list[Line] = []
    for ln in body:
        if current and _starts_paragraph(current[-1], ln, pitch, page, right[current[-1].rtl], len(current) == 1):
            yield current
            current = []
        elif current and notes is not None and ln.zone == "body":
            label = NUMBER_START.match(ln.text)
            if label and current[-1].text.rstrip().endswith(_CLOSING):
                notes.append(ReaderNote(_KEPT_LABEL.format(label=label.group(1)), page.number, ln.text))
        current.append(ln)
    if current:
        yield current


def _starts_paragraph(
    prev: Line, ln: Line, pitch: float, page: Page, right: float, first_line: bool
) -> bool:
    if ln.zone != prev.zone:
        return True
    if ln.zone == "header":
        return True  # masthead pieces are separate items
    if ln.top < prev.bottom - 0.5 * prev.size:  # same row, another piece (wide gap)
        return True
    if ln.bottom - prev.bottom > 1.4 * pitch:
        return True
    if abs(ln.size - prev.size) > 1.0:
        return True
    if ln.bold != prev.bold:
        return True
    if ln.start > prev.start + 0.8 * ln.size:
        # a hanging indent ("79/206.   Protection of …" / "of humankind") continues the paragraph
        return not (first_line and any(abs(_word_start(w, prev.rtl) - ln.start) < 2 for w in prev.words[1:3]))
    # a label opens a paragraph only after a line that stopped short of the right edge: a full
    # line ending "…；" followed by "10. …" is a list running inside one paragraph
    return bool(prev.end < right - 0.05 * page.width and NUMBER_START.match(ln.text))


def _word_start(word: dict, rtl: bool) -> float:
    return -word["x1"] if rtl else word["x0"]


def page_vocabulary(pages: list[Page]) -> set[str]:
    words: set[str] = set()
    for page in pages:
        for ln in page.lines:
            for w in ln.words:
                for token in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", w["text"]):
                    words.add(token.lower())
    return words


def join_lines(lines: list[Line], vocabulary: set[str]) -> str:
    """Unwrap a paragraph. A line-end hyphen is kept ("risk-" + "informed") unless the document
    itself spells the word without it elsewhere (then it was a hyphenation break)."""
    text = ""
    for ln in lines:
        piece = ln.text.strip()
        if not piece:
            continue
        if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and piece[:1].isalpha():
            head = re.search(r"([^\W\d_]+)-$", text)
            tail = re.match(r"[^\W\d_]+", piece)
            if head and tail:
                whole = (head.group(1) + tail.group(0)).lower()
                hyphenated = f"{head.group(1)}-{tail.group(0)}".lower()
                if whole in vocabulary and hyphenated not in vocabulary:
                    text = text[:-1] + piece
                    continue
            text += piece
            continue
        text = join_pieces(text, piece)
    return unicodedata.normalize("NFC", squash(text))
