"""A mandate as the task bullet a plan-writer puts in the seed's Annex II: the verb phrase of what must be
done, its addressee moved to the column, its conditions left to the mandate.

"Requests the Executive Director, within available resources and in cooperation with FAO, to develop
guidelines on …" → "Develop guidelines on …". extractors.bullets does the first cut (lead verb, addressee,
conditions, a sub-item's own words); this reads the result as a task and mends what does not read as one:

- an addressee the first cut left at the start ("The Basel Convention … to consider …") goes;
- an English sub-item's "-ing" form is read back to the infinitive ("(a) Preparing a report" → "Prepare a report");
- a sub-item that is a noun phrase ("is to consider the following: (b) The need for a fund") takes the
  chapeau's verb ("Consider the need for a fund");
- a long bullet is cut at a clause boundary, "…" marking the cut; the full text stays with the mandate;
- a sentence with nobody acting and no verb to borrow ("The inputs will be provided …") is not a task.

Lives with the plan's formats (not in extractors/) because it is the plan's wording, measured by
`eval --plan` (service.usecases.plan_eval); extractors.bullets stays the extractors' shared first cut.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from math import ceil
from pathlib import Path
from statistics import median
from typing import Any

from extractors.bullets import bullet_of
from extractors.mandate_terms import conditions_in
from extractors.schema import Mandate
from extractors.script import HAN

WORDS = Path(__file__).resolve().parent / "task_words.json"
SOFT_WORDS = 24  # a bullet longer than this is cut at a clause boundary when one falls in reach
MAX_WORDS = 40  # none longer (the target); cut at a word when no boundary is in reach
MIN_HEAD_WORDS = 5  # a cut keeps at least this many words
ELLIPSIS = "…"
_HAN = re.compile(f"[{HAN}]")
_WORD = re.compile(r"[^\W\d_](?:[\w’'-]*\w)?|\d[\w.,/-]*", re.UNICODE)
_SUB_ITEM = re.compile(
    r"[:：]\s*[(（](?:[a-z]{1,2}|[ivxl]{1,6}|\d{1,2}|[一二三四五六七八九十]{1,3})[)）]\s*", re.I
)


@dataclass(frozen=True)
class Task:
    text: str | None  # None: not a task (nobody acts)
    addressee: str  # the body asked, as the text names it ("the Basel Convention"), for the shared column
    cut: bool = False  # shortened at a boundary: the full text is the mandate's


@cache
def _words(language: str) -> dict[str, Any]:
    data = json.loads(WORDS.read_text(encoding="utf-8"))
    return data.get(language) or {"noun_phrase_openers": [], "boundaries": [], "partner_openers": []}


def word_count(text: str) -> int:
    """Words; Chinese characters count as 1.6 characters a word (the seed's 33-character median is ~20 words)."""
    han = len(_HAN.findall(text))
    return len(_WORD.findall(_HAN.sub(" ", text))) + ceil(han / 1.6)


# --- Reading a bullet ---------------------------------------------------------------------------


def _first_word(text: str) -> str:
    m = re.match(r"\s*([^\s,;:()]+)", text)
    return m.group(1).lower() if m else ""


def _addressee_name(mandate: Mandate) -> str:
    return (mandate.actor_text or "").strip(" ,;:")


def broken_reason(text: str, mandate: Mandate) -> str | None:
    """Why a bullet does not read as a task: it names its addressee first, or opens with a noun phrase
    (an article, a pronoun, a conjunction), or, in English, with an "-ing" form. None: it reads as one."""
    if not text.strip():
        return "empty"
    lowered = text.lower()
    who = re.sub(r"^(?:the|les?|la|l’|l'|el|los|las)\s+", "", _addressee_name(mandate).lower())
    if len(who) >= 3 and re.sub(r"^(?:the|les?|la|el|los|las)\s+", "", lowered).startswith(who):
        return "addressee"
    first = _first_word(text)
    if mandate.language == "zh":
        return None
    words = _words(mandate.language)
    if first in words["noun_phrase_openers"] or any(first.startswith(w) for w in ("l’", "l'")):
        return "noun phrase"
    if (
        mandate.language == "en"
        and first.endswith("ing")
        and first not in words.get("not_gerunds", [])
        and len(first) > 5
    ):
        return "-ing form"
    return None


# --- Mending --------------------------------------------------------------------------------------


def base_form(gerund: str) -> str:
    """ "Preparing" → "Prepare", "Mapping" → "Map", "Strengthening" → "Strengthen" (English; rules and exceptions
    from task_words.json, as no lemmatiser ships with the project)."""
    words = _words("en")
    lowered = gerund.lower()
    base = words["gerund_base"].get(lowered)
    if base is None:
        stem = lowered[:-3]
        if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] in "bdgmnprt":
            base = stem[:-1]  # planning → plan, submitting → submit
        elif stem in words["gerund_e_words"] or stem.endswith(tuple(words["gerund_e_after"])):
            base = stem + "e"
        elif stem.endswith(tuple(words["gerund_no_e"])) or stem[-1:] in "wxy":
            base = stem
        elif re.search(r"(?:^|[^aeiou])[aeiou][^aeiouwxy]$", stem) and len(stem) >= 3:
            base = stem + "e"  # consonant, one vowel, consonant: promot → promote, provid → provide
        else:
            base = stem
    return base[:1].upper() + base[1:] if gerund[:1].isupper() else base


