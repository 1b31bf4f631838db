"""One set of labels for the versions of one paragraph in several languages.

The same resolution, paragraph number and place in the paragraph is the same mandate in another language
(`version_key`). Read independently, its versions' areas agree only about half the time on the UN Parallel
lines, though the area model sees every language through the same multilingual embedding. So the versions
get one area: the classifier's (calibrated) probabilities averaged over the versions, unless a stronger
label of any version wins for all of them (a maintainer's reviewed label, the document's own, an Annex II
precedent; of versions reviewed otherwise, the latest review). The actor is agreed the same way where the
versions' readings differ: the strongest source's majority (reviewed, document, rule, model), ties going to
the English reading.

Each version keeps its own reading (`language_reading`), so the page can still say "the Russian reading
differs", and agreement always starts again from the own readings: whatever order the versions are
indexed in, the result is the same.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from extractors.schema import ACTION_AREAS, Mandate
from models import calibration

# The labels agreement may change: what a version's own reading keeps.
READING_FIELDS = ("actor", "actor_source", "actor_confidence", "action_area", "action_area_source", "action_areas",
                  "scores", "uncertain", "action_area_precedent")
# Which reading wins (lower first): a maintainer's, the document's own, a known mandate's, rules', a model's.
_AREA_RANK = {"reviewed": 0, "document": 1, "precedent": 2, "rule": 3, "model": 4}
_ACTOR_RANK = {"reviewed": 0, "document": 1, "rule": 2, "model": 3}
# Without the classifier's fitted calibration: the top area only, the default margin (as MandateClassifier).
DEFAULT_CALIBRATION = {"threshold": 1.01, "margin": calibration.UNCERTAIN_MARGIN}
TIE_LANGUAGE = "en"


def version_key(mandate: Mandate) -> tuple[str, str] | None:
    """(resolution, paragraph with the mandate's place in it, e.g. '4#2'); None when it has no number."""
    return (mandate.resolution, mandate.paragraph) if mandate.paragraph else None


def own_reading(mandate: Mandate) -> Mandate:
    """The mandate as its own language read it (agreement undone)."""
    if mandate.language_reading is None and mandate.versions_agreed is None:
        return mandate
    return mandate.model_copy(update={**(mandate.language_reading or {}), "versions_agreed": None,
                                      "language_reading": None})


def reading_of(mandate: Mandate, name: str) -> Any:
    """One label as this version's own language read it."""
    reading = mandate.language_reading
    return reading[name] if reading is not None and name in reading else getattr(mandate, name)


def group_versions(mandates: Iterable[Mandate]) -> list[list[Mandate]]:
    """The mandates that are versions of one another, groups of at least two languages (`mandates` in
    their documents' order: one paragraph number can give several mandates, one per addressee, told
    apart by their place)."""
    groups: dict[tuple[str, str, int], list[Mandate]] = {}
    places: Counter[tuple[str, str, str]] = Counter()
    for m in mandates:
        key = version_key(m)
        if key is not None:
            place = places[(m.document, *key)]
            places[(m.document, *key)] += 1
            groups.setdefault((*key, place), []).append(m)
    return [g for g in groups.values() if len({m.language for m in g}) > 1]


def _averaged(versions: Sequence[Mandate]) -> np.ndarray | None:
    rows = [[v.scores.get(a, 0.0) for a in ACTION_AREAS] for v in versions if v.scores]
    return np.asarray(rows, dtype=np.float64).mean(axis=0) if rows else None


def _vote(values: list[str], tie: Any) -> str:
    """The most frequent value; among equals, the smallest by `tie`."""
    counts = Counter(values)
    return min(counts, key=lambda v: (-counts[v], tie(v)))


def _latest_review(strongest: list[Mandate]) -> list[Mandate]:
    """Of versions reviewed otherwise, those reviewed last (a later correction of any version wins)."""
    if all(v.reviewed_at is None for v in strongest):
        return strongest
    latest = max(v.reviewed_at or "" for v in strongest)
    return [v for v in strongest if (v.reviewed_at or "") == latest]


def _agreed_area(versions: Sequence[Mandate], cal: dict) -> dict[str, Any] | None:
    labelled = [v for v in versions if v.action_area is not None]
    if not labelled:
        return None
    mean = _averaged(versions)
    best = min(_AREA_RANK.get(v.action_area_source or "model", 4) for v in labelled)
    strongest = [v for v in labelled if _AREA_RANK.get(v.action_area_source or "model", 4) == best]
    if best == _AREA_RANK["reviewed"]:
        strongest = _latest_review(strongest)
    scores = None if mean is None else {a: round(float(mean[j]), 4) for j, a in enumerate(ACTION_AREAS)}
    source = strongest[0].action_area_source or "model"
    if source == "model" and mean is not None:
        row = mean[None, :]
        ranked = sorted(calibration.area_sets(row, cal["threshold"], cal["margin"])[0], key=lambda j: -mean[j])
        return {"action_area": ACTION_AREAS[ranked[0]], "action_area_source": "model",
                "action_areas": [ACTION_AREAS[j] for j in ranked], "scores": scores,
                "uncertain": bool(calibration.uncertain(row, cal["margin"])[0]), "action_area_precedent": None}
    by_mean = (lambda a: -(scores or {}).get(a, 0.0), lambda a: a)
    area = _vote([v.action_area for v in strongest], lambda a: tuple(f(a) for f in by_mean))
    winner = next(v for v in strongest if v.action_area == area)
    return {"action_area": area, "action_area_source": source, "action_areas": winner.action_areas,
            "scores": scores, "uncertain": winner.uncertain, "action_area_precedent": winner.action_area_precedent}


def _agreed_actor(versions: Sequence[Mandate]) -> dict[str, Any] | None:
    read = [v for v in versions if v.actor is not None and v.actor_source != "none"]
    if not read or (len({(v.actor, v.actor_source) for v in read}) == 1 and len(read) == len(versions)):
        return None  # every version reads the same actor the same way: nothing to agree
    best = min(_ACTOR_RANK.get(v.actor_source or "model", 3) for v in read)
    strongest = [v for v in read if _ACTOR_RANK.get(v.actor_source or "model", 3) == best]
    if best == _ACTOR_RANK["reviewed"]:
        strongest = _latest_review(strongest)
    english = {v.actor for v in strongest if v.language == TIE_LANGUAGE}
    confidence: Counter[str] = Counter()
    for v in strongest:
        confidence[v.actor] += v.actor_confidence or 0.0
    actor = _vote([v.actor for v in strongest], lambda a: (a not in english, -confidence[a], a))
    source = strongest[0].actor_source or "model"
    winners = [v.actor_confidence for v in strongest if v.actor == actor and v.actor_confidence is not None]
    return {"actor": actor, "actor_source": source,
            "actor_confidence": round(sum(winners) / len(winners), 4) if source == "model" and winners else None}


def agree(versions: Sequence[Mandate], area_calibration: dict | None = None) -> list[Mandate]:
    """The versions (in their order) with one area and, where their readings differ, one actor.

    `versions`: one paragraph's mandates in at least two languages (their agreement, if any, is undone
    first); `area_calibration`: the classifier's threshold and margin (MandateClassifier.area_calibration)."""
    own = [own_reading(v) for v in versions]
    ordered = sorted(own, key=lambda v: (v.language, v.document, v.id))  # the same result in any order
    if len({v.language for v in ordered}) < 2:
        return own
    cal = {**DEFAULT_CALIBRATION, **(area_calibration or {})}
    agreed = {**(_agreed_area(ordered, cal) or {}), **(_agreed_actor(ordered) or {})}
    languages = sorted({v.language for v in ordered})
    return [v.model_copy(update={**agreed, "versions_agreed": languages,
                                 "language_reading": v.model_dump(mode="json", include=set(READING_FIELDS))})
            for v in own]


def agree_all(mandates: Sequence[Mandate], area_calibration: dict | None = None) -> list[Mandate]:
    """Every mandate, those with versions in other languages agreed (the others as their language read them)."""
    out = {m.id: own_reading(m) for m in mandates}
    for group in group_versions(out.values()):
        out.update((m.id, m) for m in agree(group, area_calibration))
    return [out[m.id] for m in mandates]
