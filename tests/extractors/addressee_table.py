"""The addressees table of the bundled English corpus: every addressee the extractor reads, with its actor.

One row per (addressee as written, entity, actor class, role) with the number of mandates; role is
"asked" (the one the mandate is addressed to), "co" (named beside it) or "partner" ("in cooperation
with …"). The table is kept in the repository (data/addressees.en.tsv), reviewed by hand; the test
regenerates it and fails on any change. After a deliberate change, rewrite it and review the diff:

    python -m tests.extractors.addressee_table --write
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from extractors.pipeline import extract_path

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "corpus" / "bundled"
TABLE = Path(__file__).resolve().parent / "data" / "addressees.en.tsv"
HEADER = ("addressee_as_written", "entity", "actor", "role", "mandates")
NONE = "-"


def english_registry_files() -> list[Path]:
    return sorted(p for p in BUNDLED.glob("UNEP_EA.*.json") if p.name != "UNEP_EA.6_RES.1.json")  # 6/1 is French


def table_rows(paths: list[Path] | None = None) -> list[tuple[str, ...]]:
    counts: Counter[tuple[str, str, str, str]] = Counter()
    for path in paths or english_registry_files():
        for m in extract_path(path).mandates:
            if m.language != "en":
                continue
            written = m.actor_text or NONE
            if not m.actor_entities:
                counts[(written, NONE, m.actor or NONE, "asked")] += 1
            for k, e in enumerate(m.actor_entities):
                role = "partner" if e.partner else ("asked" if k == 0 else "co")
                counts[(written, e.name, e.actor or NONE, role)] += 1
    return [(*key, str(n)) for key, n in sorted(counts.items(), key=lambda kv: (kv[0][2], kv[0][1], kv[0][0].lower(), kv[0][3]))]


def render(rows: list[tuple[str, ...]]) -> str:
    return "\n".join("\t".join(row) for row in [HEADER, *rows]) + "\n"


if __name__ == "__main__":
    text = render(table_rows())
    if "--write" in sys.argv:
        TABLE.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
