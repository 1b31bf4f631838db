"""Bad and awkward input: every case gives one clear UnreadableDocument reason, or a correct result.

All inputs are made here from real documents (the GA PDFs, the seed, registry JSON): truncated and
encrypted PDFs, an image-only "scan", zip bombs, ZIPs that are not Word files, GBK/UTF-16 text,
mixed English/Chinese text and a 50 MB text file.
"""

from __future__ import annotations

import io
import json
import random
import re
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from extractors.formats import read_bytes, read_path
from extractors.formats.docx import MAX_DOCX_UNCOMPRESSED
from extractors.schema import UnreadableDocument
from tests import rendering

REPO = Path(__file__).resolve().parents[2]
GA = sorted((REPO / "tests" / "fixtures" / "un-ga-pdfs").glob("*.pdf"))
SMALL_GA = min(GA, key=lambda p: p.stat().st_size)  # A/RES/79/142, 2 pages
REGISTRY = rendering.registry_json_paths(["UNEP_EA.2_RES.11"])[0]


def reason(data: bytes, name: str) -> str:
    with pytest.raises(UnreadableDocument) as info:
        read_bytes(data, name)
    assert info.value.source == name
    return info.value.reason


def registry_paragraphs() -> list[str]:
    out = []
    for path in rendering.registry_json_paths()[:20]:
        out += [" ".join(it["text"].split()) for it in json.loads(path.read_text(encoding="utf-8"))]
    return [p for p in out if len(p) > 80]


def seed_text() -> str:
    return rendering.SEED_ZH.read_text(encoding="utf-8")


# --- empty and junk -------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  "], ids=["empty", "whitespace"])
def test_empty_file(data):
    assert reason(data, "empty.pdf").startswith("empty file")


def test_random_bytes_named_pdf():
    junk = random.Random(0).randbytes(200_000)
    assert reason(junk, "report.pdf").startswith("not a document")


def test_control_characters_without_nul():
    junk = bytes(random.Random(1).choice(range(1, 32)) for _ in range(5000))
    assert "not a document" in reason(junk, "notes.txt")


def test_pdf_header_then_junk():
    junk = b"%PDF-1.7\n" + random.Random(2).randbytes(50_000) + b"\n%%EOF\n"
    assert reason(junk, "fake.pdf").startswith("corrupt PDF")


def test_legacy_word_doc_is_named():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000)
    assert "legacy Word .doc" in reason(ole, "old.doc")


# --- PDFs -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_truncated_pdf(fraction):
    data = SMALL_GA.read_bytes()
    cut = data[: int(len(data) * fraction)]
    assert reason(cut, SMALL_GA.name).startswith("truncated or corrupt PDF")


def test_pdf_missing_only_its_last_trailer():
    """Cut inside the final incremental-update trailer: the earlier, complete revision is read
    (or the file is refused); whatever comes back is the whole document."""
    data = SMALL_GA.read_bytes()
    cut = data[: int(len(data) * 0.999)]
    try:
        raw = read_bytes(cut, SMALL_GA.name)
    except UnreadableDocument as exc:
        assert exc.reason.startswith(("truncated", "corrupt PDF"))
    else:
        full = read_bytes(data, SMALL_GA.name)
        assert [b.text for b in raw.blocks] == [b.text for b in full.blocks]


def test_truncated_pdf_with_an_end_marker_glued_on():
    """Clear error or, if the parser recovers, a document that still reads as text (never a crash)."""
    data = GA[0].read_bytes()
    cut = data[: len(data) // 2] + b"\n%%EOF\n"
    try:
        raw = read_bytes(cut, GA[0].name)
    except UnreadableDocument as exc:
        assert exc.reason.startswith(("corrupt PDF", "truncated", "no text layer"))
    else:
        assert raw.format == "pdf" and raw.blocks


def _reportlab_pdf(paragraphs: list[str], encrypt=None) -> bytes:  # type: ignore[no-untyped-def]
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    y = 800
    for text in paragraphs:
        for i in range(0, len(text), 90):
            c.drawString(60, y, text[i : i + 90])
            y -= 14
        y -= 10
        if y < 80:
            c.showPage()
            y = 800
    c.save()
    return buf.getvalue()


def test_encrypted_pdf_needs_a_password():
    from reportlab.lib.pdfencrypt import StandardEncryption

    data = _reportlab_pdf(
        registry_paragraphs()[:5], encrypt=StandardEncryption("user-secret", "owner-secret")
    )
    assert reason(data, "locked.pdf") == "encrypted PDF: a password is needed"


def test_pdf_encrypted_only_against_editing_still_reads():
    """An owner password alone (empty user password) restricts editing, not reading."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    paragraphs = registry_paragraphs()[:3]
    data = _reportlab_pdf(paragraphs, encrypt=StandardEncryption("", "owner-secret", canPrint=0))
    raw = read_bytes(data, "restricted.pdf")
    text = re.sub(r"\s+", "", " ".join(b.text for b in raw.blocks))
    for p in paragraphs:
        assert re.sub(r"\s+", "", p) in text


def test_scanned_pdf_without_text_layer():
    """A GA page rendered to an image and wrapped in a PDF, as a scanner would make it."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    page = pdfium.PdfDocument(SMALL_GA.read_bytes())[0]
    image = page.render(scale=1).to_pil()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(image.width, image.height))
    c.drawImage(ImageReader(image), 0, 0, image.width, image.height)
    c.save()
    assert reason(buf.getvalue(), "scan.pdf") == "no text layer (scanned image?); OCR is not supported"


