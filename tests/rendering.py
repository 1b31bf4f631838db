"""Render real corpus text into DOCX and PDF files for reader and structure tests.

These files are *renderings* made here with python-docx and LibreOffice, not UN originals: the
words are real (UN registry JSON exports in corpus/bundled/ and the Chinese seed UNEP_EA.4_3.zh.txt),
the layout is LibreOffice's default. The original UN layout is only in tests/fixtures/un-ga-pdfs/.

- `render_docx(json_path, out_dir)` / `render_pdf(json_path, out_dir)`: one Word paragraph per
  registry item, text exactly as the JSON has it (the export stripped most paragraph numbers).
  `numbering="text"` writes plain "7." / "(a)" back into the text; `numbering="word"` gives those
  paragraphs Word auto-numbering (numPr → numbering.xml) instead, as drafts written in Word have.
- `render_chinese_docx(out_dir)` / `render_chinese_pdf(out_dir)`: numbered paragraphs of the seed
  and one block of its Annex II mandate table as a real Word table.
- `rendered_docx(...)`, `rendered_pdf(...)`, `rendered_chinese_docx()`, `rendered_chinese_pdf()`:
  the same, cached for the test session in one temporary folder (each file is rendered once).
"""

from __future__ import annotations

import atexit
import functools
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from docx import Document as new_docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "corpus" / "bundled"
SEED_ZH = BUNDLED / "UNEP_EA.4_3.zh.txt"
GA_PDFS = REPO / "tests" / "fixtures" / "un-ga-pdfs"

Numbering = Literal["none", "text", "word"]

SOFFICE_TIMEOUT_S = 180


def soffice_available() -> bool:
    return shutil.which("soffice") is not None


def registry_items(json_path: Path) -> list[dict]:
    items = json.loads(Path(json_path).read_text(encoding="utf-8"))
    return [it for it in items if isinstance(it, dict) and str(it.get("text", "")).strip()]


# --- restoring numbers (only when asked) -------------------------------------------------------

_HAS_NUMBER = re.compile(r"^\s*(\d{1,3}\.?|\([a-z]{1,4}\))\s")
_OPERATIVE_LEAD = re.compile(r"^(?:Also |Further |Again |Once again |Strongly |Decides also )?[A-Z][a-z]+s\b")


def _numbered_paragraphs(items: list[dict]) -> list[tuple[str, str | None, int]]:
    """(text, label, level) for each item: operative paragraphs after the first operative verb get
    1., 2., …; items after one ending with ":" get (a), (b), … (level 1) until the next operative verb.

    A rendering aid for tests, not the project's structure parser.
    """
    out: list[tuple[str, str | None, int]] = []
    number = 0
    letter = 0
    in_operative = False
    in_list = False
    for it in items:
        text = it["text"].strip()
        if _HAS_NUMBER.match(text) or it.get("type") in ("heading", "backmatter"):
            out.append((text, None, 0))
            in_list = False
            continue
        if in_list and not _OPERATIVE_LEAD.match(text):
            letter += 1
            out.append((text, f"({chr(ord('a') + (letter - 1) % 26)})", 1))
            continue
        in_list = False
        if not in_operative and _OPERATIVE_LEAD.match(text) and not text.split()[0].endswith("ing"):
            in_operative = True
        if in_operative and _OPERATIVE_LEAD.match(text) and len(text) > 40:
            number += 1
            out.append((text, f"{number}.", 0))
            if text.rstrip().endswith(":"):
                in_list, letter = True, 0
            continue
        out.append((text, None, 0))
    return out


# --- Word auto-numbering -------------------------------------------------------------------------


def _add_operative_numbering(doc) -> int:
    """Add a two-level list (decimal "1." then lowerLetter "(a)") to numbering.xml; return numId."""
    numbering = doc.part.numbering_part.element
    abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    abstract_id = max(abstract_ids, default=0) + 1
    num_id = max(num_ids, default=0) + 1

    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), str(abstract_id))
    for ilvl, (fmt, lvl_text) in enumerate(
        [("decimal", "%1."), ("lowerLetter", "(%2)"), ("lowerRoman", "(%3)")]
    ):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(ilvl))
        for tag, val in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", lvl_text), ("w:lvlJc", "left")):
            el = OxmlElement(tag)
            el.set(qn("w:val"), val)
            lvl.append(el)
        abstract.append(lvl)
    # abstractNum elements must precede num elements in numbering.xml
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), str(num_id))
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), str(abstract_id))
    num.append(ref)
    numbering.append(num)
    return num_id


