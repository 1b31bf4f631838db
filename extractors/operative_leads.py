"""Lead verbs of a paragraph, in every language the lexicons cover: is it operative or preambular, which
verb leads it, is that verb a mandate, and its class (request | call | decide | commit).

The verbs are data (extractors/lang/<code>/verbs.json): the UN's general operative/preambular
vocabulary, not words fitted to particular files; an unknown 3rd-person English verb is still
recognised as an operative lead by its shape. structure.py asks this module how a paragraph opens;
mandates.py reads the mandates that follow the lead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors import lang
from extractors.leads import LEXICON_LANGUAGES, is_preambular, lexicon_lead, verb_class
from extractors.script import has_han, script_language

# --- Lead verbs: language data (extractors/lang/<code>/verbs.json) ---------------------------------

EN_VERBS = lang.verbs("en")
ZH_VERBS = lang.verbs("zh")


def alternation(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


# English operative verbs that tell someone to act → a mandate; that state, record or judge → not one.
MANDATE_VERBS_EN: frozenset[str] = frozenset(EN_VERBS["mandate"])
NON_MANDATE_VERBS_EN: frozenset[str] = frozenset(EN_VERBS["non_mandate"])
_EN_PHRASES: dict[str, list[str]] = EN_VERBS["phrases"]  # two-word leads: first word → second words
# Adverbs that may precede the lead verb ("Also requests", "Further strongly urges").
_EN_ADVERB_RE = re.compile(rf"^(?:(?:{alternation(EN_VERBS['adverbs'])})\b[\s,]*)+", re.I)
_PREAMBULAR_ADJECTIVES = frozenset(EN_VERBS["preambular_adjectives"])
_PREAMBULAR_ADVERBS = re.compile(rf"^(?:(?:{alternation(EN_VERBS['preambular_adverbs'])})\b\s*)+", re.I)
_SHAPE_FOLLOWERS = frozenset(EN_VERBS["shape_followers"])
# "Reiterates its request to the Secretary-General to …" renews an instruction: it reads as the verb it renews
RENEWED_EN: dict[str, str] = EN_VERBS["renewed_mandates"]
_EN_RENEWED_RE = re.compile(rf"(?:{alternation(list(RENEWED_EN))})\b", re.I)
# First-person declarations: "We call upon States to …" → calls upon; "We will …" → commits (a mandate there)
FIRST_PERSON = EN_VERBS["first_person"]
FIRST_PERSON_VERB_OF: dict[str, str] = FIRST_PERSON["verbs"]
COMMITMENTS = frozenset(FIRST_PERSON["commitment_verbs"])
FIRST_PERSON_VERBS_EN: frozenset[str] = frozenset(FIRST_PERSON_VERB_OF.values())  # what "We …" leads read as
_FIRST_PERSON_RE = re.compile(
    rf"^(?:{alternation(FIRST_PERSON['subjects'])})\s+(?:(?:{alternation(EN_VERBS['adverbs'])})\s+)*"
    rf"(?P<verb>{alternation(list(FIRST_PERSON_VERB_OF))})\b", re.I)

# Chinese operative leads; matching tries the longest first.
MANDATE_VERBS_ZH: frozenset[str] = frozenset(ZH_VERBS["mandate"])
NON_MANDATE_VERBS_ZH: frozenset[str] = frozenset(ZH_VERBS["non_mandate"])
_ZH_ADVERBS = re.compile(rf"^(?:{alternation(ZH_VERBS['adverbs'])})+")
# a declaration's first person before the lead: "我们呼吁各国政府…" reads like "We call upon Governments …"
_ZH_SUBJECT = re.compile(rf"^(?:{alternation(ZH_VERBS['first_person_subjects'])})")
# "决定，会员国可允许…" (may), "…不适用于…" (do not apply), "决定继续积极处理此案" (remains seized): no one acts
_ZH_DECIDE_NOT = tuple(re.compile(p) for p in ZH_VERBS["decide_not_mandate"])
_ZH_PREAMBULAR = tuple(ZH_VERBS["preambular_leads"])
_ZH_LEADS = sorted(MANDATE_VERBS_ZH | NON_MANDATE_VERBS_ZH, key=len, reverse=True)
RENEWED_ZH: dict[str, str] = ZH_VERBS["renewed_mandates"]  # "重申请秘书长…" renews a request: 请


@dataclass(frozen=True)
class Lead:
    verb: str  # normalised lead verb: "requests", "calls upon", "请"
    end: int  # offset in the text just after the verb (and its adverbs)
    mandate: bool
    known: bool  # in one of the lists (False: recognised by shape only)


def opens_in_han(text: str) -> bool:
    return has_han(text[:20])


def english_lead(text: str, strict: bool = False) -> Lead | None:
    """The operative lead verb of an English paragraph ("Also requests …" → requests), or None.

    A declaration's first person reads as the resolution verb: "We call upon …" → calls upon, "We will …"
    → commits (a mandate: the signatories' commitment). `strict`: only verbs of the lists (inside a
    subparagraph list, "Has the ability …" is an item)."""
    first_person = _FIRST_PERSON_RE.match(text)
    if first_person:
        verb = FIRST_PERSON_VERB_OF[re.sub(r"\s+", " ", first_person.group("verb").lower())]
        return Lead(verb, first_person.end(), verb in MANDATE_VERBS_EN or verb in COMMITMENTS, True)
    m = _EN_ADVERB_RE.match(text)
    start = m.end() if m else 0
    renewed = _EN_RENEWED_RE.match(text, start)
    if renewed:
        return Lead(renewed_verb(renewed.group(0)), renewed.end(), True, True)
    words = re.match(r"([A-Za-z][a-z-]*)(?:\s+([a-z]+(?:\s+[a-z]+)?))?", text[start:])
    if not words:
        return None
    first = words.group(1).lower()
    verb, end = first, start + len(words.group(1))
    following = text[end:].lstrip()
    for second in _EN_PHRASES.get(first, ()):
        if re.match(re.escape(second) + r"\b", following, re.I):
            verb = f"{first} {second}"
            end = text.index(following) + len(second) if following else end
            break
    if verb in MANDATE_VERBS_EN:
        return Lead(verb, end, True, True)
    if verb in NON_MANDATE_VERBS_EN:
        return Lead(verb, end, False, True)
    if strict:
        return None
    # Shape of a 3rd-person present verb at the start of a capitalised paragraph: "Commends the…"
    nxt = following.split(" ", 1)[0].lower() if following else ""
    if (text[start:start + 1].isupper() or start) and re.fullmatch(r"[a-z]{3,}(?<!ss)(?<!us)(?<!is)s", first) and (
        nxt in _SHAPE_FOLLOWERS
    ):
        return Lead(first, end, False, False)
    return None


def renewed_verb(words: str) -> str:
    """The mandate verb a renewing lead stands for ("reiterates its request to" → requests)."""
    return RENEWED_EN[re.sub(r"\s+", " ", words.lower())]


_ZH_COURTESY = tuple(ZH_VERBS["courtesy_endings"])


def chinese_lead(text: str) -> Lead | None:
    """The lead of a Chinese paragraph, or None; a heading ("建议：", Recommendations) and a letter's
    courtesy request ("请将本函…分发为荷。") have none."""
    if text.rstrip(" 。.").endswith(_ZH_COURTESY):
        return None
    subject = _ZH_SUBJECT.match(text)
    start = subject.end() if subject else 0
    m = _ZH_ADVERBS.match(text, start)
    start = m.end() if m else start
    rest = text[start:]
    for words, verb in RENEWED_ZH.items():
        if rest.startswith(words):
            return Lead(verb, start + len(words), True, True)
    for verb in _ZH_LEADS:
        if rest.startswith(verb):
            if not rest[len(verb):].strip(" ：:。."):
                return None  # a heading: nothing is asked
            return Lead(verb, start + len(verb), verb in MANDATE_VERBS_ZH, True)
    return None


def chinese_decides_is_mandate(after_verb: str) -> bool:
    """"决定设立…" / "决定，X应…" are mandates; "决定，会员国可…" or "…不适用于…" are not (its clause, up to ；。)."""
    clause = re.split(r"[；;。]", after_verb, maxsplit=1)[0]
    return not any(p.search(clause) for p in _ZH_DECIDE_NOT)


def lead_of(text: str, language: str | None = None) -> Lead | None:
    """The lead of a paragraph in `language` (by default: Chinese, Russian or Arabic by script, else English)."""
    language = reading_language(text, language)
    if language in LEXICON_LANGUAGES:
        found = lexicon_lead(text, language)
        return Lead(found.verb, found.end, found.mandate, True) if found else None
    return chinese_lead(text) if language == "zh" else english_lead(text)


def reading_language(text: str, language: str | None) -> str:
    """Whose lead rules read this paragraph: Han, Cyrillic or Arabic script decide; Latin text keeps the
    document's language (French, Spanish) and is English where none is known."""
    by_script = script_language(text[:40])
    if by_script:
        return by_script
    return language if language in ("fr", "es") else "en"


