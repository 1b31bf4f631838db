"""Format readers on real documents: the UN GA PDFs (original layout), LibreOffice/python-docx
renderings of registry JSON and of the Chinese seed (tests/rendering.py), the seed's text export and
the registry JSON files. Expected values come from the documents themselves, never typed in."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from extractors.formats import read_bytes, read_path
from extractors.raw import RawDocument
from extractors.schema import content_hash
from extractors.symbols import symbol_from_filename
from tests import rendering

REPO = Path(__file__).resolve().parents[2]
GA = sorted((REPO / "tests" / "fixtures" / "un-ga-pdfs").glob("*.pdf"))
# a spread of the 13 (bench/bench_readers.py reads all): footnotes on most pages, boxed paragraphs
# that look like tables, a 2-page and a 3-page one
GA_SAMPLE = ["A_RES_78_154", "A_RES_78_155", "A_RES_79_142", "A_RES_78_147"]
REGISTRY_SAMPLE = ["UNEP_EA.4_RES.7", "UNEP_EA.2_RES.11", "UNEP_EA.5_RES.14", "UNEP_EA.6_RES.9"]

needs_soffice = pytest.mark.skipif(
    not rendering.soffice_available(), reason="LibreOffice (soffice) not installed"
)


def squash(text: str) -> str:
    return " ".join(text.split())


def no_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def ga_read() -> dict[str, RawDocument]:
    return {p.stem: read_path(p) for p in GA if p.stem in GA_SAMPLE}


@pytest.fixture(scope="module")
def ga_layout() -> dict[str, dict]:
    """What pdfplumber itself shows, to check the reader against: body-size words, footnote lines,
    job number and page count."""
    out = {}
    for p in GA:
        if p.stem not in GA_SAMPLE:
            continue
        with pdfplumber.open(p) as pdf:
            sizes: Counter[float] = Counter()
            pages_words = []
            for page in pdf.pages:
                words = page.extract_words(extra_attrs=["size"])
                pages_words.append((page, words))
                for w in words:
                    sizes[round(w["size"])] += len(w["text"])
            body = sizes.most_common(1)[0][0]
            body_words, footnotes, boxed = [], [], []
            for page, words in pages_words:
                rule = [w["top"] for w in words if re.fullmatch(r"_{5,}", w["text"])]
                by_line: dict[int, list[str]] = {}
                for w in words:
                    if rule and w["top"] > rule[0] and w["top"] < 0.93 * page.height:
                        by_line.setdefault(round(w["top"]), []).append(w["text"])
                    elif round(w["size"]) == body and 0.09 * page.height < w["top"] < 0.93 * page.height:
                        body_words.append(w["text"])
                footnotes += [" ".join(ws) for ws in by_line.values()]
                if page.rects:
                    boxed += [t.extract() for t in page.find_tables()]
            first_page_text = pdf.pages[0].extract_text()
            full_text = "\n".join(page.extract_text() for page, _ in pages_words)
            job = re.search(
                r"^(\d{2}-\d{5})", first_page_text.splitlines()[-2] + "\n" + first_page_text, re.M
            )
            out[p.stem] = {
                "pages": len(pdf.pages),
                "body_words": body_words,
                "body_text": " ".join(body_words),
                "footnotes": footnotes,
                "boxed": boxed,
                "text": full_text,
                "job": job,
            }
    return out


# --- GA PDFs (original UN layout) -----------------------------------------------------------


@pytest.mark.parametrize("stem", GA_SAMPLE)
def test_ga_pdf_basics(stem, ga_read, ga_layout):
    raw = ga_read[stem]
    assert raw.format == "pdf"
    assert raw.pages == ga_layout[stem]["pages"]
    assert raw.id == content_hash((REPO / "tests" / "fixtures" / "un-ga-pdfs" / f"{stem}.pdf").read_bytes())
    assert raw.metadata["symbol"] == symbol_from_filename(f"{stem}.pdf")
    pages = [b.page for b in raw.blocks]
    assert pages == sorted(pages) and pages[0] == 1 and pages[-1] == raw.pages


@pytest.mark.parametrize("stem", GA_SAMPLE)
def test_ga_operative_paragraphs_are_whole_and_in_order(stem, ga_read):
    """Operative paragraphs "1." … "N." come out one block each: none split, none merged, none lost."""
    numbers = [
        int(m.group(1)) for b in ga_read[stem].blocks if (m := re.match(r"^(\d{1,3})\. [A-Z]", b.text))
    ]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= 3
    # a block never starts mid-sentence (a lost page-break continuation would)
    assert not [b.text[:60] for b in ga_read[stem].blocks if b.text[:1].islower()]


@pytest.mark.parametrize("stem", GA_SAMPLE)
def test_ga_running_headers_and_footers_removed(stem, ga_read, ga_layout):
    raw = ga_read[stem]
    symbol = raw.metadata["symbol"]
    body = [b.text for b in raw.blocks if b.style != "masthead"]
    assert not [t for t in body if symbol in t and len(t) < 80]  # the running header line
    assert not [t for t in body if re.fullmatch(r"\d{1,3}/\d{1,3}", t)]  # "2/14"
    job = ga_layout[stem]["job"]
    assert job, "the fixture prints a job number"
    assert not [t for t in body if job.group(1) in t]
    assert not [t for t in body if re.search(r"\*\d{7}\*", t)]  # barcode
    # the running title repeats the resolution title: it must not be glued onto paragraphs
    title = next(b.text for b in raw.blocks if re.match(r"^\d{2}/\d{1,3}\. ", b.text))
    assert sum(1 for t in body if t == title) == 1


@pytest.mark.parametrize("stem", GA_SAMPLE)
def test_ga_footnotes_and_reference_marks_removed(stem, ga_read, ga_layout):
    text = "\n".join(b.text for b in ga_read[stem].blocks)
    long_notes = [f for f in ga_layout[stem]["footnotes"] if len(f) > 30]
    # a footnote line may also be quoted in the body (a treaty's name): only footnote-only lines count
    leaked = [f for f in long_notes if squash(f) in text and squash(f) not in ga_layout[stem]["body_text"]]
    assert not leaked
    # reference marks were superscript digits glued to words ("Change1", "well-being,2")
    assert not re.findall(r"[a-z]{3,}\d{1,2}\b", text)
    assert not re.findall(r"[,;]\d{1,2}\b(?! [A-Z])", text.replace(", ", ",  "))


@pytest.mark.parametrize("stem", GA_SAMPLE)
def test_ga_body_text_is_kept(stem, ga_read, ga_layout):
    """Every body-size word pdfplumber sees is in the blocks (hyphenated line ends aside)."""
    words = Counter(no_space(w).strip(".,;:()“”\"'") for w in ga_layout[stem]["body_words"])
    text = " ".join(b.text for b in ga_read[stem].blocks)
    missing = [w for w in words if w and w not in text]
    assert len(missing) <= 0.002 * len(words), missing[:20]


@pytest.mark.parametrize("stem", ["A_RES_78_155"])
def test_ga_boxes_around_paragraphs_are_not_tables(stem, ga_read, ga_layout):
    """These PDFs draw rectangles round some paragraphs; pdfplumber's finder sees tables there."""
    boxed = ga_layout[stem]["boxed"]
    assert boxed, "the fixture has table-like boxes"
    raw = ga_read[stem]
    assert raw.tables == []
    text = " ".join(b.text for b in raw.blocks)
    for rows in boxed:
        first = squash(" ".join(c for c in rows[0] if c))
        assert first[:40] in text


