"""The UN Parallel Corpus sample's operative lines, rendered per language to DOCX and to PDF, give the
same mandates as their text, and the PDF readings give back every paragraph whole. The files are
*renderings* made here (python-docx, then LibreOffice with the Noto fonts; tests/rendering.py), not UN
originals: the words are the sample's own.

Arabic is rendered twice: as typed into a default Word document (left-to-right paragraphs, so the
Arabic runs inside them) and set right to left and justified, as UN Arabic documents are (LibreOffice
then stretches words with kashida strokes). Both come back in reading order (the bidi algorithm), with
"٤ -" and "2 -" read as paragraph numbers.

Once broken, now guarded: the Arabic PDF came back in visual (reversed) order (0 of 33 mandates read),
and the Chinese PDF merged two paragraphs into the ones before (31 of 32 mandates) because most of
its lines are in one- and two-line paragraphs, whose gaps hid the line pitch.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from extractors.formats import read_path
from extractors.operative_leads import english_lead, lead_class
from extractors.paragraph_numbers import split_label
from extractors.pipeline import extract_draft, extract_raw
from tests.rendering import docx_to_pdf, render_lines_docx, rendered_chinese_pdf, soffice_available
from tests.shared_corpus import UN_PARALLEL_SAMPLE

SAMPLE = UN_PARALLEL_SAMPLE
LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")
PDFS = [f"{lang}.pdf" for lang in LANGUAGES] + ["ar-rtl.pdf"]


def _operative_lines(language: str) -> list[str]:
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    out = []
    for row in rows:
        label, body = split_label(row["en"])
        if label is not None and label.kind == "number" and english_lead(body, strict=True):
            out.append(row[language])
    return out


def _reading(mandates, language: str) -> list[tuple]:
    return [(m.paragraph, lead_class(m.verb, language), m.actor) for m in mandates]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    assert soffice_available(), "LibreOffice (soffice) is needed for the PDF renderings"
    out = tmp_path_factory.mktemp("six-language-renderings")
    files = {}
    for language in LANGUAGES:
        docx = render_lines_docx(_operative_lines(language), out / "docx", f"operative.{language}")
        files[f"{language}.docx"] = docx
        files[f"{language}.pdf"] = docx_to_pdf(docx, out / "pdf")
    rtl = render_lines_docx(_operative_lines("ar"), out / "docx", "operative.ar-rtl", right_to_left=True)
    files["ar-rtl.pdf"] = docx_to_pdf(rtl, out / "pdf")
    return files


@pytest.mark.parametrize("kind", [f"{lang}.{fmt}" for lang in LANGUAGES for fmt in ("docx", "pdf")] + ["ar-rtl.pdf"])
def test_a_rendering_gives_the_mandates_of_its_text(rendered, kind):
    language = kind.split(".")[0].split("-")[0]
    text = "\n".join(_operative_lines(language))
    want = _reading(extract_draft(text, language=language), language)
    got = _reading(extract_raw(read_path(rendered[kind]), draft=True, language=language).mandates, language)
    assert len(want) >= 30
    assert got == want  # nothing merged, lost or added


def _same_text(text: str, language: str) -> str:
    text = unicodedata.normalize("NFC", text)
    # LibreOffice sets a gap between Chinese and Latin or digits ("2015 年"), read as a space
    return re.sub(r"\s+", "" if language == "zh" else " ", text).strip()


@pytest.mark.parametrize("kind", PDFS)
def test_a_pdf_rendering_gives_back_each_paragraph_whole(rendered, kind):
    """Every line of the draft is one paragraph of the PDF reading, word for word and in reading
    order (Arabic too), and the reader has nothing to report: no guessed break, no unread glyph."""
    language = kind.split(".")[0].split("-")[0]
    raw = read_path(rendered[kind])
    want = [_same_text(line, language) for line in _operative_lines(language)]
    got = [_same_text(block.text, language) for block in raw.blocks]
    assert got == want
    assert raw.notes == []


def test_a_numbered_line_kept_inside_a_paragraph_is_reported():
    """The seed's Chinese rendering has a list running inside one paragraph ("…；9. 工业、创新和基础设施；"
    then "10. 减少不平等；" opening the next line, with no gap): the reader keeps it there, as the page
    shows it, and says so in the extraction's skipped items rather than merging a paragraph unseen."""
    assert soffice_available(), "LibreOffice (soffice) is needed for the PDF renderings"
    result = extract_raw(read_path(rendered_chinese_pdf()))
    unclear = [s for s in result.skipped if s.reason.startswith("paragraph break unclear")]
    assert [(s.where.endswith(" page 3"), (s.text or "")[:9]) for s in unclear] == [(True, "10. 减少不平等")]
    assert "'10.'" in unclear[0].reason
