"""Extraction speed: documents/s and mandates/s for registry JSON, DOCX, PDF and plain text.

    .venv/bin/python bench/bench_extract.py [--pdfs N]

DOCX and rendered PDFs are made from the bundled registry JSON with tests/rendering.py (LibreOffice;
rendering time is not counted). "original PDF" are the UN's own GA resolution PDFs in
tests/fixtures/un-ga-pdfs/. For each format the script also times structure + mandate rules alone
(already-read documents, language known), to separate them from the readers and language detection.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extractors.formats import read_path  # noqa: E402
from extractors.pipeline import extract_path, extract_raw  # noqa: E402
from tests.rendering import render_docx, render_pdf  # noqa: E402

BUNDLED = REPO / "corpus" / "bundled"
GA_PDFS = REPO / "tests" / "fixtures" / "un-ga-pdfs"


def _text_copies(paths: list[Path], out: Path) -> list[Path]:
    """Plain-text versions of registry files: one paragraph per line, as a text export has them."""
    made = []
    for path in paths:
        items = json.loads(path.read_text(encoding="utf-8"))
        target = out / (path.stem + ".txt")
        target.write_text("\n".join(it["text"].replace("\n", " ") for it in items if it.get("text")),
                          encoding="utf-8")
        made.append(target)
    return made


def _measure(label: str, paths: list[Path]) -> dict[str, float]:
    start = time.perf_counter()
    mandates = 0
    raws = []
    for path in paths:
        mandates += len(extract_path(path).mandates)
    total = time.perf_counter() - start
    raws = [read_path(p) for p in paths]
    languages = [extract_raw(raw).document.language for raw in raws]
    start = time.perf_counter()
    for raw, language in zip(raws, languages, strict=True):
        extract_raw(raw, language=language)
    rules = time.perf_counter() - start
    print(f"{label:<22} {len(paths):>4} docs {mandates:>5} mandates  {total:7.2f} s  "
          f"{len(paths) / total:8.1f} docs/s  {mandates / total:9.1f} mandates/s  "
          f"(structure + mandate rules alone: {len(paths) / rules:7.1f} docs/s)")
    return {
        "documents_per_s": round(len(paths) / total, 1),
        "mandates_per_s": round(mandates / total, 1),
        "rules_alone_documents_per_s": round(len(paths) / rules, 1),
    }


# Where the time of a PDF extraction goes, by the library whose code runs (cProfile's own time per
# function, summed by the file's package): pdfplumber (+ pdfminer.six under it) runs the table
# finder, pypdfium2 gives the characters, the rest is our readers/structure/rules and Python itself.
_LIBRARIES = {"pdfplumber": ("/pdfplumber/", "/pdfminer/"), "pypdfium2": ("/pypdfium2",)}


def _pdf_time_shares(paths: list[Path]) -> dict[str, float]:
    profile = cProfile.Profile()
    profile.enable()
    pages = sum(extract_path(path).pages or 0 for path in paths)
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in stats.values()) or 1.0  # tottime of every function
    shares = {name: 0.0 for name in _LIBRARIES}
    for (filename, _line, _func), row in stats.items():
        for name, markers in _LIBRARIES.items():
            if any(marker in filename for marker in markers):
                shares[name] += row[2]
    out = {f"{name}_share_pct": round(100 * t / total, 1) for name, t in shares.items()}
    out["pages"] = pages
    print(f"PDF (UN originals), {len(paths)} files, {pages} pages, share of extraction time: "
          + ", ".join(f"{name} {out[f'{name}_share_pct']}%" for name in _LIBRARIES)
          + " (cProfile own time)")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=int, default=4, help="how many original GA PDFs (13 = all)")
    parser.add_argument("--renderings", type=int, default=6, help="how many registry files to render")
    args = parser.parse_args()

    registry = sorted(BUNDLED.glob("UNEP_EA.*.json"))
    sample = registry[:: max(1, len(registry) // args.renderings)][: args.renderings]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        docx = [render_docx(p, out) for p in sample]
        pdf = [render_pdf(p, out) for p in sample]
        texts = _text_copies(registry, out)
        print(f"python {sys.version.split()[0]}; {len(registry)} registry files")
        originals = sorted(GA_PDFS.glob("*.pdf"))[: args.pdfs]
        figures = {
            "registry JSON": _measure("registry JSON", registry),
            "text (from JSON)": _measure("text (from JSON)", texts),
            "text (seed, tables)": _measure("text (seed, tables)", [BUNDLED / "UNEP_EA.4_3.zh.txt"]),
            "DOCX (rendered)": _measure("DOCX (rendered)", docx),
            "PDF (rendered)": _measure("PDF (rendered)", pdf),
            "PDF (UN originals)": _measure("PDF (UN originals)", originals),
            "PDF (UN originals) time": _pdf_time_shares(originals),
        }
    print("BENCH_JSON " + json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
