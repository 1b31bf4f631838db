"""The UN Parallel Corpus sample's operative lines, rendered per language to DOCX and to PDF, give the same
mandates as their text. The files are *renderings* made here (python-docx, then LibreOffice with the Noto
fonts; tests/rendering.py), not UN originals: the words are the sample's own.

Measured when written (each language's 50 operative lines as one draft): French, Spanish, Russian and
English give the same mandates from DOCX and PDF; Arabic and Chinese from DOCX. Two PDF readings are known
broken and kept here as strict expected failures, so they are run and flip when fixed: the Arabic PDF's
text comes back in visual (reversed) order, so no lead verb is read (0 of 33 mandates); the Chinese PDF
merges one paragraph into the one before (31 of 32), the loss the issue reports.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.formats import read_path
from extractors.operative_leads import english_lead, lead_class
from extractors.paragraph_numbers import split_label
from extractors.pipeline import extract_draft, extract_raw
from tests.rendering import docx_to_pdf, render_lines_docx, soffice_available

SAMPLE = Path("/work/shared/corpus/un-parallel/un-parallel-sample.jsonl")


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
    for language in ("ar", "en", "es", "fr", "ru", "zh"):
        docx = render_lines_docx(_operative_lines(language), out / "docx", f"operative.{language}")
        files[f"{language}.docx"] = docx
        files[f"{language}.pdf"] = docx_to_pdf(docx, out / "pdf")
    return files


_KNOWN_BROKEN = {
    "ar.pdf": "the PDF reader returns Arabic in visual (reversed) order: no lead verb is read",
    "zh.pdf": "one Chinese paragraph is merged into the one before in the PDF reading",
}


@pytest.mark.parametrize("kind", [
    pytest.param(f"{lang}.{fmt}", marks=pytest.mark.xfail(strict=True, reason=_KNOWN_BROKEN[f"{lang}.{fmt}"]))
    if f"{lang}.{fmt}" in _KNOWN_BROKEN else f"{lang}.{fmt}"
    for lang in ("ar", "en", "es", "fr", "ru", "zh") for fmt in ("docx", "pdf")
])
def test_a_rendering_gives_the_mandates_of_its_text(rendered, kind):
    language = kind.split(".")[0]
    text = "\n".join(_operative_lines(language))
    want = _reading(extract_draft(text, language=language), language)
    got = _reading(extract_raw(read_path(rendered[kind]), draft=True, language=language).mandates, language)
    assert len(want) >= 30
    assert got == want  # nothing merged, lost or added