def _to_infinitive(text: str, language: str) -> str:
    """Each "-ing" that opens the bullet or a coordinated task ("Mapping … and strengthening …") → infinitive."""
    if language != "en":
        return text
    words = _words("en")
    first = _first_word(text)
    if not (first.endswith("ing") and len(first) > 5 and first not in words["not_gerunds"]):
        return text
    text = base_form(text.split()[0].strip(",;")) + text[len(text.split()[0].strip(",;")) :]
    # "…, and stepping up …": the second task of the item reads as the first does
    return re.sub(
        r"(,? and )([a-z]+ing)\b",
        lambda m: (
            m.group(1) + (base_form(m.group(2)) if m.group(2) not in words["not_gerunds"] else m.group(2))
        ),
        text,
    )


def _drop_leading_addressee(text: str, mandate: Mandate) -> str:
    """ "The Basel Convention on … to consider this matter further" → "consider this matter further": the
    first cut kept the tail of the addressee ("the Conference of the Parties to | the Basel Convention")."""
    m = re.match(r"^(?:(?:and|also|further)\s+(?:invites?|requests?|urges?|encourages?|calls? (?:up)?on)\s+)?"
                 r"(?P<who>[^;:]{2,200}?)\s+to\s+(?P<rest>[a-z][\w-]*\b.*)$", text, re.I | re.S)  # fmt: skip
    if m is None or mandate.language != "en":
        return text
    who = m.group("who")
    lead = text[: m.start("who")].strip()
    if word_count(who) > 30 or re.match(
        r"(?i)(?:the|a|an|its|their|this|these|such|all|any|each|our)\b", m.group("rest")
    ):
        return text
    source = re.sub(r"\s+", " ", mandate.text)
    at = source.find(who[:40])
    before = source[:at].rstrip(" ,") if at > 0 else ""
    addressee = _addressee_name(mandate)
    continues = bool(addressee) and (before.endswith(addressee) or before.endswith(addressee + " to"))
    if lead or continues or broken_reason(text, mandate) in ("addressee", "noun phrase"):
        return m.group("rest")
    return text


def _chapeau_verb(mandate: Mandate) -> str | None:
    """The verb of a sub-item's chapeau that its noun phrase completes: "… is to consider the following:
    (b) The need for …" → "consider"; None when the chapeau has none (or the mandate is no sub-item)."""
    marks = list(_SUB_ITEM.finditer(mandate.text))
    if not marks or mandate.language != "en":
        return None
    chapeau = mandate.text[: marks[-1].start()]
    known = _words("en")["verbs"]
    verbs = [
        v
        for v in re.findall(r"\b(?:to|will|shall|should)\s+([a-z]+)\b", chapeau)
        if v in known and v not in ("be", "do", "further")
    ]
    return verbs[-1] if verbs else None


def _verb_like(word: str) -> bool:
    """A known verb, its third person ("undertakes"), or a verb's shape ("-ize", "-ify", "-ate")."""
    verbs = _words("en")["verbs"]
    return (word in verbs or word[:-1] in verbs or word[:-2] in verbs
            or word.endswith(("ize", "ise", "ify", "ate", "izes", "ises", "ifies", "ates")))  # fmt: skip


def _is_noun_item(text: str, mandate: Mandate) -> bool:
    """An English sub-item that opens with neither a verb nor an "-ing" form ("Efficient organization
    and …", "Lessons learned …"): a noun phrase its chapeau's verb governs."""
    first = _first_word(text)
    return (
        bool(_SUB_ITEM.search(mandate.text))
        and first.isalpha()
        and not _verb_like(first)
        and not first.endswith(("ing", "ly"))
    )