def test_ga_samples_have_footnotes(ga_layout):
    assert sum(len(v["footnotes"]) for v in ga_layout.values()) > 20


def test_ga_line_end_hyphens(ga_read, ga_layout):
    """A hyphen at a line end joins its word halves (keeping the hyphen of a compound such as
    "well-\nbeing"); no "- " is left behind that the page itself does not print."""
    for stem, raw in ga_read.items():
        source = ga_layout[stem]["text"]
        text = " ".join(b.text for b in raw.blocks)
        assert len(re.findall(r"[a-z]- [a-z]", text)) <= len(re.findall(r"[a-z]- [a-z]", source)), stem
        for head, tail in re.findall(r"([a-z]+)-\n([a-z]+)", source):
            assert f"{head}-{tail}" in text or f"{head}{tail}" in text, (stem, head, tail)


# --- renderings of registry JSON (LibreOffice PDF, python-docx DOCX) ------------------------


def expected_items(path: Path, numbered: bool) -> list[str]:
    items = rendering.registry_items(path)
    if not numbered:
        return [squash(it["text"]) for it in items]
    return [
        squash(f"{label} {text}" if label else text)
        for text, label, _ in rendering._numbered_paragraphs(items)
    ]


@needs_soffice
@pytest.mark.parametrize("stem", REGISTRY_SAMPLE[:2])  # each PDF is a LibreOffice run
def test_rendered_pdf_paragraphs_round_trip(stem):
    path = rendering.registry_json_paths([stem])[0]
    raw = read_path(rendering.rendered_pdf(path))
    assert raw.format == "pdf"
    assert [b.text for b in raw.blocks] == expected_items(path, numbered=True)


