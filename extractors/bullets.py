"""A mandate shortened to the bullet a plan-writer puts in a table, the way the seed's Annex II does.

"Requests the Executive Director, subject to the availability of resources, to report on the
environmental and health impacts of pesticides" → "Report on the environmental and health impacts
of pesticides": the lead verb, the addressee, the conditions and the insertions around them are
dropped; a partner named in that frame ("in cooperation with FAO", "与粮农组织合作") goes to the
end in brackets, as the seed writes "（与粮农组织合作）". A subparagraph keeps only its own words
(its lead is the same for every item of the list), and a table bullet is already a bullet.

The words this drops are per-language data (extractors/data/bullets.json); conditions are
extractors.mandates' (the one list of them).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from extractors.mandate_terms import conditions_in
from extractors.schema import Mandate

BULLET_WORDS = Path(__file__).resolve().parent / "data" / "bullets.json"


@dataclass(frozen=True)
class _Words:
    """One language's frame words, compiled."""

    infinitive: re.Pattern[str]  # "to " opening the instruction
    insertion: re.Pattern[str]  # a comma-bounded insertion between addressee and instruction
    partner: re.Pattern[str]  # a partner phrase inside the frame
    further: re.Pattern[str]  # where a further clause (another verb, another addressee) starts
    modal: re.Pattern[str]  # "shall", "are to" opening a that-clause's instruction
    clause_end: tuple[str, ...]
    trailing: re.Pattern[str]  # a qualification after the task (", taking into account …")
    min_words_before_cut: int  # words (Chinese: characters) the bullet keeps before such a clause
    partners_format: str
    verb_base_suffix: str  # "requests" → "request" when the verb stays (no addressee to drop)
    # fr, es, ru, ar: where the instruction opens after the addressee ("de", "a que", the Russian
    # infinitive, "أن"), per lead verb where a verb governs its own ("يدعو … إلى"); None for en and zh
    instruction_start: re.Pattern[str] | None = None
    instruction_start_after: tuple[tuple[str, re.Pattern[str]], ...] = ()
    that_clause: re.Pattern[str] | None = None  # "Décide que …", "постановляет, что …": kept whole
    conditions: re.Pattern[str] | None = None  # the language's provisos; en and zh: extractors.mandate_terms'
    joined_marker: re.Pattern[str] | None = None  # "à envisager et à élaborer": the second "à" goes


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _words(language: str) -> _Words:
    data = json.loads(BULLET_WORDS.read_text(encoding="utf-8"))
    entry = data.get(language) or data["en"]
    if "instruction_start" in entry:
        return _marked_words(entry)
    if language == "zh":
        partner = re.compile(
            rf"(?:{_alternation(entry['partner_prefixes'])})?(?:{_alternation(entry['partner_openers'])})[^，,。；;：:]{{1,60}}?"
            rf"(?:{_alternation(entry['partner_closers'])})"
        )
        further = re.compile(rf"[，,]\s*(?:并|又|还|同时)?(?:{_alternation(entry['further_mandate_verbs'])})")
        insertion = re.compile(rf"^(?:{_alternation(entry['insertion_openers'])})")
        infinitive = re.compile(r"(?!)")  # Chinese has no infinitive marker
        modal = re.compile(r"(?!)")
    else:
        partner = re.compile(rf"\b(?:{_alternation(entry['partner_openers'])})\b[^,;:]*", re.I)
        further = re.compile(
            rf",?\s+and\s+(?:also\s+|further\s+)?(?:{_alternation(entry['further_mandate_verbs'])})\b", re.I
        )
        insertion = re.compile(rf"^(?:{_alternation(entry['insertion_openers'])})\b", re.I)
        infinitive = re.compile(
            rf"(?:^|,|\s)\s*(?:{_alternation(entry['infinitive_markers'])})\s+(?=\w)", re.I
        )
        modal = re.compile(rf"^\s*(?:{_alternation(entry['that_clause_modals'])})\s+", re.I)
    return _Words(
        infinitive=infinitive,
        insertion=insertion,
        partner=partner,
        further=further,
        modal=modal,
        clause_end=tuple(entry["clause_end"]),
        trailing=re.compile(_alternation(entry["trailing_clause_openers"]), re.I),
        min_words_before_cut=entry["min_words_before_cut"],
        partners_format=entry["partners_format"],
        verb_base_suffix=entry["verb_base_suffix"],
    )


