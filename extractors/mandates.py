"""Operative paragraphs → mandates: lead verb, addressee (actor), partners, conditions, deadline.

The lead verbs are data (extractors/lang/<code>/verbs.json; structure.py asks this module whether a
paragraph opens like a preambular or an operative one): the UN's general operative/preambular
vocabulary (UN editorial manual style), not words fitted to particular files; unknown 3rd-person verbs
are still recognised as operative leads by their shape and reported as skipped, never silently lost.
Who is asked is extractors.addressees' job; deadlines are read with extractors/lang/<code>/deadlines.json.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractors import lang
from extractors.addressees import (
    actor_for,
    actor_text_of,
    addressees_in,
    antecedent,
    assembly_of,
    english_actor_text,
    known_addressees,
    partners_in,
    the_assembly,
)
from extractors.leads import LEXICON_LANGUAGES, FurtherLead, further_leads
from extractors.mandate_terms import conditions_in, deadline_in, with_partners
from extractors.operative_leads import (
    COMMITMENTS,
    EN_VERBS,
    FIRST_PERSON,
    FIRST_PERSON_VERB_OF,
    MANDATE_VERBS_EN,
    RENEWED_EN,
    RENEWED_ZH,
    ZH_VERBS,
    Lead,
    alternation,
    chinese_decides_is_mandate,
    english_lead,
    lead_class,
    lead_of,
    opens_in_han,
    reading_language,
)
from extractors.referents import is_open, reference_noun, referent
from extractors.schema import (
    Addressee,
    Document,
    Mandate,
    Paragraph,
    Resolution,
    SkippedItem,
    Source,
    annex_of,
    mandate_id,
    paragraph_citation,
)

# re-exported: callers read addressees and a mandate's terms through this module too
__all__ = ["actor_for", "conditions_in", "deadline_in", "english_actor_text", "with_partners"]

# --- Paragraphs → mandates --------------------------------------------------------------------

# Verbs inside a paragraph: "Recognizes …, and calls upon Governments …", "…, encouraging the Agency to …",
# "We will …, and we call upon States to …" give mandates for the verb that instructs, with its own addressee.
# An adverb or a connective may stand before the further verb: "…, and in this regard urges …", "…, and
# therefore invites …", "…, and, to that end, encourages …"; a renewed instruction too ("…, and reiterates its
# request to …").
_CLAUSE_START = r"(?:[;,]\s+(?:and\b\s*)?|\s+and\b\s*)"
_CLAUSE_ADVERBS = rf"(?:,?\s*(?:{alternation(EN_VERBS['adverbs'])})\b,?\s+)*"
_FIRST_PERSON_MANDATES = [f for f, verb in FIRST_PERSON_VERB_OF.items() if verb in MANDATE_VERBS_EN or verb in COMMITMENTS]
_SECONDARY_EN = re.compile(
    rf"{_CLAUSE_START}{_CLAUSE_ADVERBS}(?P<verb>{alternation(EN_VERBS['secondary_mandate'] + list(RENEWED_EN))})"
    rf"\s+(?=\S)|"
    rf"{_CLAUSE_START}(?:{alternation(FIRST_PERSON['subjects'])})\s+{_CLAUSE_ADVERBS}"
    rf"(?P<first_person>{alternation(_FIRST_PERSON_MANDATES)})\s+(?=\S)", re.I)
_SECONDARY_ZH = re.compile(rf"(?:[；;，,]\s*|并)(?:(?:{alternation(ZH_VERBS['clause_joiners'])})[，,]?)*"
                           rf"(?P<verb>{alternation(list(RENEWED_ZH) + ZH_VERBS['secondary_mandate'])})")
_THING_ASKED = frozenset(EN_VERBS["thing_asked"])  # "calls for X": X is what is asked for, unless a body
_PARTICIPLES: dict[str, str] = EN_VERBS["participle_to_verb"] | RENEWED_EN | RENEWED_ZH


def _secondary_verb(m: re.Match[str]) -> tuple[str, str]:
    """(normalised verb, the words matched) of a further-mandate match."""
    if m.groupdict().get("first_person"):
        words = m.group("first_person")
        return FIRST_PERSON_VERB_OF[re.sub(r"\s+", " ", words.lower())], words
    words = m.group("verb")
    verb = re.sub(r"\s+", " ", words.lower()) if not opens_in_han(words) else words
    return _PARTICIPLES.get(verb, verb), words


def _secondary_start(m: re.Match[str]) -> int:
    return m.start("first_person") if m.groupdict().get("first_person") else m.start("verb")


def _decides_is_mandate(after_verb: str) -> bool:
    """"Decides to convene …" / "Decides that X shall …" are mandates; "Decides on …" is not."""
    rest = after_verb.strip()
    if re.match(r"(?:also\s+)?to\s+remain\s+(?:actively\s+)?seized\b", rest, re.I):
        return False  # "Decides to remain seized of the matter": the assembly keeps the item, no one acts
    # "Also decides, for the year 2015, to apportion …": an insertion may stand before "to"
    return bool(re.match(r"(?:also\s*)?(?:,[^,;]{0,200},\s*)?to\s+\w", rest) or (
        rest.lower().startswith("that") and re.search(r"\b(?:shall|should|will|must|is to|are to)\b", rest[:400])))


def mandates_from_paragraphs(
    paragraphs: Iterable[Paragraph], resolution: Resolution, document: Document
) -> tuple[list[Mandate], list[SkippedItem]]:
    """One mandate per operative paragraph (or per subparagraph of a mandate lead), plus what was skipped."""
    paragraphs = list(paragraphs)
    ops = [p for p in paragraphs if p.kind == "operative" and p.number]
    place = {id(p): i for i, p in enumerate(paragraphs)}
    by_number = {p.number: p for p in ops}
    has_children = {_parent(p.number) for p in ops if _parent(p.number)}
    mandates: list[Mandate] = []
    skipped: list[SkippedItem] = []
    for p in ops:
        if p.number in has_children:
            continue  # a lead: its subparagraphs carry the mandates
        chain = _ancestors(p.number, by_number) + [p]
        top = chain[0]
        language = p.language if p.language != "und" else resolution.language
        where = f"{resolution.key} {paragraph_citation('', p.number)[2:]}"  # "… para. 7", "… annex, para. 22"
        if language not in lang.languages():
            skipped.append(SkippedItem(where=where, reason=f"language {language} is not yet supported", text=p.text))
            continue
        found = _mandate_lead(top.text, language)
        # a subparagraph may carry its own mandate under a non-mandate lead (rare): check it too
        if (not found or not found[1]) and len(chain) > 1:
            own = _mandate_lead(p.text, language)
            if own and own[1]:
                found, chain = own, [p]
        if not found:
            skipped.append(SkippedItem(where=where, reason="operative paragraph without a recognised lead verb",
                                       text=p.text))
            continue
        lead, is_mandate, actor_from = found
        if not is_mandate:
            reason = (f"operative but not a mandate: {lead.verb}" if lead.known
                      else f"operative, unrecognised lead verb: {lead.verb}")
            skipped.append(SkippedItem(where=where, reason=reason, text=p.text))
            continue
        text = _joined_text(chain)
        if len(chain) == 1 and _is_fragment(actor_from, language):
            # e.g. a registry export item cut after its addressee ("Requests to the Executive Director"):
            # no instruction survives, so it is reported, not indexed as an empty mandate
            skipped.append(SkippedItem(where=where, reason="incomplete operative paragraph: no instruction",
                                       text=p.text))
            continue
        actor_text = _FIRST_PERSON_TEXT if lead.verb in COMMITMENTS else (
            None if language != "en" and lead_class(lead.verb, language) == "decide"
            else actor_text_of(actor_from, language, lead.verb))
        # further instructions to other addressees in the same paragraph: "…; and invites Member States to …"
        own_text, start = (p.text, 0) if len(chain) > 1 else (top.text, lead.end)
        offset = len(text) - len(own_text)  # where the paragraph's own words start in the mandate's text
        # what the resolution said before: where "the Agency" finds the body it refers to
        earlier = [t for t in (resolution.title,) if t] + [q.text for q in paragraphs[: place[id(p)]]]
        context = (document, resolution, p, language, text, earlier)
        lead_text = next((t for t in (top.text, p.text) if t.endswith(actor_from)), "")
        before = lead_text[: len(lead_text) - len(actor_from)]
        first = _mandate(context, p.number, lead.verb, actor_text, text, before=before)
        parts: list[tuple[Mandate, int, int]] = [(first, _verb_at(before, lead.verb, len(text) - len(lead_text)),
                                                  len(text))]
        seen = {(first.actor_entity or actor_text or "").lower()}
        for k, (verb, clause, clause_actor, at) in enumerate(_further_mandates(own_text, start, language), start=2):
            if clause_actor is None:
                continue
            further = _mandate(context, f"{p.number}#{k}", verb, clause_actor, clause, before=own_text[:at])
            if (further.actor_entity or clause_actor).lower() in seen:
                continue  # the same addressee asked again: one mandate of this paragraph already names it
            seen.add((further.actor_entity or clause_actor).lower())
            parts.append((further, offset + at, offset + at + len(clause)))
        mandates.extend(_with_own_clauses(text, parts))
    return mandates, skipped


def _with_own_clauses(text: str, parts: list[tuple[Mandate, int, int]]) -> list[Mandate]:
    """A paragraph's mandates, each given its own words and place when it holds several ("Requests the
    Executive Director to assist …; invites those in a position to do so to support such action; …": the
    first runs to the second's lead verb, the last to the end of its own clause)."""
    if len(parts) < 2:
        return [m for m, _, _ in parts]
    for n, (mandate, start, end) in enumerate(parts, start=1):
        stop = parts[n][1] if n < len(parts) else end
        clause = _CLAUSE_TAIL.sub("", text[start:stop]).strip()
        if n < len(parts) and mandate.actor_text and clause.lower().endswith(mandate.actor_text.lower()):
            # "Urges parties and invites other Governments … to recognize …": one instruction, shared
            clause = _CLAUSE_TAIL.sub("", text[start:parts[n][2]]).strip()
        mandate.clause = clause
        mandate.source.item = n
    return [m for m, _, _ in parts]


