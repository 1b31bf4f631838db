"""Cross-language agreement of the labels on aligned lines: the same operative paragraph in the six UN
languages should get the same mandates and labels. Read from a sentence-aligned JSONL file (one object per
line: `document` and the same sentence under `ar`, `en`, `es`, `fr`, `ru`, `zh`), e.g. the UN Parallel
Corpus sample in ../shared/corpus/un-parallel/. One use case for `unea-mandates eval --aligned`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from extractors.schema import UN_LANGUAGES

if TYPE_CHECKING:
    from models.classifiers import MandateClassifier

LABELS = ("mandates", "paragraph", "verb_class", "actor", "action_area")
_OTHERS = tuple(lang for lang in UN_LANGUAGES if lang != "en")


@dataclass
class Agreement:
    """Per language: how many aligned operative lines agree with the English version, label by label."""

    lines: int = 0
    agree: dict[str, dict[str, int]] = field(default_factory=dict)  # language → label → lines agreeing
    all_six: dict[str, int] = field(default_factory=dict)  # label → lines where all six agree

    def share(self, language: str, label: str) -> float:
        return self.agree[language][label] / self.lines if self.lines else 0.0


def operative_rows(path: str | Path) -> list[dict]:
    """Aligned lines whose English version is a numbered operative paragraph with a listed lead verb."""
    from extractors.operative_leads import english_lead
    from extractors.paragraph_numbers import split_label

    rows = []
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            label, body = split_label(row.get("en", ""))
            if label is not None and label.kind == "number" and english_lead(body, strict=True):
                rows.append(row)
    return rows


def _readings(text: str, language: str, classifier: MandateClassifier | None) -> dict[str, object]:
    from extractors.operative_leads import lead_class
    from extractors.pipeline import extract_draft

    mandates = extract_draft(text, language=language)
    if classifier is not None and mandates:
        mandates = classifier.label(mandates)
    first = mandates[0] if mandates else None
    return {
        "mandates": len(mandates),
        "paragraph": (first.paragraph or "").split("#")[0] if first else None,
        "verb_class": lead_class(first.verb, language) if first else None,
        "actor": first.actor if first else None,
        "action_area": first.action_area if first else None,
    }


def aligned_agreement(path: str | Path, classifier: MandateClassifier | None = None) -> Agreement:
    """Each label of each language's reading compared with the English reading of the same line (the
    area only when a classifier labels the mandates)."""
    result = Agreement(agree={lang: dict.fromkeys(LABELS, 0) for lang in _OTHERS}, all_six=dict.fromkeys(LABELS, 0))
    for row in operative_rows(path):
        result.lines += 1
        readings = {lang: _readings(row[lang], lang, classifier) for lang in UN_LANGUAGES}
        for label in LABELS:
            for lang in _OTHERS:
                result.agree[lang][label] += readings[lang][label] == readings["en"][label]
            result.all_six[label] += len({repr(readings[lang][label]) for lang in UN_LANGUAGES}) == 1
    return result


def format_agreement(result: Agreement) -> str:
    header = f"cross-language agreement with English on {result.lines} aligned operative lines"
    lines = [header, f"{'language':10s}" + "".join(f"{label:>13s}" for label in LABELS)]
    for lang in _OTHERS:
        lines.append(f"{lang:10s}" + "".join(f"{result.share(lang, label):13.2f}" for label in LABELS))
    lines.append(f"{'all six':10s}" + "".join(
        f"{(result.all_six[label] / result.lines if result.lines else 0.0):13.2f}" for label in LABELS))
    return "\n".join(lines)
