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
from labelling import Labeller

if TYPE_CHECKING:
    from extractors.schema import Mandate
    from models.classifiers import MandateClassifier

# actor: as the extractor reads it (the figure tests/extractors/test_six_languages.py holds); actor_labelled:
# after the classifier fills the actors the extractor could not read; action_area: the classifier's, each
# language read on its own (what measures the model); agreed_area: after the versions' labels are agreed into
# one (models.version_agreement, as the index does for a paragraph indexed in several languages); agreed_actor:
# the actor after that agreement
LABELS = ("mandates", "paragraph", "verb_class", "actor", "actor_labelled", "action_area", "agreed_area",
          "agreed_actor")
_OTHERS = tuple(lang for lang in UN_LANGUAGES if lang != "en")


@dataclass(frozen=True)
class Disagreement:
    """One label of one version that differs from the English reading of the same line."""

    document: str
    paragraph: str  # the English line's printed number
    language: str
    label: str
    english: object
    reading: object
    text: str


@dataclass
class Agreement:
    """Per language: how many aligned operative lines agree with the English version, label by label."""

    lines: int = 0
    agree: dict[str, dict[str, int]] = field(default_factory=dict)  # language → label → lines agreeing
    all_six: dict[str, int] = field(default_factory=dict)  # label → lines where all six agree
    agree_all_labels: dict[str, int] = field(default_factory=dict)  # language → lines agreeing on every label
    disagreements: list[Disagreement] = field(default_factory=list)

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
                rows.append({**row, "paragraph": label.value})
    return rows


def reading(text: str, language: str, classifier: MandateClassifier | None = None) -> dict[str, object]:
    """What a version gives, label by label, over all its mandates: their number, and in order their
    paragraph numbers, lead-verb classes (request, call, decide), actors and (with a classifier) the actors
    it fills and the areas (agreed_area: the same, no other version known)."""
    from extractors.pipeline import extract_draft

    mandates = extract_draft(text, language=language)
    labelled = Labeller(classifier).label(mandates)  # the model's reading alone: no reviewed labels here
    return _reading(mandates, labelled, language)


def _reading(mandates: list[Mandate], labelled: list[Mandate], language: str,
             agreed: list[Mandate] | None = None) -> dict[str, object]:
    from extractors.operative_leads import lead_class

    return {
        "mandates": len(mandates),
        "paragraph": tuple((m.paragraph or "").split("#")[0] for m in mandates),
        "verb_class": tuple(lead_class(m.verb, language) for m in mandates),
        "actor": tuple(m.actor for m in mandates),
        "actor_labelled": tuple(m.actor for m in labelled),
        "action_area": tuple(m.action_area for m in labelled),
        "agreed_area": tuple(m.action_area for m in (labelled if agreed is None else agreed)),
        "agreed_actor": tuple(m.actor for m in (labelled if agreed is None else agreed)),
    }


def _agreed_readings(row: dict, classifier: MandateClassifier | None) -> dict[str, dict[str, object]]:
    """Each language's reading of the line, the areas also after agreeing the versions (the same
    paragraph number and place, as in the index)."""
    from extractors.pipeline import extract_draft
    from models.version_agreement import agree_all

    labeller = Labeller(classifier)  # the model's reading alone: no reviewed labels here
    extracted = {lang: extract_draft(row[lang], language=lang) for lang in UN_LANGUAGES}
    labelled = {lang: [m.model_copy(update={"resolution": row["document"]}) for m in labeller.label(ms)]
                for lang, ms in extracted.items()}
    everything = [m for lang in UN_LANGUAGES for m in labelled[lang]]
    calibration = labeller.area_calibration
    agreed = dict(zip((m.id for m in everything), agree_all(everything, calibration), strict=True))
    return {lang: _reading(extracted[lang], labelled[lang], lang, [agreed[m.id] for m in labelled[lang]])
            for lang in UN_LANGUAGES}


def aligned_agreement(path: str | Path, classifier: MandateClassifier | None = None) -> Agreement:
    """Each label of each language's reading compared with the English reading of the same line (the
    area only when a classifier labels the mandates)."""
    result = Agreement(agree={lang: dict.fromkeys(LABELS, 0) for lang in _OTHERS}, all_six=dict.fromkeys(LABELS, 0),
                       agree_all_labels=dict.fromkeys(_OTHERS, 0))
    for row in operative_rows(path):
        result.lines += 1
        readings = _agreed_readings(row, classifier)
        english = readings["en"]
        for lang in _OTHERS:
            result.agree_all_labels[lang] += readings[lang] == english
            for label in LABELS:
                if readings[lang][label] == english[label]:
                    result.agree[lang][label] += 1
                else:
                    result.disagreements.append(Disagreement(row["document"], row["paragraph"], lang, label,
                                                             english[label], readings[lang][label], row[lang]))
        for label in LABELS:
            result.all_six[label] += len({repr(readings[lang][label]) for lang in UN_LANGUAGES}) == 1
    return result


def format_agreement(result: Agreement) -> str:
    header = (f"cross-language agreement with English on {result.lines} aligned operative lines "
              "(share of lines whose version gives the same, over all its mandates)")
    lines = [header, f"{'language':10s}" + "".join(f"{label:>15s}" for label in (*LABELS, "all_labels"))]
    for lang in _OTHERS:
        every = result.agree_all_labels[lang] / result.lines if result.lines else 0.0
        lines.append(f"{lang:10s}" + "".join(f"{result.share(lang, label):15.2f}" for label in LABELS)
                     + f"{every:15.2f}")
    lines.append(f"{'all six':10s}" + "".join(
        f"{(result.all_six[label] / result.lines if result.lines else 0.0):15.2f}" for label in LABELS))
    return "\n".join(lines)
