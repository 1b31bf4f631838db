"""Real mandates for the index tests: the seed's Annex II (Chinese, via extractors.tables) and
operative paragraphs of bundled UN-registry resolutions (English).

English mandates come from extractors.pipeline when it is installed; until then from a stop-gap
reading of the registry JSON (each paragraph that opens with an operative verb is one mandate),
so the index layers can be tested on real text before the extractor lands.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from extractors.schema import Document, Mandate, content_hash, mandate_id
from extractors.symbols import parse_unea_number

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
_OPERATIVE = re.compile(r"^(Requests|Urges|Calls upon|Invites|Encourages|Decides|Recommends)\b")


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
    path = BUNDLED / name
    try:
        from extractors.pipeline import extract_path
    except ImportError:
        return _stopgap_registry_mandates(path)
    result = extract_path(path)
    return result.document, tuple(result.mandates)


def _stopgap_registry_mandates(path: Path) -> tuple[Document, tuple[Mandate, ...]]:
    data = path.read_bytes()
    paragraphs = [p["text"] for p in json.loads(data)]
    heading = next(t for t in paragraphs if re.match(r"^\d+/\d+\.", t))
    number, title = re.match(r"^(\d+/\d+)\.\s*(.+)$", heading).groups()
    symbol = parse_unea_number(number).symbol
    session = int(number.split("/")[0])
    document = Document(id=content_hash(data), symbol=symbol, language="en", title=title, session=session,
                        source_file=path.name, format="registry-json")
    mandates = []
    for i, text in enumerate(t for t in paragraphs if _OPERATIVE.match(t)):
        verb = _OPERATIVE.match(text).group(1)
        actor = "unep" if "Executive Director" in text[:120] else "member_states" if "Member States" in text[:80] else None
        mandates.append(Mandate(
            id=mandate_id(document.id, symbol, str(i + 1), text), document=document.id, resolution=symbol,
            resolution_number=number, resolution_title=title, session=session, paragraph=str(i + 1),
            language="en", text=text, verb=verb.lower(), actor=actor, actor_source="rule" if actor else None,
        ))
    return document, tuple(mandates)


def english_corpus() -> list[tuple[Document, list[Mandate]]]:
    return [(doc, list(ms)) for doc, ms in map(registry_mandates, ENGLISH_FILES)]


def full_corpus() -> list[tuple[Document, list[Mandate]]]:
    document, mandates = seed_mandates()
    return [(document, list(mandates)), *english_corpus()]