def _drop_conditions(text: str, mandate: Mandate) -> str:
    for condition in dict.fromkeys([*mandate.conditions, *conditions_in(text)]):
        if condition and condition in text and len(condition) < len(text) * 0.6:
            text = re.sub(
                rf"(,\s*)?{re.escape(condition)}(\s*,)?",
                lambda m: ", " if m.group(1) and m.group(2) else " ",
                text,
                count=1,
            )
    return re.sub(r"\s+([,;])", r"\1", re.sub(r"\s{2,}", " ", text)).strip(" ,;")


def _short_partners(text: str, language: str) -> str:
    """A trailing partners bracket ("(in collaboration with …)") stays when short; the with-partners mark says the rest."""
    m = re.search(r"\s*[(（]([^()（）]+)[)）]\s*$", text)
    if (
        m
        and m.group(1).lower().startswith(tuple(_words(language)["partner_openers"]))
        and word_count(m.group(1)) > 6
    ):
        return text[: m.start()]
    return text


def shorten_to(text: str, language: str, soft: int = SOFT_WORDS, hard: int = MAX_WORDS) -> tuple[str, bool]:
    """(text, cut): up to the last clause boundary that leaves ≤ `soft` words (and ≥ MIN_HEAD_WORDS), else,
    past `hard` words, at the last word that fits; "…" marks a cut."""
    if word_count(text) <= soft:
        return text, False
    best = None
    for boundary in _words(language)["boundaries"]:
        for m in re.finditer(re.escape(boundary), text):
            head = text[: m.start()].rstrip(" ,;，；")
            if MIN_HEAD_WORDS <= word_count(head) <= soft and (best is None or len(head) > len(best)):
                best = head
        if best is not None:
            break  # the boundaries are listed best first: a purpose clause before a mere "in"
    if best is None and word_count(text) <= hard:
        return text, False
    if best is None:
        if language == "zh":
            best = text[: int(soft * 1.6)]
        else:
            tokens = text.split()
            best = " ".join(tokens[:soft]).rstrip(" ,;:")
    return best.rstrip(" ,;:，；") + ELLIPSIS, True


def task_of(mandate: Mandate, soft: int = SOFT_WORDS, hard: int = MAX_WORDS) -> Task:
    """The mandate as a task bullet (see the module's docstring); `soft`, `hard`: shorten_to's limits."""
    addressee = _addressee_name(mandate)
    text = bullet_of(mandate)
    if mandate.source.kind == "table":  # a plan's own bullet (the seed's Annex II): already a task
        if addressee and text.startswith(addressee):  # "环境署将与…合作，继续…": the column says who
            text = re.sub(r"^(?:将|应|要|会)", "", text[len(addressee) :].lstrip("，, ")) or text
        short, cut = shorten_to(text, mandate.language, soft, hard)
        return Task(short, addressee, cut)
    text = _drop_leading_addressee(text, mandate)
    text = _drop_conditions(text, mandate)
    text = _to_infinitive(text, mandate.language)
    text = _short_partners(text, mandate.language)
    if mandate.language == "en" and (
        broken_reason(text, mandate) == "noun phrase" or _is_noun_item(text, mandate)
    ):
        verb = _chapeau_verb(mandate)
        if verb is not None:
            text = f"{verb} {text[:1].lower()}{text[1:]}"
        elif not addressee:
            return Task(None, addressee)  # nobody acts and no verb to borrow: not a task
    text = (
        re.sub(r"^(?:to|de|d’|d'|a)\s+", "", text.strip()) if mandate.language in ("en", "fr", "es") else text
    )
    text = text[:1].upper() + text[1:]
    short, cut = shorten_to(text, mandate.language, soft, hard)
    return Task(short, addressee, cut)


# --- Figures (eval --plan) ------------------------------------------------------------------------


def bullet_figures(tasks: list[tuple[Mandate, str]]) -> dict[str, Any]:
    """Length and broken bullets of a plan's (mandate, bullet) pairs."""
    lengths = [word_count(text) for _, text in tasks]
    broken = [(m, text, r) for m, text in tasks if (r := broken_reason(text, m))]
    return {
        "bullets": len(lengths),
        "median_words": median(lengths) if lengths else 0,
        "max_words": max(lengths, default=0),
        "over_40_share": round(sum(n > MAX_WORDS for n in lengths) / len(lengths), 3) if lengths else 0.0,
        "broken": len(broken),
        "broken_examples": [f"{m.citation}: {text[:70]} ({r})" for m, text, r in broken[:5]],
    }
