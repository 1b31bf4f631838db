"""Real mandates for the index tests: the seed's Annex II (Chinese, via extractors.tables) and
operative paragraphs of bundled UN-registry resolutions (English).

English mandates come from extractors.pipeline, as the product reads them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from extractors.schema import Document, Mandate

BUNDLED = Path(__file__).resolve().parents[2] / "corpus" / "bundled"
SEED = BUNDLED / "UNEP_EA.4_3.zh.txt"
# Marine plastic (4/6, 5/14), air quality (6/10), chemicals and waste (5/7), pollution plan (4/21)
ENGLISH_FILES = (
    "UNEP_EA.4_RES.6.json",
    "UNEP_EA.5_RES.14.json",
    "UNEP_EA.6_RES.10.json",
    "UNEP_EA.5_RES.7.json",
    "UNEP_EA.4_RES.21.json",
)


@cache
def seed_mandates() -> tuple[Document, tuple[Mandate, ...]]:
    from extractors.tables import load_seed_annex_mandates

    mandates = load_seed_annex_mandates()
    document = Document(
        id=mandates[0].document,
        symbol="UNEP/EA.4/3",
        language="zh",
        title="迈向零污染地球的实施计划",
        session=4,
        source_file=SEED.name,
        format="text",
    )
    return document, tuple(mandates)


@cache
def registry_mandates(name: str) -> tuple[Document, tuple[Mandate, ...]]:
    from extractors.pipeline import extract_path

    result = extract_path(BUNDLED / name)
    return result.document, tuple(result.mandates)


def english_corpus() -> list[tuple[Document, list[Mandate]]]:
    return [(doc, list(ms)) for doc, ms in map(registry_mandates, ENGLISH_FILES)]


def full_corpus() -> list[tuple[Document, list[Mandate]]]:
    document, mandates = seed_mandates()
    return [(document, list(mandates)), *english_corpus()]