def _start_pattern(pattern: str, entry: dict) -> re.Pattern[str]:
    not_infinitives = _alternation(entry.get("not_infinitives") or ["(?!)"])
    return re.compile(pattern.replace("(?:NOT)", f"(?:{not_infinitives})"), re.I)


def _marked_words(entry: dict) -> _Words:
    """French, Spanish, Russian and Arabic: the instruction opens at a marker (or an infinitive)."""
    never = re.compile(r"(?!)")
    return _Words(
        infinitive=never,
        insertion=re.compile(rf"^(?:{_alternation(entry['insertion_openers'])})(?!\w)", re.I),
        partner=re.compile(rf"(?<!\w)(?:{_alternation(entry['partner_openers'])})(?!\w)[^,;:،؛]*", re.I),
        further=re.compile(
            rf"[,،]?\s+(?:{_alternation(entry['further_joiners'])})\s*"
            rf"(?:{_alternation(entry['further_mandate_verbs'])})(?!\w)",
            re.I,
        ),
        modal=never,
        clause_end=tuple(entry["clause_end"]),
        trailing=re.compile(_alternation(entry["trailing_clause_openers"]), re.I),
        min_words_before_cut=entry["min_words_before_cut"],
        partners_format=entry["partners_format"],
        verb_base_suffix=entry["verb_base_suffix"],
        instruction_start=_start_pattern(entry["instruction_start"], entry),
        instruction_start_after=tuple(
            (verb, _start_pattern(pattern, entry))
            for verb, pattern in entry.get("instruction_start_after_verb", {}).items()
        ),
        that_clause=re.compile(
            rf"^[\s,،]*(?:(?:{_alternation(entry['lead_adverbs'])})[\s,،]+)*"
            rf"(?:{_alternation(entry['that_clause_markers'])})(?!\w)",
            re.I,
        ),
        joined_marker=re.compile(entry["joined_markers"], re.I) if entry["joined_markers"] else None,
        conditions=re.compile(rf"(?<!\w)(?:{_alternation(entry['conditions'])})(?!\w)", re.I),
    )


# --- Public API --------------------------------------------------------------------------


def bullet_of(mandate: Mandate) -> str:
    """The plan bullet of a mandate (in the mandate's own language)."""
    return shorten(
        mandate.text,
        language=mandate.language,
        verb=mandate.verb,
        actor_text=mandate.actor_text,
        paragraph=mandate.paragraph,
        from_table=mandate.source.kind == "table",
    )


def shorten(
    text: str,
    *,
    language: str,
    verb: str | None = None,
    actor_text: str | None = None,
    paragraph: str | None = None,
    from_table: bool = False,
) -> str:
    """The instruction of a mandate's text without its lead verb, addressee and conditions."""
    text = re.sub(r"\s+", " ", text).strip()
    if from_table or not text:
        return _tidy(text, language)
    words = _words(language)
    own = _subparagraph_text(text, paragraph)
    if own is not None:
        frame, instruction = _lead_of(text, paragraph), _drop_infinitive(own, words)
    elif words.instruction_start is not None:
        frame, instruction = _split_at_marker(text, verb, actor_text, words, language)
    else:
        frame, instruction = _split_frame(text, verb, actor_text, words, language)
    instruction = _first_clause(instruction, words, language)
    instruction = _drop_trailing_clause(instruction, words, language)
    instruction = _drop_conditions(instruction, words)
    bullet = _tidy(instruction, language) or _tidy(text, language)
    # the addressee as read may hold the partner phrase too ("儿基会通过与伙伴合作")
    partners = _partners(frame, words) or _partners(actor_text or "", words)
    return words.partners_format.format(bullet=bullet, partners=partners) if partners else bullet


# --- Where the instruction starts --------------------------------------------------------


def _subparagraph_text(text: str, paragraph: str | None) -> str | None:
    """A subparagraph's own words: "Requests …: (b) Enhance cooperation …" → "Enhance cooperation …"."""
    if not paragraph or "(" not in paragraph:
        return None
    label = paragraph[paragraph.rfind("(") :]
    at = text.rfind(f" {label} ")
    return text[at + len(label) + 2 :] if at > 0 else None