def _set_num_pr(paragraph, num_id: int, level: int) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), str(level))
    num_id_el = OxmlElement("w:numId")
    num_id_el.set(qn("w:val"), str(num_id))
    num_pr.append(ilvl)
    num_pr.append(num_id_el)
    p_pr.append(num_pr)


def _new_document():
    doc = new_docx()
    style = doc.styles["Normal"]
    style.font.name = "Liberation Serif"
    style.font.size = Pt(11)
    # East Asian font so LibreOffice embeds a CJK font in the PDF
    r_pr = style.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.append(fonts)
    fonts.set(qn("w:eastAsia"), "Noto Serif CJK SC")
    return doc


# --- English registry JSON → DOCX / PDF ---------------------------------------------------------


def render_docx(json_path: Path, out_dir: Path, numbering: Numbering = "none") -> Path:
    """One Word paragraph per registry item (a rendering, not a UN original).

    numbering: "none" keeps the text exactly as the JSON has it; "text" prefixes restored numbers
    ("7.\\t", "(a)\\t") to the text; "word" applies Word auto-numbering to those paragraphs.
    Item "type" heading → style "Heading 2"; others → "Normal".
    """
    json_path = Path(json_path)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    items = registry_items(json_path)
    doc = _new_document()
    num_id = _add_operative_numbering(doc) if numbering == "word" else None
    rows = (
        _numbered_paragraphs(items)
        if numbering != "none"
        else [(it["text"].strip(), None, 0) for it in items]
    )
    for it, (text, label, level) in zip(items, rows, strict=True):
        style = "Heading 2" if it.get("type") == "heading" else None
        if label and numbering == "text":
            text = f"{label}\t{text}"
        # the registry wraps lines with "\n"; inside a Word paragraph that is a soft line break
        para = doc.add_paragraph(style=style)
        for i, line in enumerate(text.split("\n")):
            if i:
                para.runs[-1].add_break()
            para.add_run(line)
        if label and numbering == "word" and num_id is not None:
            _set_num_pr(para, num_id, level)
    suffix = "" if numbering == "none" else f".{numbering}"
    out = out_dir / f"{json_path.stem}{suffix}.docx"
    doc.save(out)
    return out


def docx_to_pdf(docx_path: Path, out_dir: Path, timeout_s: int = SOFFICE_TIMEOUT_S) -> Path:
    """Convert with headless LibreOffice, using a private profile so parallel runs don't collide."""
    docx_path = Path(docx_path)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        cmd = [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(docx_path),
        ]
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout_s, check=False)
        out = out_dir / (docx_path.stem + ".pdf")
        if proc.returncode != 0 or not out.exists():
            raise RuntimeError(
                f"soffice failed on {docx_path.name}: rc={proc.returncode} {proc.stderr.decode(errors='replace')[-500:]}"
            )
        return out
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def render_pdf(json_path: Path, out_dir: Path, numbering: Numbering = "text") -> Path:
    """Registry JSON → DOCX → PDF (LibreOffice). A rendering, not a UN original.

    Default numbering "text": a PDF is what a reader sees on paper, with the numbers printed.
    """
    docx_path = render_docx(json_path, Path(out_dir) / "docx", numbering=numbering)
    return docx_to_pdf(docx_path, out_dir)


# --- Chinese seed → DOCX / PDF ------------------------------------------------------------------

_ZH_NUMBERED = re.compile(r"^(\d{1,3}\.\s|\([a-z]\)\s)")


def seed_numbered_paragraphs(limit: int = 25) -> list[str]:
    """The seed's numbered body paragraphs ("10. 实施计划旨在…", "(a) 通过…"), in order."""
    lines = SEED_ZH.read_text(encoding="utf-8").splitlines()
    out = [ln.strip() for ln in lines if _ZH_NUMBERED.match(ln.strip()) and "\t" not in ln]
    return out[:limit]


