"""Cue by cue: how UNEP's Annex II files rows naming a cue, against how the English guideline labels do.

For each cue of CUES (cooperation/partnership, innovation, private sector, waste management, SCP, ...) it
prints one block:
- Annex II (UNEP's own filing of the seed UNEP/EA.4/3, Chinese): rows whose text matches the cue's Chinese
  patterns, and the share of them filed under each action area. A bullet Annex II files under two areas is
  two rows, as in the annex. The area with most rows is UNEP's majority area for the cue.
- Guideline (models/data/en_guideline_labels.jsonl, English): mandates whose text
  (models/data/en_mandates_to_label.jsonl) matches the cue's English patterns, the share whose primary area
  is each area, and the share that list the area anywhere ("any").
- agree: the share of those guideline rows whose primary area is UNEP's majority area for the cue (on a
  tie in Annex II, any of the tied areas).
Last, one pooled figure over all (cue, guideline row) pairs.

The comparison is across languages and across documents: Annex II bullets are Chinese digests of
resolutions 1/5-3/10, the guideline set is English operative paragraphs of other (mostly later)
resolutions, and each cue is matched by its own Chinese and English patterns, which are near but not exact
translations. Read the figures as how each side files a kind of wording, not as paired agreement.

Run from the repository root:

    .venv/bin/python -m experiments.guideline_vs_unep                      # the current labels
    .venv/bin/python -m experiments.guideline_vs_unep --labels PATH.jsonl  # another labels file
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from extractors.schema import ACTION_AREAS
from extractors.tables import load_seed_annex_mandates
from models.training_data import DATA_DIR

# name: (Chinese patterns for Annex II, English patterns for the guideline texts)
CUES: dict[str, tuple[str, str]] = {
    "cooperation / partnership": (r"合作|伙伴|协作", r"cooperat|collaborat|partnership|\bpartners?\b"),
    "innovation": (r"创新", r"innovat"),
    "private sector": (
        r"私营部门|工业界|企业|公私|产品制造商",
        r"private sector|\bindustr(?:y|ies)\b|\bbusiness|enterprise|public-private|manufacturer",
    ),
    "waste management": (
        r"废物.{0,6}管理",
        r"\bwastes? management|management of (?:[\w-]+ ){0,4}wastes?\b|managing (?:[\w-]+ ){0,3}wastes?\b",
    ),
    "sustainable consumption and production": (
        r"消费和生产|生产和消费",
        r"consumption and production|production and consumption",
    ),
    "circular economy / resource efficiency / 3R": (
        r"循环|资源.{0,2}效率|3R|生命周期办法",
        r"circular|resource[- ]efficien|\b3Rs?\b|recycl|life[- ]cycle approach",
    ),
    "technology": (r"技术(?!援助|支助|支持|准则|诀窍|要求)", r"technolog"),
    "capacity-building": (r"能力建设", r"capacity[- ]building|build(?:ing)? (?:the )?capacit"),
    "awareness / education": (r"认识|宣传|教育|意识|运动", r"awareness|educat|outreach|campaign"),
    "monitoring / data": (r"监测|数据|统计|指标", r"monitor|\bdata\b|statistic|indicator"),
    "research / assessment": (r"研究|评估|展望", r"research|assess|outlook"),
    "financing": (r"资金|筹资|供资|融资|捐|财政", r"financ|\bfunding\b|\bfunds?\b|resource mobili|contribution"),
}


def _shares(counts: Counter, n: int) -> str:
    return "  ".join(f"{a[:5]} {counts[a] / n:4.0%}" for a in ACTION_AREAS) if n else "-"


def main(labels_path: Path) -> None:
    annex = [(m.text, m.action_area) for m in load_seed_annex_mandates()]
    texts = {}
    for line in (DATA_DIR / "en_mandates_to_label.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        texts[row["id"]] = row["text"]
    labels = [json.loads(line) for line in labels_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    english = [(texts[r["id"]], r["action_areas"]) for r in labels]
    print(f"labels: {labels_path}  ({len(english)} English rows; Annex II {len(annex)} rows)")
    print(f"areas in order: {', '.join(ACTION_AREAS)}\n")
    pooled_agree = pooled_n = 0
    for name, (zh, en) in CUES.items():
        zh_rows = [area for text, area in annex if re.search(zh, text)]
        en_rows = [areas for text, areas in english if re.search(en, text, re.I)]
        unep = Counter(zh_rows)
        primary = Counter(areas[0] for areas in en_rows)
        anywhere = Counter(a for areas in en_rows for a in set(areas))
        top = max(unep.values(), default=0)
        majority = [a for a in ACTION_AREAS if top and unep[a] == top]  # a tie keeps every tied area
        agree = sum(primary[a] for a in majority)
        pooled_agree += agree
        pooled_n += len(en_rows) if majority else 0
        print(f"{name}  (UNEP majority: {' = '.join(majority) or '-'})")
        print(f"  Annex II     n={len(zh_rows):3d}  {_shares(unep, len(zh_rows))}")
        print(f"  guideline 1st n={len(en_rows):3d}  {_shares(primary, len(en_rows))}")
        print(f"  guideline any n={len(en_rows):3d}  {_shares(anywhere, len(en_rows))}")
        print(f"  agree: {agree}/{len(en_rows)} = {agree / len(en_rows) if en_rows else 0:.1%}\n")
    print(f"pooled agreement over (cue, row) pairs: {pooled_agree}/{pooled_n} = {pooled_agree / pooled_n:.1%}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=DATA_DIR / "en_guideline_labels.jsonl")
    main(parser.parse_args().labels)
