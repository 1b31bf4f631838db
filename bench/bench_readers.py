"""Reader speed per format: pages/s (PDF) and MB/s, readers only (no structure or mandate rules).

    .venv/bin/python bench/bench_readers.py [--repeat N] [--big-mb 50]

- original PDF: the 13 UN GA resolution PDFs in tests/fixtures/un-ga-pdfs/ (UN layout).
- rendered PDF / DOCX: a few bundled registry JSON files rendered with tests/rendering.py
  (LibreOffice; rendering time not counted).
- registry JSON: all bundled UNEP_EA.*.json; text: the seed UNEP_EA.4_3.zh.txt and a large text file
  made from real registry paragraphs (--big-mb).
Timings are the best of --repeat runs (the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extractors.formats import read_bytes  # noqa: E402
from tests import rendering  # noqa: E402


def best_time(paths: list[Path], repeat: int) -> tuple[float, int, int, int]:
    """(seconds, bytes, pages, blocks) of reading all paths, best of `repeat`."""
    blobs = [(p.read_bytes(), str(p)) for p in paths]
    best = float("inf")
    pages = blocks = 0
    for _ in range(repeat):
        start = time.perf_counter()
        pages = blocks = 0
        for data, name in blobs:
            raw = read_bytes(data, name)
            pages += raw.pages or 0
            blocks += len(raw.blocks)
        best = min(best, time.perf_counter() - start)
    return best, sum(len(d) for d, _ in blobs), pages, blocks


def report(label: str, paths: list[Path], repeat: int) -> None:
    seconds, size, pages, blocks = best_time(paths, repeat)
    mb = size / 2**20
    page_rate = f"{pages / seconds:7.1f} pages/s" if pages else " " * 13
    print(
        f"{label:16} {len(paths):3} files {mb:8.2f} MB {pages:5} pages {blocks:7} blocks "
        f"{seconds:7.2f} s  {page_rate}  {mb / seconds:7.2f} MB/s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--big-mb", type=int, default=50)
    parser.add_argument("--rendered", type=int, default=3, help="registry files to render as PDF/DOCX")
    args = parser.parse_args()

    ga = sorted((REPO / "tests" / "fixtures" / "un-ga-pdfs").glob("*.pdf"))
    registry = rendering.registry_json_paths()
    sample = registry[:: max(1, len(registry) // args.rendered)][: args.rendered]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        rendered_pdf = (
            [rendering.render_pdf(p, out / "pdf") for p in sample] if rendering.soffice_available() else []
        )
        docx = [rendering.render_docx(p, out / "docx", numbering="word") for p in sample]
        paragraphs = []
        for p in registry:
            paragraphs += [" ".join(it["text"].split()) for it in json.loads(p.read_text(encoding="utf-8"))]
        body = ("\n".join(paragraphs) + "\n").encode("utf-8")
        big = out / "big.txt"
        big.write_bytes(body * (args.big_mb * 2**20 // len(body) + 1))

        print(f"reader speed, best of {args.repeat} (python {sys.version.split()[0]})")
        report("original PDF", ga, args.repeat)
        if rendered_pdf:
            report("rendered PDF", rendered_pdf, args.repeat)
        report("DOCX", docx, args.repeat)
        report("registry JSON", registry, args.repeat)
        report("seed text", [rendering.SEED_ZH], args.repeat)
        report(f"text {args.big_mb} MB", [big], args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