def _verb_at(before: str, verb: str, offset: int) -> int:
    """Where the first mandate's own words start in its text: 0, unless a paragraph that opens otherwise
    ("Recalls that …, and encourages States to …") asks it later: there, at its verb."""
    opening = lead_of(before) if before and not offset else None
    if opening is None or opening.mandate:
        return 0
    stem = verb.split()[0][:4].lower() if verb else ""
    at = before.lower().rfind(stem) if len(stem) == 4 else -1
    return at if at >= max(1, len(before) - 60) else 0


# what joins a clause to the next one: "…action plans; and", "…, and also", "… and, in this regard,"
_CLAUSE_TAIL = re.compile(r"(?:[\s;,；，،]|\b(?:and|also|further|therefore|in this regard|to that end)\b)+$", re.I)


def _is_fragment(after_verb: str, language: str) -> bool:
    """Nothing follows the addressee ("Requests to the Executive Director"): no instruction to index."""
    if language != "en":
        return False
    rest = re.sub(r"^\s*(?:to\s+)?", "", after_verb).strip()
    addressee = english_actor_text(" " + rest)
    return bool(addressee) and rest.rstrip(" ,") == addressee.strip()


_FIRST_PERSON_TEXT = "We"  # the actor text of a declaration's commitment: its signatories
_DECIDES = frozenset({"decides", "决定"})


