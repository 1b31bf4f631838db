"""The labelled training set, built from real text only.

Three sources, each with its origin recorded on every example:
- "annex_ii": the seed's Annex II (UNEP/EA.4/3, Chinese), 265 mandates whose action area (table section)
  and actor (table column) the document itself states. Read with the project's own extractor
  (extractors.formats.read_path + extractors.tables.mandates_from_tables), never a second parser.
- "en_pair": English operative paragraphs of resolutions 2/8, 2/9 and 2/11 paired with the Annex II
  bullet that summarises them (multilingual USE similarity, then each kept pair checked by hand; see
  models/data/en_pairs.jsonl). The English paragraph inherits the bullet's area and actor.
- "area_description": the seed's own description of each action area (its section "四、应对污染挑战的
  行动领域", A–E), split into sentences. Label descriptions, not test labels: used as prototypes and as
  down-weighted extra examples.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from extractors.schema import ACTION_AREAS, Mandate

DATA_DIR = Path(__file__).resolve().parent / "data"
CORPUS_DIR = Path(__file__).resolve().parents[1] / "corpus" / "bundled"
EN_PAIRS_PATH = DATA_DIR / "en_pairs.jsonl"

# The seed's section headings name each area ("A. 知识：循证决策和行动所需科学" …).
_AREA_HEADINGS = {
    "知识": "knowledge",
    "实施": "implementation",
    "基础设施": "infrastructure",
    "提高认识": "awareness",
    "领导能力": "leadership",
}

# Short English descriptions of the five areas: our translation of the seed's own one-line descriptions
# (its table 1, "行动领域" row), used as English prototypes.
AREA_DESCRIPTIONS_EN = {
    "knowledge": "Knowledge: science for evidence-based decision-making and action; data, monitoring, "
    "assessment, research and reporting",
    "implementation": "Implementation: strengthening implementation, incentive design, integrated policy "
    "assessment, regulatory innovation, capacity-building, enforcement and financing",
    "infrastructure": "Infrastructure: technology, innovation and circularity (sustainable consumption and "
    "production, resource efficiency)",
    "awareness": "Awareness: outreach, communication, education and consumer information",
    "leadership": "Leadership: mobilizing stakeholders, leaders and partners to tackle pollution in its "
    "different forms",
}


@dataclass(frozen=True)
class Example:
    """One labelled text."""

    text: str
    language: str
    group: str  # resolution number for grouped cross-validation ("3/4"); "desc" for descriptions
    action_area: str
    actor: str | None
    origin: str  # annex_ii | en_pair | area_description | rule_actor | guideline | guideline_un | annex_iv | reviewed
    with_partners: bool | None = None


def annex_ii_mandates() -> list[Mandate]:
    """The seed's Annex II mandates, read by the project's extractor (read_path + mandates_from_tables)."""
    from extractors.tables import load_seed_annex_mandates

    return load_seed_annex_mandates()


def annex_ii_examples(mandates: list[Mandate] | None = None) -> list[Example]:
    mandates = annex_ii_mandates() if mandates is None else mandates
    return [
        Example(
            text=m.text,
            language=m.language,
            group=m.resolution_number or m.resolution,
            action_area=m.action_area,
            actor=m.actor,
            origin="annex_ii",
            with_partners=m.with_partners,
        )
        for m in mandates
        if m.action_area is not None and m.action_area_source == "document"
    ]


def _seed_text() -> str:
    from extractors.tables import seed_path

    return seed_path().read_text(encoding="utf-8")


def area_description_examples(text: str | None = None) -> list[Example]:
    """Sentences of the seed's sections "A. 知识：…" … "E. 领导能力：…", labelled by their section."""
    text = _seed_text() if text is None else text
    lines = text.splitlines()
    heading = re.compile(r"^([A-E])\.\s*(知识|实施|基础设施|提高认识|领导能力)：")
    # The table of contents repeats the headings with leader dots; the body headings have none.
    starts = [(i, _AREA_HEADINGS[m.group(2)]) for i, line in enumerate(lines)
              if (m := heading.match(line.strip())) and "....." not in line]
    if not starts:
        return []
    end_heading = re.compile(r"^[一二三四五六七八九十]+、")
    last = starts[-1][0]
    stop = next((i for i in range(last + 1, len(lines)) if end_heading.match(lines[i].strip())), len(lines))
    bounds = [(s, area, starts[k + 1][0] if k + 1 < len(starts) else stop) for k, (s, area) in enumerate(starts)]
    out: list[Example] = []
    for start, area, end in bounds:
        for line in lines[start:end]:
            line = re.sub(r"<[^>]+>", " ", line)
            if re.match(r"^\s*(表\s*\d|图\s*\d|[⁰¹²³⁴⁵⁶⁷⁸⁹*]|缩略语|<)", line):
                continue  # table/figure captions, footnotes
            for part in re.split(r"[。；✓➤\t]", line):
                part = re.sub(r"^\s*(\(\d+\)|\d+\.|[A-E]\.)\s*", "", part)
                part = re.sub(r"^[⁰¹²³⁴⁵⁶⁷⁸⁹]+", "", part).strip(" ：:*")
                if len(part) >= 8:
                    out.append(Example(part, "zh", "desc", area, None, "area_description"))
    for area, description in AREA_DESCRIPTIONS_EN.items():
        out.append(Example(description, "en", "desc", area, None, "area_description"))
    return out