@pytest.mark.parametrize("stem", REGISTRY_SAMPLE)
def test_rendered_docx_paragraphs_round_trip(stem):
    path = rendering.registry_json_paths([stem])[0]
    raw = read_path(rendering.rendered_docx(path))
    assert raw.format == "docx"
    assert [b.text for b in raw.blocks] == expected_items(path, numbered=False)


@pytest.mark.parametrize("stem", REGISTRY_SAMPLE)
def test_docx_word_auto_numbering_is_rebuilt(stem):
    """Word numbering (numPr → numbering.xml) gives the same "7." / "(a)" as printed numbers."""
    path = rendering.registry_json_paths([stem])[0]
    word = read_path(rendering.rendered_docx(path, "word"))
    text = read_path(rendering.rendered_docx(path, "text"))
    assert (
        [b.text for b in word.blocks] == [b.text for b in text.blocks] == expected_items(path, numbered=True)
    )


def test_docx_headings_are_marked():
    path = rendering.registry_json_paths(["UNEP_EA.2_RES.5"])[0]
    items = rendering.registry_items(path)
    raw = read_path(rendering.rendered_docx(path))
    headings = [squash(it["text"]) for it in items if it["type"] == "heading"]
    assert headings and [b.text for b in raw.blocks if b.style == "heading"] == headings


# --- Chinese renderings of the seed -------------------------------------------------------------


def seed_table_items() -> list[list[list[str]]]:
    """The rendered Annex II block as bullet lists per cell (what a reader must give back)."""
    return [[rendering._cell_items(c) for c in row] for row in rendering.seed_annex_table_block()]


def cell_items(cell: str) -> list[str]:
    return [no_space(x) for x in re.split(r"\n(?=✓)", cell) if x.strip()]


@needs_soffice
def test_chinese_pdf_paragraphs_and_table():
    raw = read_path(rendering.rendered_chinese_pdf())
    texts = [no_space(b.text) for b in raw.blocks]
    for paragraph in rendering.seed_numbered_paragraphs():
        assert no_space(paragraph) in texts
    assert raw.tables, "the Annex II table is found"
    rows = [row for t in raw.tables for row in t.rows]
    # one table per page: the page break may cut a row (and a bullet) in two, so compare the cells'
    # text in reading order, column by column, rather than rows
    width = len(rows[0])
    assert all(len(r) == width for r in rows)
    expected = seed_table_items()
    for col in range(width):
        got = no_space("".join(r[col] for r in rows if r[col] != rows[0][col] or r is rows[0]))
        want = no_space("".join("".join(row[col]) for row in expected))
        assert got == want, col
    assert [t.page for t in raw.tables] == sorted({t.page for t in raw.tables})
    # table text is kept out of the running text
    assert not [t for t in texts if "✓" in t]
    assert all(t.page and t.page >= 1 for t in raw.tables)
    # wrapped lines inside a cell are joined without spaces between Chinese characters
    assert not [c for row in rows for c in row if re.search(r"[\u4e00-\u9fff]\s[\u4e00-\u9fff]", c)]