def _addressees(verb: str, actor_text: str | None, clause: str, language: str, assembly: str,
                before: list[str]) -> tuple[list[Addressee], bool]:
    """Who is asked (first), co-addressees, then partners named in the clause; and whether the text left
    the one asked open ("those in a position to do so", "the Agency" with no agency named before)."""
    noun = reference_noun(actor_text, language)
    if noun:  # "the Agency": the body named before it, in the paragraph or the resolution
        found = referent(noun, before, language, assembly)
        asked = [found] if found else []
    elif actor_text == _FIRST_PERSON_TEXT and verb in COMMITMENTS:
        asked = addressees_in(FIRST_PERSON["commitment_addressee"], "en", assembly)
    elif verb in _DECIDES or lead_class(verb, language) == "decide":
        # "Decides to convene …": the assembly itself acts; "Decides that the Global Environment Outlook
        # process should …": the body named; "Decides that the measures … shall apply": the assembly again
        asked = known_addressees(actor_text, language, assembly) or [the_assembly(language, assembly)]
    elif is_open(actor_text, language) and not known_addressees(actor_text, language, assembly):
        asked = []
    else:
        asked = addressees_in(actor_text, language, assembly)
    names = {a.name for a in asked}
    return asked + [p for p in partners_in(clause, language, assembly) if p.name not in names], not asked


def _mandate(context: tuple, locator: str, verb: str, actor_text: str | None, clause: str, before: str = "") -> Mandate:
    """A mandate of paragraph `p`; partners/conditions/deadline are read from `clause` (its own instruction).

    The actor is the class of the first addressee the gazetteer knows; an addressee it does not know keeps
    its words with no actor (a model may fill it, saying so), and no readable addressee, or one the text
    leaves open, is "none". `before`: the paragraph's words before the addressee (what "the Agency" refers to)."""
    document, resolution, p, language, text, earlier = context
    entities, left_open = _addressees(verb, actor_text, clause, language, assembly_of(resolution.symbol),
                                      [*earlier, before])
    asked = entities[0] if entities and not entities[0].partner and not left_open else None
    actor = asked.actor if asked else None
    return Mandate(
        id=mandate_id(document.id, resolution.key, locator, text),
        document=document.id,
        resolution=resolution.key,
        resolution_number=resolution.number,
        resolution_title=resolution.title,
        session=resolution.session,
        paragraph=p.number,
        language=language,
        text=text,
        verb=verb,
        actor_text=actor_text,
        actor=actor,
        actor_source="rule" if actor else (None if asked else "none"),
        actor_entity=asked.name if asked else None,
        actor_entities=entities,
        with_partners=with_partners(clause) or any(e.partner for e in entities),
        conditions=conditions_in(clause),
        deadline=deadline_in(clause, language),
        source=Source(kind="paragraph", page=p.page, section=p.section, annex=annex_of(p.number)),
    )