def seed_annex_table_block() -> list[list[str]]:
    """The first block of Annex II rows (header row to the next blank line), cells split on tabs."""
    lines = SEED_ZH.read_text(encoding="utf-8").splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.strip() == "附件二")
    rows: list[list[str]] = []
    for ln in lines[start + 1 :]:
        if "\t" in ln:
            rows.append(ln.split("\t"))
        elif rows and not ln.strip():
            break
    return rows


def _cell_items(cell: str) -> list[str]:
    """'<ul …> ✓ a ✓ b' → ['✓ a', '✓ b'] (each bullet its own paragraph in the Word cell)."""
    text = re.sub(r"<[^>]+>", " ", cell).strip()
    if "✓" not in text:
        return [text] if text else []
    return ["✓ " + part.strip() for part in text.split("✓") if part.strip()]


def render_chinese_docx(out_dir: Path, paragraphs: int = 25) -> Path:
    """Chinese DOCX from the seed's real text (a rendering, not the UN original): a heading, the
    first numbered paragraphs, then the Annex II heading and one block of its table as a Word table.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    doc = _new_document()
    doc.add_paragraph("“迈向零污染地球” 实施计划", style="Heading 1")
    for text in seed_numbered_paragraphs(paragraphs):
        doc.add_paragraph(text)
    doc.add_paragraph("附件二", style="Heading 2")
    doc.add_paragraph(
        "联合国环境大会各项决议中与环境、健康和污染有关的要素与应对挑战的各行动领域之间的映射关系"
    )
    rows = seed_annex_table_block()
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"  # ruled, as the original's table is
    for r, row in enumerate(rows):
        for c in range(width):
            cell = table.cell(r, c)
            items = _cell_items(row[c]) if c < len(row) else []
            cell.paragraphs[0].text = items[0] if items else ""
            for extra in items[1:]:
                cell.add_paragraph(extra)
    doc.add_paragraph("注：本表为测试用渲染件，并非联合国原件。")
    out = out_dir / "UNEP_EA.4_3.zh.rendered.docx"
    doc.save(out)
    return out


def render_chinese_pdf(out_dir: Path) -> Path:
    return docx_to_pdf(render_chinese_docx(Path(out_dir) / "docx"), out_dir)


# --- session cache -------------------------------------------------------------------------------


@functools.cache
def _cache_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="unea-renderings-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


@functools.cache
def rendered_docx(json_path: Path, numbering: Numbering = "none") -> Path:
    return render_docx(Path(json_path), _cache_dir() / "docx", numbering=numbering)


@functools.cache
def rendered_pdf(json_path: Path, numbering: Numbering = "text") -> Path:
    return render_pdf(Path(json_path), _cache_dir() / f"pdf-{numbering}", numbering=numbering)


@functools.cache
def rendered_chinese_docx() -> Path:
    return render_chinese_docx(_cache_dir() / "zh")


@functools.cache
def rendered_chinese_pdf() -> Path:
    return docx_to_pdf(rendered_chinese_docx(), _cache_dir() / "zh-pdf")


def registry_json_paths(names: Iterable[str] | None = None) -> list[Path]:
    """Bundled registry JSON files (all, or the named stems such as "UNEP_EA.2_RES.11")."""
    paths = sorted(BUNDLED.glob("UNEP_EA.*.json"))
    if names is None:
        return paths
    wanted = set(names)
    return [p for p in paths if p.stem in wanted]


# --- aligned lines (UN Parallel Corpus sample) → DOCX / PDF -------------------------------------


def render_lines_docx(lines: Iterable[str], out_dir: Path, name: str, right_to_left: bool = False) -> Path:
    """One Word paragraph per line, text as given (a rendering, not a UN original): the same operative
    lines in each UN language, so a reader's output can be compared with the text itself.

    right_to_left: paragraphs set right to left and justified (w:bidi, as UN Arabic documents are);
    without it Arabic runs in left-to-right paragraphs, as typed into a default Word document."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    doc = _new_document()
    for line in lines:
        para = doc.add_paragraph(line)
        if right_to_left:
            p_pr = para._p.get_or_add_pPr()
            p_pr.append(OxmlElement("w:bidi"))
            jc = OxmlElement("w:jc")
            jc.set(qn("w:val"), "both")
            p_pr.append(jc)
    out = out_dir / f"{name}.docx"
    doc.save(out)
    return out