def _lead_of(text: str, paragraph: str | None) -> str:
    label = (paragraph or "")[(paragraph or "").rfind("(") :]
    at = text.rfind(f" {label} ")
    return text[:at] if at > 0 else ""


def _drop_infinitive(text: str, words: _Words) -> str:
    m = (words.instruction_start or words.infinitive).match(text)
    return text[m.end() :] if m else text


def _split_at_marker(
    text: str, verb: str | None, actor_text: str | None, words: _Words, language: str
) -> tuple[str, str]:
    """French, Spanish, Russian, Arabic: (frame, instruction) split where the instruction opens.

    "Prie la Directrice exécutive, en consultation avec …, de lui faire rapport" → frame "la Directrice
    exécutive, en consultation avec …", instruction "lui faire rapport". The first marker after the lead
    verb wins, not the end of the addressee as read (which may run past it). "Décide de proroger …" (no
    addressee) keeps the instruction; "Décide que …", "постановляет, что …" keep their whole text."""
    # an Arabic verb may carry "و" before it and a pronoun after it ("ويشجعها")
    pattern = rf"(?<!\w)و?{_verb_pattern(verb, 'zh')}(?:ها|هم|ه)?(?!\w)" if verb and language == "ar" else None
    verbs = list(re.finditer(pattern or _verb_pattern(verb, language), text, re.I)) if verb else []
    if not verbs:
        return "", text
    after_verb = verbs[0].end()
    if words.that_clause and words.that_clause.match(text[after_verb:]):
        return "", text
    start = next((p for v, p in words.instruction_start_after if verb and verb.startswith(v)), words.instruction_start)
    assert start is not None
    m = start.search(text, after_verb)
    if m is None:
        at, found = _after_addressee(text, verb, actor_text, language)
        return ("", text[at:]) if found else ("", text)
    instruction = text[m.end() :]
    if words.joined_marker is not None:
        instruction = words.joined_marker.sub("", instruction)
    return text[after_verb : m.start()], instruction


def _split_frame(
    text: str, verb: str | None, actor_text: str | None, words: _Words, language: str
) -> tuple[str, str]:
    """(frame, instruction): what stands between the lead verb and the instruction, and the rest."""
    start, found_addressee = _after_addressee(text, verb, actor_text, language)
    rest = text[start:]
    if language == "zh":
        return _split_frame_zh(rest, words)
    infinitive = words.infinitive.match(rest)
    if not found_addressee and verb and not infinitive:
        # no addressee ("Also encourages the establishment of …", "Urges that they be evaluated"):
        # the verb is the instruction's own, so it stays, in its base form
        return "", f"{_base_form(verb, words)} {rest.strip()}"
    rest = re.sub(r"^\s*that\s+", "", rest, flags=re.I)
    m = _instruction_start(rest, words)
    if m and _is_frame(rest[: m.start()], words):
        return rest[: m.start()], rest[m.end() :]
    frame, instruction = _strip_insertions(rest, words)
    modal = words.modal.match(instruction)
    if modal:  # "Decides that the secretariat shall …"
        return frame, instruction[modal.end() :]
    if m and rest.lstrip().startswith(",") and ";" not in rest[: m.start()] and m.start() < 200:
        # the addressee list went on past what the extractor kept ("…, foundations and others to help")
        return rest[: m.start()], rest[m.end() :]
    return frame, instruction


def _instruction_start(rest: str, words: _Words) -> re.Match[str] | None:
    """The "to" that opens the instruction: the first after a comma-bounded frame (", in their
    efforts to combat …, to formulate"), else the first one when no comma comes before it."""
    matches = list(words.infinitive.finditer(rest))
    for m in matches:
        if rest[m.start() : m.start() + 1] in (",", "") and _is_frame(rest[: m.start()], words):
            return m
    first = matches[0] if matches else None
    if first is not None and "," in rest[: first.start()]:
        return next((m for m in matches if rest[m.start() : m.start() + 1] == ","), first)
    return first


def _base_form(verb: str, words: _Words) -> str:
    first, _, others = verb.partition(" ")
    suffix = words.verb_base_suffix
    if suffix and first.endswith(suffix):
        first = first[: -len(suffix)]
    return f"{first} {others}".strip()