def test_chinese_docx_paragraphs_and_table():
    raw = read_path(rendering.rendered_chinese_docx())
    texts = [b.text for b in raw.blocks]
    for paragraph in rendering.seed_numbered_paragraphs():
        assert squash(paragraph) in texts
    (table,) = raw.tables
    expected = seed_table_items()
    assert [[c.split("\n") if c else [] for c in row] for row in table.rows] == expected
    # the table sits after the Annex II heading and its title, before the closing note
    assert texts[table.position - 1].startswith("联合国环境大会各项决议")
    assert texts[table.position].startswith("注：")


# --- text export (the seed) and registry JSON -----------------------------------------------


def test_seed_text_export_blocks_and_tables():
    data = rendering.SEED_ZH.read_bytes()
    raw = read_bytes(data, "UNEP_EA.4_3.zh.txt")
    assert raw.format == "text"
    lines = data.decode("utf-8").splitlines()
    tab_lines = [ln for ln in lines if "\t" in ln]
    table_rows = [row for t in raw.tables for row in t.rows]
    labelled = len(tab_lines) - len(table_rows)  # "7.\tText" lines become paragraphs
    assert labelled >= 0
    assert len(raw.blocks) == sum(1 for ln in lines if ln.strip() and "\t" not in ln) + labelled
    # cells stay raw: the HTML list and ✓ marks are left for extractors.tables
    assert any("<ul" in c and "✓" in c for row in table_rows for c in row)
    annex = [t for t in raw.tables if t.rows[0][0] == "联合国环境大会决议"]
    assert len(annex) >= 3  # Annex II is printed in blocks, each with its header row
    # positions keep reading order: the block before the first Annex II table is the annex title
    assert raw.blocks[annex[0].position - 1].text.startswith("联合国环境大会各项决议中")


@pytest.mark.parametrize("path", rendering.registry_json_paths()[::10], ids=lambda p: p.stem)
def test_registry_json_blocks(path):
    data = path.read_bytes()
    raw = read_bytes(data, path.name)
    items = [it for it in json.loads(data) if squash(it.get("text") or "")]
    assert raw.format == "registry-json"
    assert [b.text for b in raw.blocks] == [squash(it["text"]) for it in items]
    assert [b.style for b in raw.blocks] == [it["type"] for it in items]
    assert raw.metadata["symbol"] == symbol_from_filename(path.name)


def test_format_comes_from_content_not_name():
    json_path = rendering.registry_json_paths(["UNEP_EA.2_RES.11"])[0]
    assert read_bytes(json_path.read_bytes(), "upload.pdf").format == "registry-json"
    assert "symbol" not in read_bytes(json_path.read_bytes(), "upload.pdf").metadata
    pdf = GA[0].read_bytes()
    assert read_bytes(pdf, "notes.txt").format == "pdf"
    docx = rendering.rendered_docx(json_path).read_bytes()
    assert read_bytes(docx, "scan.pdf").format == "docx"
    assert read_bytes(rendering.SEED_ZH.read_bytes(), "seed.docx").format == "text"


def test_read_path_equals_read_bytes():
    path = rendering.registry_json_paths(["UNEP_EA.2_RES.11"])[0]
    a, b = read_path(path), read_bytes(path.read_bytes(), str(path))
    assert a == b and a.id == content_hash(path.read_bytes())


def test_pdfs_read_from_threads_match_sequential_reads():
    """PDFium is not thread-safe; the reader serialises it, so parallel uploads read correctly."""
    from concurrent.futures import ThreadPoolExecutor

    paths = [p for p in GA if p.stem in ("A_RES_79_142", "A_RES_78_147")] * 2
    sequential = [[b.text for b in read_path(p).blocks] for p in paths]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda p: [b.text for b in read_path(p).blocks], paths))
    assert parallel == sequential