def _further_mandates(text: str, start: int, language: str) -> list[tuple[str, str, str | None, int]]:
    """(verb, clause, actor text, where the clause starts) of each further mandate clause after `start`."""
    if language in LEXICON_LANGUAGES:
        out = []
        for further in further_leads(text, start, language):
            end = re.search(r"[;；؛]|\.$", text[further.end:])
            clause = text[further.start: further.end + (end.start() if end else len(text))]
            out.append((further.verb, clause, _further_actor(text, further, language), further.start))
        return out
    pattern = _SECONDARY_ZH if language == "zh" else _SECONDARY_EN
    out = []
    for m in pattern.finditer(text, start):
        verb, _words = _secondary_verb(m)
        end = re.search(r"[;；。]|\.$", text[m.end():])
        clause = text[_secondary_start(m): m.end() + (end.start() if end else len(text))]
        actor_text = _FIRST_PERSON_TEXT if verb in COMMITMENTS else actor_text_of(text[m.end():], language)
        if verb in _THING_ASKED and not known_addressees(actor_text, language):
            actor_text = None  # "…, and calls for increased financial resources": a thing asked for, no addressee
        out.append((verb, clause, actor_text, _secondary_start(m)))
    return out


def _further_actor(text: str, further: FurtherLead, language: str) -> str | None:
    """The addressee of a further lead: the words after it, or, for a joined pronoun ("ويشجعها"), the
    last body named before it."""
    if further.pronoun:
        return antecedent(text[:further.start], language)
    return actor_text_of(text[further.end:], language, further.verb)


def _mandate_lead(text: str, language: str | None = None) -> tuple[Lead, bool, str] | None:
    """(lead, is it a mandate, text after the mandate verb) for a paragraph's text."""
    lead = lead_of(text, language)
    reading = reading_language(text, language)
    if reading in LEXICON_LANGUAGES:
        if lead is None:
            return None
        if lead.mandate:
            return lead, True, text[lead.end:]
        further = further_leads(text, lead.end, reading)
        if further:
            first = further[0]
            named_before = antecedent(text[:first.start], reading) if first.pronoun else None
            return Lead(first.verb, first.end, True, True), True, named_before or text[first.end:]
        return lead, False, text[lead.end:]
    if lead is None:
        # "Encouraged by its universal membership, urges Member States …": an opening participle clause
        m = re.match(r"[A-Z][a-z]+(?:ed|ing)\b[^,;:]{0,200},\s+", text)
        inner = english_lead(text[m.end():]) if m else None
        if inner is None or m is None:
            return None
        lead = Lead(inner.verb, m.end() + inner.end, inner.mandate, inner.known)
    after = text[lead.end:]
    if lead.mandate:
        if (lead.verb == "decides" and not _decides_is_mandate(after)) or (
                lead.verb == "决定" and not chinese_decides_is_mandate(after)):
            return Lead(lead.verb, lead.end, False, True), False, after
        return lead, True, after
    pattern = _SECONDARY_ZH if opens_in_han(text) else _SECONDARY_EN
    m = pattern.search(text)
    if m:
        return Lead(_secondary_verb(m)[0], m.end(), True, True), True, text[m.end():]
    return lead, False, after


def _parent(number: str) -> str | None:
    i = number.rfind("(")
    return number[:i] if i > 0 else None


def _ancestors(number: str, by_number: dict[str, Paragraph]) -> list[Paragraph]:
    out: list[Paragraph] = []
    parent = _parent(number)
    while parent:
        if parent in by_number:
            out.insert(0, by_number[parent])
        parent = _parent(parent)
    return out


def own_words(text: str, number: str | None) -> str:
    """A sub-item mandate's own words, from its marker on, without the chapeau _joined_text put before
    it ("Requests …, to: (c) develop guidelines …" → "(c) develop guidelines …"); any other mandate's
    whole text. What a sub-item asks differs from its siblings only there."""
    label = number[number.rfind("(") :] if number and number.rfind("(") > 0 else ""
    start = text.rfind(f"{label} ") if label else -1
    return text[start:] if start > 0 else text


def _joined_text(chain: list[Paragraph]) -> str:
    """Lead(s) + subparagraph, so the mandate reads alone: "Requests …: (a) supporting …"."""
    parts = [chain[0].text]
    for p in chain[1:]:
        label = p.number[p.number.rfind("(") :] if p.number else ""
        parts.append(f"{label} {p.text}".strip())
    return " ".join(parts)