def _after_addressee(text: str, verb: str | None, actor_text: str | None, language: str) -> tuple[int, bool]:
    """(offset just after the addressee that follows the mandate's lead verb, or after the verb;
    whether an addressee was found)."""
    verbs = list(re.finditer(_verb_pattern(verb, language), text, re.I)) if verb else []
    if actor_text:
        for m in verbs or [None]:
            from_ = m.end() if m else 0
            at = text.find(actor_text, from_)
            if at >= 0 and (m is None or at - from_ <= 40):
                return at + len(actor_text), True
    return (verbs[0].end() if verbs else 0), False


def _verb_pattern(verb: str, language: str) -> str:
    escaped = r"\s+".join(re.escape(w) for w in verb.split())
    return escaped if language == "zh" else rf"\b{escaped}\b"


def _is_frame(segment: str, words: _Words) -> bool:
    """Is the text between addressee and "to" only insertions (", within available resources,")?"""
    pieces = [p.strip() for p in segment.split(",")]
    if pieces and not pieces[0]:
        pieces = pieces[1:]
    if not pieces or not "".join(pieces):
        return True
    return bool(words.insertion.match(pieces[0])) or bool(conditions_in(pieces[0]))


def _strip_insertions(rest: str, words: _Words) -> tuple[str, str]:
    frame = []
    text = rest.lstrip()
    while text.startswith(","):
        head, _, tail = text[1:].lstrip().partition(",")
        if not (words.insertion.match(head) or conditions_in(head)) or not tail:
            break
        frame.append(head)
        text = tail.lstrip()
    return ", ".join(frame), text.lstrip(" ,")


def _split_frame_zh(rest: str, words: _Words) -> tuple[str, str]:
    """Chinese: conditions and "与…合作" between addressee and instruction, then "，" or nothing."""
    frame: list[str] = []
    text = rest
    while True:
        text = text.lstrip(" ，,：:")
        partner = words.partner.match(text)
        condition = next((c for c in conditions_in(text[:40]) if text.startswith(c)), None)
        if partner:
            frame.append(partner.group(0))
            text = text[partner.end() :]
        elif condition:
            frame.append(condition)
            text = text[len(condition) :]
        else:
            return "，".join(frame), text


# --- Where it ends, and what goes -------------------------------------------------------


def _first_clause(instruction: str, words: _Words, language: str) -> str:
    """Up to the next clause: "; and invites …", ", and requests …" or "；并请…" start another mandate.

    English lists of infinitives ("to consider …; to eliminate …") are one instruction: kept, joined."""
    further = words.further.search(instruction)
    if further:
        instruction = instruction[: further.start()]
    for mark in words.clause_end:
        head, sep, tail = instruction.partition(mark)
        if not sep:
            continue
        if language != "zh" and re.match(r"\s*(?:and\s+)?to\s+\w", tail, re.I):
            items = [head] + [re.sub(r"^\s*(?:and\s+)?to\s+", "", t, flags=re.I) for t in tail.split(mark)]
            stop = next((i for i, t in enumerate(items) if i and not t.strip()), len(items))
            return "; ".join(t.strip() for t in items[:stop])
        return head
    return instruction


def _drop_trailing_clause(text: str, words: _Words, language: str) -> str:
    """Up to the first trailing clause (", including …", "，包括…") that comes after enough words:
    the seed's bullets keep the task and leave its qualifications to the resolution."""
    for m in words.trailing.finditer(text):
        head = text[: m.start()]
        size = len(head) if language == "zh" else len(head.split())
        if size >= words.min_words_before_cut:
            return head
    return text


def _drop_conditions(text: str, words: _Words) -> str:
    found = [m.group(0) for m in words.conditions.finditer(text)] if words.conditions else conditions_in(text)
    for condition in found:
        pattern = rf"(,\s*)?{re.escape(condition)}(\s*,)?"
        text = re.sub(pattern, lambda m: " " if m.group(1) and m.group(2) else "", text, count=1)
    return text


def _partners(frame: str, words: _Words) -> str | None:
    m = words.partner.search(frame or "")
    return m.group(0).strip(" ,") if m else None


def _tidy(text: str, language: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,;:.])", r"\1", text)
    text = (
        re.sub(r"(?:[\s,;:.。；，：،؛]|\band\b|\bor\b)+$", "", text)
        if language != "zh"
        else text.rstrip("，。；：;,:. ")
    )
    return text[:1].upper() + text[1:] if text else text