def registry_paragraphs(symbol_file: str) -> list[str]:
    """Paragraph texts of one registry JSON resolution in corpus/bundled/."""
    items = json.loads((CORPUS_DIR / symbol_file).read_text(encoding="utf-8"))
    return [item["text"] for item in items]


def clean_paragraph(text: str) -> str:
    """Drop the paragraph number or letter the registry export sometimes leaves ("19.\t", "(d)\t")."""
    return re.sub(r"^\s*(?:\d+\.?|\([a-z]{1,4}\))\s+", "", text.replace("\n", " ")).strip()


def load_en_pairs(path: Path = EN_PAIRS_PATH) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def en_pair_examples(mandates: list[Mandate] | None = None, path: Path = EN_PAIRS_PATH) -> list[Example]:
    """English paragraphs labelled with their paired Annex II bullet's area and actor.

    Labels are taken afresh from the extractor's Annex II output (matched on the bullet's text), and each
    English paragraph must still be in its bundled resolution, so the reviewed pairs cannot drift.
    """
    mandates = annex_ii_mandates() if mandates is None else mandates
    by_text = {m.text: m for m in mandates}
    seen: dict[str, Example] = {}
    for pair in load_en_pairs(path):
        bullet = by_text.get(pair["zh"])
        if bullet is None or bullet.action_area is None:
            continue
        paragraphs = [clean_paragraph(p) for p in registry_paragraphs(pair["en_file"])]
        if pair["en"] not in paragraphs:
            continue
        example = Example(pair["en"], "en", bullet.resolution_number or bullet.resolution,
                          bullet.action_area, bullet.actor, "en_pair")
        previous = seen.get(pair["en"])
        if previous is not None and (previous.action_area, previous.actor) != (example.action_area, example.actor):
            seen[pair["en"]] = None  # type: ignore[assignment]  # conflicting labels: drop the paragraph
            continue
        seen.setdefault(pair["en"], example)
    return [e for e in seen.values() if e is not None]


def build_training_set() -> list[Example]:
    mandates = annex_ii_mandates()
    return annex_ii_examples(mandates) + en_pair_examples(mandates) + area_description_examples()


def write_training_set(examples: list[Example], path: Path = DATA_DIR / "training_set.jsonl") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for e in examples:
            fh.write(json.dumps(asdict(e), ensure_ascii=False) + "\n")
    return path