# --- ZIP / DOCX -----------------------------------------------------------------------------


def _zip(entries: dict[str, bytes | tuple[int, bytes]]) -> bytes:
    """Entries: name → bytes, or name → (repeat, chunk) streamed so a bomb is never held whole."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, content in entries.items():
            if isinstance(content, tuple):
                repeat, chunk = content
                with zf.open(name, "w", force_zip64=True) as fh:
                    for _ in range(repeat):
                        fh.write(chunk)
            else:
                zf.writestr(name, content)
    return buf.getvalue()


def test_zip_bomb_disguised_as_docx_by_ratio():
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": (64, bytes(1 << 20))})
    assert len(bomb) < 200_000
    r = reason(bomb, "minutes.docx")
    assert r.startswith("refused") and "zip bomb" in r


def test_zip_bomb_disguised_as_docx_by_total_size():
    # many parts, each too small for the ratio rule, that add up past the limit
    part = 3 * (1 << 20)
    entries: dict[str, bytes | tuple[int, bytes]] = {"word/document.xml": b"<w:document/>"}
    for i in range(MAX_DOCX_UNCOMPRESSED // part + 2):
        entries[f"word/media/image{i}.bin"] = (3, bytes(1 << 20))
    bomb = _zip(entries)
    assert len(bomb) < 2_000_000
    r = reason(bomb, "annex.docx")
    assert r.startswith("refused") and "MB" in r


def test_zip_that_is_not_a_word_document():
    data = _zip({"UNEP_EA.2_RES.11.json": REGISTRY.read_bytes()})
    assert reason(data, "resolution.docx") == "ZIP archive is not a Word document (no word/document.xml)"


def test_docx_with_broken_xml():
    good = rendering.rendered_docx(REGISTRY).read_bytes()
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    entries["word/document.xml"] = entries["word/document.xml"][: len(entries["word/document.xml"]) // 2]
    assert reason(_zip(entries), "draft.docx").startswith("corrupt DOCX")


def test_truncated_docx():
    good = rendering.rendered_docx(REGISTRY).read_bytes()
    assert reason(good[: len(good) // 2], "draft.docx").startswith("corrupt DOCX")


# --- encodings and mixed text ---------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_utf8_blocks() -> list[str]:
    return [b.text for b in read_bytes(seed_text().encode("utf-8"), "seed.txt").blocks]


@pytest.mark.parametrize(
    "encoding",
    ["gb18030", "gbk", "utf-16", "utf-16-le", "utf-8-sig"],
)
def test_chinese_seed_in_other_encodings(encoding, seed_utf8_blocks):
    text = seed_text()
    if encoding == "gbk":  # GBK lacks a few symbols the seed uses (✓, superscripts)
        text = text.encode("gbk", errors="replace").decode("gbk")
        expected = [b.text for b in read_bytes(text.encode("utf-8"), "seed.txt").blocks]
    else:
        expected = seed_utf8_blocks
    raw = read_bytes(text.encode(encoding), f"seed.{encoding}.txt")
    assert raw.format == "text"
    assert [b.text for b in raw.blocks] == expected


def test_undecodable_single_byte_text_is_refused_clearly():
    data = "Prie la Directrice exécutive d’aider les États membres".encode("cp1252") * 50
    data = data.replace(b" ", b"\x81")  # bytes neither UTF-8 nor GB18030 can take
    r = reason(data, "note.txt")
    assert r.startswith(("undecodable text", "not a document"))


def test_mixed_english_and_chinese_paragraph():
    from extractors.language import detect_language

    en = registry_paragraphs()[0]
    zh = next(ln for ln in seed_text().splitlines() if ln.startswith("10. "))
    mixed = f"{zh} ({en})"
    for encoding in ("utf-8", "gb18030"):
        raw = read_bytes((mixed + "\n").encode(encoding), "mixed.txt")
        assert [b.text for b in raw.blocks] == [" ".join(mixed.split())]
    assert detect_language(mixed) == "zh"


# --- large input ----------------------------------------------------------------------------


@pytest.mark.slow
def test_fifty_megabyte_text_file(tmp_path):
    paragraphs = registry_paragraphs()
    body = ("\n".join(paragraphs) + "\n").encode("utf-8")
    data = body * (50 * 1024 * 1024 // len(body) + 1)
    path = tmp_path / "big.txt"
    path.write_bytes(data)
    lines = data.count(b"\n")
    del data
    tracemalloc.start()
    try:
        raw = read_path(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = path.stat().st_size
    assert size >= 50 * 1024 * 1024
    assert len(raw.blocks) == lines
    assert raw.blocks[0].text == paragraphs[0] and raw.blocks[-1].text == paragraphs[-1]
    # bytes + decoded text + one string per paragraph: a few times the file, not more
    assert peak < 5 * size, f"peak {peak / 2**20:.0f} MiB for a {size / 2**20:.0f} MiB file"