def lead_class(verb: str | None, language: str) -> str | None:
    """request | call | decide | commit: the class of a mandate's lead, the same across the six languages."""
    return verb_class(verb, language) if verb else None


def is_operative_lead(text: str, strict: bool = False, language: str | None = None) -> bool:
    """Does this (unnumbered) paragraph open like an operative one ("Requests …", "敦促…", "Prie …")?"""
    text = text.strip()
    reading = reading_language(text, language)
    if reading in LEXICON_LANGUAGES:
        return lexicon_lead(text, reading) is not None and not text.endswith((",", "،"))
    if opens_in_han(text):
        return chinese_lead(text) is not None and not text.rstrip().endswith(("，", ","))
    if not text[:1].isupper():
        return False
    return english_lead(text, strict) is not None


def is_new_operative_paragraph(text: str, language: str | None = None) -> bool:
    """Inside a subparagraph list: does this item start a new paragraph (a listed operative verb)?"""
    return is_operative_lead(text, strict=True, language=language)


def is_preambular_lead(text: str, language: str | None = None) -> bool:
    """Does this paragraph open like a preambular one ("Recalling …,", "Deeply concerned …", "回顾…，")?"""
    text = text.strip()
    reading = reading_language(text, language)
    if reading in LEXICON_LANGUAGES:
        return is_preambular(text, reading)
    if opens_in_han(text):
        return text.endswith(("，", ",")) and any(text.lstrip("又还并").startswith(w) for w in _ZH_PREAMBULAR)
    if not text.endswith((",", ":", "，", "：")):  # preambular paragraphs end with a comma (or open a list)
        return False
    m = _PREAMBULAR_ADVERBS.match(text)
    rest = text[m.end():] if m else text
    word = re.match(r"([A-Za-z]+)", rest)
    if not word:
        return False
    w = word.group(1).lower()
    if m and w.endswith("ing"):
        return True
    return w.endswith("ing") or w.endswith("ed") or w in _PREAMBULAR_ADJECTIVES