assert set(_AREA_HEADINGS.values()) == set(ACTION_AREAS)


# Resolutions whose English text is paired with Annex II bullets: kept out of the rule-labelled set so that
# grouped cross-validation never sees a held-out resolution's text through it.
_PAIRED_FILES = ("UNEP_EA.2_RES.8.json", "UNEP_EA.2_RES.9.json", "UNEP_EA.2_RES.11.json")


def subjectless(text: str, actor_text: str) -> str | None:
    """The instruction without its lead and addressee: "Requests the Executive Director, …, to report …"
    → "report …" (the shape of a table bullet or a draft fragment)."""
    at = text.find(actor_text)
    if at < 0:
        return None
    rest = text[at + len(actor_text):]
    m = re.search(r"\bto\s*:?\s*", rest)
    if m is None or m.start() > 300:
        return None
    out = rest[m.end():].strip(" ,;:")
    return out if len(out) >= 15 else None


def rule_actor_examples(paths: list[Path] | None = None) -> list[Example]:
    """Subject-less English instructions whose actor the extractor's rules read off the subject.

    Weak but real labels for the actor head (unep / member_states only); no action area."""
    from extractors.pipeline import extract_path

    if paths is None:
        paths = sorted(p for p in CORPUS_DIR.glob("UNEP_EA.*.json") if p.name not in _PAIRED_FILES)
    out: list[Example] = []
    for path in paths:
        for m in extract_path(path).mandates:
            if m.language != "en" or m.actor_source != "rule" or m.actor not in ("unep", "member_states"):
                continue
            text = subjectless(m.text, m.actor_text or "")
            if text:
                out.append(Example(text, "en", m.resolution_number or m.resolution, "", m.actor, "rule_actor"))
    return out


# --- Maintainers' reviewed labels (`unea-mandates labels export --format jsonl`) --------------------------

# A maintainer checked this very mandate: it counts as much as a document's own label, above the
# guideline labels (0.5). Not more: 288 simulated reviews (guideline pass-1 areas where the shipped model
# disagreed) lowered English area macro-F1 on the 38 pairs 0.602 → 0.547 / 0.486 / 0.467 at weight
# 0.5 / 1.0 / 2.0 (same folds; see the README's reviewers' corrections).
REVIEWED_WEIGHT = 1.0


def reviewed_examples(rows: Iterable[dict]) -> list[Example]:
    """Training rows from exported reviewed labels (origin "reviewed"; the export's extra fields —
    citation, reviewers, orphaned… — are ignored; an orphaned row still labels its text)."""
    names = {f.name for f in fields(Example)}
    out = []
    for row in rows:
        if row.get("origin") != "reviewed" or not row.get("text"):
            continue
        if not row.get("action_area") and not row.get("actor"):
            continue  # only with_partners reviewed: nothing the classifier's heads learn
        kept = {k: v for k, v in row.items() if k in names}
        out.append(Example(**{**kept, "action_area": kept.get("action_area") or ""}))
    return out


