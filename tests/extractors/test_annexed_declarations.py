"""Issue 24, item 1: a General Assembly resolution that "Endorses the political declaration …, as contained in
the annex to the present resolution" gives the declaration's numbered paragraphs as mandates, in text, DOCX
and PDF, cited "A/RES/79/901, annex, para. 4"; every annex or appendix not read is named in the skipped items.

tests/extractors/data/annexed_declaration.en.txt is written here in the shape of such a resolution (a
made-up symbol and declaration; no UN document's words). The DOCX and PDF are renderings of it (one Word
paragraph per line, then LibreOffice: tests/rendering.py), not UN originals.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.formats import read_bytes, read_path
from extractors.pipeline import extract_draft, extract_raw
from tests.rendering import docx_to_pdf, render_lines_docx, soffice_available

TEXT = Path(__file__).parent / "data" / "annexed_declaration.en.txt"
EXPECTED = [  # (citation, verb, actor, actor entity): the actor read from each sentence
    ("A/RES/79/901, para. 2", "requests", "un_system", "Secretary-General"),
    ("A/RES/79/901, annex, para. 3", "encourages", "member_states", "Member States"),
    ("A/RES/79/901, annex, para. 4", "calls upon", "member_states", "Member States"),
    ("A/RES/79/901, annex, para. 5", "commits", "member_states", "Member States"),  # the signatories' own
    ("A/RES/79/901, annex, para. 6", "encourages", "intergovernmental", "International Renewable Energy Agency"),
    ("A/RES/79/901, annex, para. 7", "requests", "un_system", "Secretary-General"),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    assert soffice_available(), "LibreOffice (soffice) is needed for the PDF rendering"
    out = tmp_path_factory.mktemp("annexed-declaration")
    lines = [line for line in TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]
    docx = render_lines_docx(lines, out, "annexed_declaration")
    return {"text": TEXT, "docx": docx, "pdf": docx_to_pdf(docx, out)}


@pytest.mark.parametrize("kind", ["text", "docx", "pdf"])
def test_the_annexed_declaration_gives_its_mandates(files, kind):
    result = extract_raw(read_path(files[kind]))
    got = [(m.citation, m.verb, m.actor, m.actor_entity) for m in result.mandates]
    assert got == EXPECTED, kind
    commitment = next(m for m in result.mandates if m.verb == "commits")
    assert commitment.actor_text == "We" and commitment.actor_source == "rule"
    annexed = [m for m in result.mandates if m.paragraph and m.paragraph.startswith("annex ")]
    assert all(m.source.annex == "" and m.resolution == "A/RES/79/901" for m in annexed)
    # the statements of the declaration are read and said not to be mandates, under their own citation
    reasons = {s.where: s.reason for s in result.skipped}
    assert reasons["A/RES/79/901 annex, para. 1"] == "operative but not a mandate: reaffirms"
    assert reasons["A/RES/79/901 para. 1"] == "operative but not a mandate: endorses"
    # the appendix (a list of partners) is not read, and the report says so and why
    assert reasons["A/RES/79/901 appendix"].startswith("appendix not read: not a declaration")


def test_an_annex_the_resolution_does_not_endorse_is_named_not_read():
    text = TEXT.read_text(encoding="utf-8").replace("as contained in the annex to the present resolution",
                                                    "which the meeting adopted")
    result = extract_raw(read_bytes(text.encode("utf-8"), "annexed_declaration.txt"))
    assert [m.citation for m in result.mandates] == ["A/RES/79/901, para. 2"]
    reasons = {s.where: s.reason for s in result.skipped}
    assert reasons["A/RES/79/901 annex"] == "annex not read: the operative part does not endorse or adopt it as its text"


def test_terms_of_reference_in_an_annex_are_named_not_read():
    draft = ("The United Nations Environment Assembly,\n1. Adopts the terms of reference of the steering committee, "
             "as set out in the annex to the present resolution;\n2. Requests the Executive Director to convene the "
             "committee;\nAnnex\nTerms of reference of the steering committee\n1. The committee will oversee the "
             "preparation of the options document;\n2. The committee will consist of ten members;")
    assert [m.citation for m in extract_draft(draft, "en")] == ["draft, para. 2"]

