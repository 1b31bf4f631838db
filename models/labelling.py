"""Hand-labelling of the bundled English mandates by models/GUIDELINE.md: the list to label, the blind
second-pass sample, reading the label files, and agreement between two passes (Cohen's kappa, macro-F1).

The labels are training rows (origin "guideline"), never test data for themselves: every figure that uses
them is grouped cross-validation by resolution (models.evaluate).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from extractors.schema import ACTION_AREAS

DATA_DIR = Path(__file__).resolve().parent / "data"
CORPUS_DIR = Path(__file__).resolve().parents[1] / "corpus" / "bundled"
TO_LABEL_PATH = DATA_DIR / "en_mandates_to_label.jsonl"
SAMPLE_PATH = DATA_DIR / "second_pass_sample.json"
PASS1_PATH = DATA_DIR / "en_guideline_labels.jsonl"
PASS2_PATH = DATA_DIR / "en_guideline_labels_pass2.jsonl"
# blind pass by GUIDELINE.md v3 over 60 rows: the 33 v3 changed and 27 it re-read and kept (a fixed random sample)
V3_BLIND_PATH = DATA_DIR / "en_guideline_labels_v3_blind.jsonl"

# The second pass: 150 ids drawn with random.Random(SAMPLE_SEED).sample over the ids sorted as strings.
SAMPLE_SEED = 20261128
SAMPLE_SIZE = 150


def english_mandates() -> list[dict]:
    """Every English mandate of the bundled resolutions, read by the product pipeline (no classifier)."""
    from extractors.pipeline import extract_path

    rows: list[dict] = []
    for path in sorted(CORPUS_DIR.glob("UNEP_EA.*.json")):
        for m in extract_path(path).mandates:
            if m.language == "en":
                rows.append({"id": m.id, "resolution": m.resolution_number or m.resolution,
                             "paragraph": m.paragraph, "text": m.text})
    return rows


def write_jsonl(rows: list[dict], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def second_pass_sample(ids: list[str], size: int = SAMPLE_SIZE, seed: int = SAMPLE_SEED) -> list[str]:
    """A fixed random sample of mandate ids for the blind second labeller."""
    return sorted(random.Random(seed).sample(sorted(ids), size))


def write_sample(ids: list[str], path: Path = SAMPLE_PATH) -> Path:
    sample = second_pass_sample(ids)
    path.write_text(json.dumps({
        "how": f"random.Random({SAMPLE_SEED}).sample(sorted(ids), {SAMPLE_SIZE}) over the ids of "
               "en_mandates_to_label.jsonl (models.labelling.second_pass_sample)",
        "seed": SAMPLE_SEED, "size": SAMPLE_SIZE, "ids": sample,
    }, indent=1), encoding="utf-8")
    return path


def load_labels(path: Path, as_of: str = "current") -> dict[str, dict]:
    """id → label row ({"id", "action_areas": [...], "reason", "origin", ...}); checks the area names.

    Rows settled after the second pass keep their first-pass areas in `pass1_areas`; rows re-labelled by
    guideline v3 keep their v2 areas in `v2_areas`. `as_of` "pass1" gives what the first pass said before
    any settling (agreement is measured on what each pass said), "v2" the labels before v3, "current" the
    labels as they stand."""
    if as_of not in ("current", "v2", "pass1"):
        raise ValueError(f"as_of {as_of!r}: current, v2 or pass1")
    out: dict[str, dict] = {}
    for row in read_jsonl(path):
        earlier = {"current": None, "v2": row.get("v2_areas"),
                   "pass1": row.get("pass1_areas") or row.get("v2_areas")}[as_of]
        if earlier:
            row = {**row, "action_areas": earlier}
        areas = row.get("action_areas") or []
        bad = [a for a in areas if a not in ACTION_AREAS]
        if bad or not areas:
            raise ValueError(f"{path.name}: {row.get('id')}: areas {areas!r} not in {ACTION_AREAS}")
        out[row["id"]] = row
    return out


def cohen_kappa(a: list[int], b: list[int]) -> float:
    from sklearn.metrics import cohen_kappa_score

    if len(set(a) | set(b)) < 2:
        return 1.0
    return float(cohen_kappa_score(a, b))


def agreement(first: dict[str, dict], second: dict[str, dict]) -> dict:
    """Agreement of two passes on their shared ids: per-area kappa (area listed or not), kappa and
    macro-F1 of the primary area (the first listed), exact-set agreement, and the disagreements."""
    from sklearn.metrics import cohen_kappa_score, f1_score

    ids = sorted(set(first) & set(second))
    per_area = {}
    for area in ACTION_AREAS:
        x = [int(area in first[i]["action_areas"]) for i in ids]
        y = [int(area in second[i]["action_areas"]) for i in ids]
        per_area[area] = {"kappa": round(cohen_kappa(x, y), 3), "first": sum(x), "second": sum(y)}
    p1 = [first[i]["action_areas"][0] for i in ids]
    p2 = [second[i]["action_areas"][0] for i in ids]
    disagreements = [{"id": i, "first": first[i]["action_areas"], "second": second[i]["action_areas"],
                      "first_reason": first[i].get("reason"), "second_reason": second[i].get("reason")}
                     for i in ids if first[i]["action_areas"][0] != second[i]["action_areas"][0]]
    return {
        "n": len(ids),
        "primary_kappa": round(float(cohen_kappa_score(p1, p2)), 3) if ids else None,
        "primary_accuracy": round(sum(a == b for a, b in zip(p1, p2, strict=True)) / len(ids), 3) if ids else None,
        "primary_macro_f1": round(float(f1_score(p1, p2, labels=list(ACTION_AREAS), average="macro",
                                                  zero_division=0)), 3) if ids else None,
        "same_set": round(sum(set(first[i]["action_areas"]) == set(second[i]["action_areas"]) for i in ids)
                          / len(ids), 3) if ids else None,
        "any_overlap": round(sum(bool(set(first[i]["action_areas"]) & set(second[i]["action_areas"]))
                                 for i in ids) / len(ids), 3) if ids else None,
        "per_area": per_area,
        "disagreements": disagreements,
    }


def main() -> None:
    rows = english_mandates()
    write_jsonl(rows, TO_LABEL_PATH)
    write_sample([r["id"] for r in rows])
    print(f"{len(rows)} English mandates → {TO_LABEL_PATH}; sample of {SAMPLE_SIZE} → {SAMPLE_PATH}")


if __name__ == "__main__":
    main()