def read_reviewed(path: Path) -> list[Example]:
    """reviewed_examples of a JSONL file written by `labels export` (a line that is not JSON is an error)."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not a JSON object ({exc})") from exc
    return reviewed_examples(rows)


# --- Labels made for the model: the guideline pass over the English mandates, and the seed's Annex IV ----


def guideline_examples(path: Path | None = None) -> list[Example]:
    """The bundled English mandates labelled by models/GUIDELINE.md (first pass; primary area first).

    Group = resolution number, so grouped cross-validation keeps each resolution's guideline rows, its
    English pairs and its Annex II bullets on the same side of a fold. No actor (the actor head keeps its
    own sources)."""
    from models.labelling import PASS1_PATH, TO_LABEL_PATH, load_labels, read_jsonl

    labels = load_labels(path or PASS1_PATH)
    out = []
    for row in read_jsonl(TO_LABEL_PATH):
        label = labels.get(row["id"])
        if label is None:
            continue
        out.append(Example(row["text"], "en", _group_of(row["resolution"]), label["action_areas"][0], None,
                           "guideline"))
    return out


UN_LABELS_PATH = DATA_DIR / "ga_parallel_guideline_labels.jsonl"


def guideline_un_examples(path: Path = UN_LABELS_PATH) -> list[Example]:
    """Mandates of other UN bodies labelled by models/GUIDELINE.md v3 (models/data/ga_parallel_labels_notes.md):
    the 13 General Assembly PDFs (English, as the extractor reads them) and the operative lines of the UN
    Parallel sample, each in its six languages under the one label (the area does not depend on the
    language). Origin "guideline_un", grouped by document. Left out: lines that ask for no act ("Takes
    note …", labelled by rule 4.11 only to be complete) and a text already given for the same document."""
    from models.labelling import read_jsonl

    out: list[Example] = []
    seen: set[tuple[str, str]] = set()
    for row in read_jsonl(path):
        areas = row.get("action_areas") or []
        if not areas or "no act" in (row.get("reason") or ""):
            continue
        texts = row.get("texts") or {row.get("language") or "en": row["text"]}
        for language, text in texts.items():
            key = (row["document"], text)
            if text and key not in seen:
                seen.add(key)
                out.append(Example(text, language, row["document"], areas[0], None, "guideline_un"))
    return out


def guideline_areas(path: Path | None = None) -> dict[str, list[str]]:
    """text → every area the guideline pass lists for it (for the multi-label figures)."""
    from models.labelling import PASS1_PATH, TO_LABEL_PATH, load_labels, read_jsonl

    labels = load_labels(path or PASS1_PATH)
    return {row["text"]: labels[row["id"]]["action_areas"] for row in read_jsonl(TO_LABEL_PATH)
            if row["id"] in labels}


def _group_of(resolution: str) -> str:
    """"UNEP/EA.1/L.13" stays as it is; "4/7" is already the number Annex II groups by."""
    return resolution


def annex_iv_examples() -> list[Example]:
    """The seed's Annex IV: what each chemicals-and-waste MEA does, in one column per action area (the
    column headers are the areas' one-line definitions). Each cell is split into sentences/list items.

    The table breaks across pages and a few continuation cells land one column off (the same sentence then
    appears under two areas): a sentence found, nearly word for word, under two areas is dropped."""
    from difflib import SequenceMatcher

    from extractors.formats import read_path
    from extractors.tables import seed_path

    rows: list[tuple[str, str]] = []
    for table in read_path(seed_path()).tables:
        header = table.rows[0] if table.rows else []
        if not header or header[0] != "多边环境协定":
            continue
        columns: dict[int, str] = {}
        for row in table.rows[1:]:
            heads = {j: _AREA_HEADINGS.get(cell.split("：")[0]) for j, cell in enumerate(row)}
            if any(heads.values()):
                columns = {j: area for j, area in heads.items() if area}
                continue
            if row and row[0] == "多边环境协定":
                continue
            for j, cell in enumerate(row):
                if j in columns:
                    rows.extend((columns[j], part) for part in _cell_sentences(cell))
    kept: list[tuple[str, str]] = []
    for area, sentence in rows:
        clash = any(other != area and SequenceMatcher(None, sentence, s).ratio() > 0.8 for other, s in rows)
        if not clash and (area, sentence) not in kept:
            kept.append((area, sentence))
    return [Example(s, "zh", "annex_iv", area, None, "annex_iv") for area, s in kept]


def _cell_sentences(cell: str) -> list[str]:
    cell = re.sub(r"</?(p|li|ul)[^>]*>", "\n", cell)
    out = []
    for part in re.split(r"[\n。；]", cell):
        part = re.sub(r"<[^>]+>", "", part).strip(" -：:")
        if len(part) >= 8:
            out.append(part)
    return out
