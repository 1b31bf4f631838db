"""Who must act: the addressee of a mandate, read from the text and named from the gazetteer.

Two steps. First the addressee's words are cut out of what follows the lead verb ("the Executive
Director, within available resources, to assist …" → "the Executive Director"; "请秘书长继续…" → "秘书长").
Then a spaCy `PhraseMatcher` over a blank pipeline of the language (Chinese: the jieba segmenter)
finds the gazetteer's entities in those words (extractors/lang/<code>/addressees.json): each with
its canonical name ("UNEP Executive Director", "Committee of Permanent Representatives") and actor
class. The first entity named is the one asked; the others are co-addressees; bodies named after
"in cooperation with …" are partners. Words that name no known entity are kept as they are, with no
class: nothing here ever falls back to UNEP.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

from extractors import lang
from extractors.leads import LEXICON_LANGUAGES, actor_words
from extractors.schema import Addressee
from extractors.script import has_han, script_language
from extractors.stems import SNOWBALL, stem

# Which assembly speaks: "the secretariat" and "the Assembly" name different bodies in each.
UNEA, GA = "unea", "ga"

_lock = threading.Lock()


@dataclass(frozen=True)
class Entity:
    name: str
    actor: str | None
    by_assembly: tuple[tuple[str, str, str], ...] = ()  # (assembly, name, actor) for context-bound names


@dataclass(frozen=True)
class Match:
    entity: Entity
    start: int  # character offsets in the searched text
    end: int


def assembly_of(symbol: str | None) -> str:
    """UNEA unless the resolution is the General Assembly's (A/RES/…)."""
    return GA if (symbol or "").startswith("A/") else UNEA


# --- gazetteer → spaCy matchers -----------------------------------------------------------------


@cache
def _entities(language: str) -> dict[str, Entity]:
    out: dict[str, Entity] = {}
    for item in lang.addressees(language):
        context = tuple((k, v["name"], v["actor"]) for k, v in (item.get("by_assembly") or {}).items())
        out[item["name"]] = Entity(item["name"], item.get("actor"), context)
    return out


def _is_acronym(form: str) -> bool:
    # "WHO", "UNEP", "UN-Habitat", "IPBES": matched as written ("who" is a pronoun); names match in any case
    return any(ch.isupper() for ch in form[1:]) and " " not in form


@cache
def _matcher(language: str) -> tuple[Any, Any]:
    """(nlp, PhraseMatcher) for a language: lower-cased names + exact-case acronyms (zh: exact forms)."""
    import spacy
    from spacy.matcher import PhraseMatcher

    if language == "zh":
        from extractors.language import ensure_jieba

        ensure_jieba()  # loads the gazetteer's forms as jieba words, so the segmenter keeps them whole
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    else:
        nlp = spacy.blank(language)
    stemmed = language in SNOWBALL  # names matched on stems: case endings and clitics vary (extractors/stems.py)
    by_lower = PhraseMatcher(nlp.vocab, attr="NORM" if stemmed else "LOWER")
    by_orth = PhraseMatcher(nlp.vocab, attr="ORTH")
    for item in lang.addressees(language):
        names = [f for f in item["forms"] if not _is_acronym(f)]
        acronyms = [f for f in item["forms"] if _is_acronym(f)]
        if names:
            by_lower.add(item["name"], [_stemmed_doc(nlp, f, language) if stemmed else nlp.make_doc(f) for f in names])
        if acronyms:
            by_orth.add(item["name"], [nlp.make_doc(f) for f in acronyms])
    return nlp, (by_lower, by_orth)


_TYPOGRAPHY = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2019": "'"})


def _stemmed_doc(nlp: Any, text: str, language: str) -> Any:
    """A doc whose tokens' NORM is their stem ("Генерального" and "Генеральный" → "генеральн")."""
    doc = nlp.make_doc(text)
    for token in doc:
        token.norm_ = stem(token.lower_, language)
    return doc


def find_entities(text: str, language: str) -> list[Match]:
    """Gazetteer entities named in `text`, in order, longest form winning where forms overlap."""
    if not text or not text.strip():
        return []
    from spacy.util import filter_spans

    language = language if language in lang.languages() else "en"
    with _lock:  # spaCy pipelines are not guaranteed thread-safe while they build
        nlp, matchers = _matcher(language)
    text = text.translate(_TYPOGRAPHY)  # "Secretary‐General" (U+2010), "l’environnement": same length, offsets hold
    doc = _stemmed_doc(nlp, text, language) if language in SNOWBALL else nlp.make_doc(text)
    spans = []
    for matcher in matchers:
        for match_id, start, end in matcher(doc):
            spans.append(doc[start:end])
            spans[-1].label_ = nlp.vocab.strings[match_id]
    entities = _entities(language)
    out = [Match(entities[s.label_], s.start_char, s.end_char) for s in filter_spans(spans)]
    return sorted(out, key=lambda m: m.start)


def _resolve(entity: Entity, assembly: str) -> tuple[str, str | None]:
    for where, name, actor in entity.by_assembly:
        if where == assembly:
            return name, actor
    return entity.name, entity.actor


def entity_class(name: str, language: str = "en") -> str | None:
    """The actor class of a canonical entity name, or None when it is not in the gazetteer."""
    found = _entities(language).get(name)
    return found.actor if found else None


def the_assembly(language: str, assembly: str) -> Addressee:
    """The assembly itself, which acts when it "decides to" do something."""
    name, actor = _resolve(_entities(language)["Assembly"], assembly)
    return Addressee(name=name, actor=actor)  # type: ignore[arg-type]


def addressees_in(actor_text: str | None, language: str, assembly: str = UNEA) -> list[Addressee]:
    """The addressees named in an addressee text, the one asked first. Text that names no known entity
    gives one addressee with the text as its name and no class (never a guess)."""
    if not actor_text:
        return []
    return known_addressees(actor_text, language, assembly) or [Addressee(name=_bare(actor_text), actor=None)]


def known_addressees(actor_text: str | None, language: str, assembly: str = UNEA) -> list[Addressee]:
    """The gazetteer's entities asked in an addressee text, in order (none when it names none)."""
    if not actor_text:
        return []
    if has_han(actor_text[:20]):
        language = "zh"
    out: list[Addressee] = []
    for m in find_entities(actor_text, language):
        if _OF_BEFORE.search(actor_text[: m.start]):
            continue  # "observers of the General Assembly": the Assembly qualifies them, it is not asked
        name, actor = _resolve(m.entity, assembly)
        if name not in (a.name for a in out):
            out.append(Addressee(name=name, actor=actor))  # type: ignore[arg-type]
    return out


_OF_BEFORE = re.compile(r"\w\s+of\s+(?:the\s+)?$", re.I)


def _bare(text: str) -> str:
    """"the monitoring mechanism" → "monitoring mechanism": the stated name without its article."""
    text = re.sub(r"^(?:the|all|all the|any|each)\s+", "", text.strip(), flags=re.I)
    return text[:1].upper() + text[1:] if text else text


def actor_for(actor_text: str | None, language: str | None = None, assembly: str = UNEA) -> str | None:
    """Actor class of the first addressee named in `actor_text`, or None when none is known."""
    if not actor_text:
        return None
    if language is None:
        language = script_language(actor_text) or "en"
    found = addressees_in(actor_text, language, assembly)
    return found[0].actor if found else None


def antecedent(before: str, language: str) -> str | None:
    """The words of the last body the gazetteer knows in `before`: what a pronoun after it stands for
    ("… اتخذتها اليونيسيف …، ويشجعها" → "اليونيسيف")."""
    found = find_entities(before, language)
    return before[found[-1].start:found[-1].end] if found else None


# --- partners: "in cooperation with WHO and FAO" -------------------------------------------------

_PARTNER_CUE = re.compile(
    r"\b(?:in (?:close |closer |full )?(?:cooperation|collaboration|partnership|consultation|coordination|"
    r"conjunction|liaison)|together|jointly|working) with\s+(?P<en>[^,;:]+?)(?=,|;|:|\s+to\s|$)|"
    r"(?:与|同|会同)(?P<zh>[^，。；]{1,40}?)(?:合作|协作|协商|协调)", re.I)


def partners_in(clause: str, language: str, assembly: str = UNEA) -> list[Addressee]:
    """Known bodies named as partners in a mandate's clause ("in cooperation with WHO and FAO")."""
    out: list[Addressee] = []
    for cue in _PARTNER_CUE.finditer(clause):
        for m in find_entities(cue.group("en") or cue.group("zh") or "", language):
            name, actor = _resolve(m.entity, assembly)
            if name not in (a.name for a in out):
                out.append(Addressee(name=name, actor=actor, partner=True))  # type: ignore[arg-type]
    return out


# --- the addressee's words after the lead verb ---------------------------------------------------

# The addressee ends where the instruction starts ("… to assist"), or at a list/clause mark.
_EN_ACTOR_STOP = re.compile(r"\s+to\s*:|\s+to\s+(?!do so\b)|;|:|\.\s*$|\s+that\s+(?!have|has|are|is|were|was|wish|do|did)|"
                            r"\s+(?:shall|should|will|must|may|be|is|are|continue|consider|take)\b|"
                            r",?\s+and\s+(?:also\s+|further\s+)?(?:invites|urges|encourages|requests|calls|decides)\b")
# "Requests that the Executive Director prepare …": in a that-clause the instruction starts with a bare
# (subjunctive) verb, so the addressee ends before the first common one
_EN_SUBJUNCTIVE = re.compile(
    r"\s+(?:prepare|submit|report|provide|develop|undertake|convene|establish|ensure|support|present|conduct|"
    r"organi[sz]e|facilitate|promote|strengthen|assist|make|include|update|review|work|cooperate|collaborate|"
    r"seek|identify|explore|compile|disseminate|maintain|enhance|give|keep|transmit|publish|pursue|use)\s"
)
# Comma-bounded insertions between addressee and instruction: ", within available resources, "
_EN_INSERTION = re.compile(
    r"^(?!as well as\b)(?:in|within|through|with|at|upon|by|taking|as|where|when|while|including|inter alia|among|"
    r"notably|consistent|according|subject|if|particularly|especially|on|working|acting|building|bearing|"
    r"under|via|for|from|during|before|after|and in|and within|and with|in close|together|on the basis|"
    r"without|wherever|whenever|also|further|each|both|individually|collectively|jointly|once|respectively|"
    r"to the extent|no later|not later|bilaterally|regionally|nationally|engaging|which|who)\b", re.I)
_EN_INLINE_INSERTION = re.compile(
    r"\s+(?:in|within|through|with|at|upon|working|acting)\s+(?:close\s+|closer\s+|full\s+)?(?:cooperation|"
    r"collaboration|partnership|consultation|coordination|conjunction|liaison|the framework|the scope|"
    r"the context|available|existing|its|their|request|accordance|line|order)\b|\s+in particular$", re.I)
# An object that names an action rather than an addressee: "the establishment of …", "the participation of …"
_ACTION_NOUN = re.compile(r"^(?!those\b|all\b|each\b|any\b)(?:the\s+|a\s+|an\s+|their\s+|its\s+)?(?:[a-z-]+,?\s+){0,4}"
                          r"(?:[a-z-]+(?:tion|ment|ing|ance|ence|sion|ity|ure)s?|support|efforts|action|actions|need)"
                          r"(?:\s+(?:of|on|in|for|to|between|among|with|by|aimed|out)\b|$)")
_PRONOUNS = frozenset({"they", "it", "them", "those", "these", "this", "that", "all", "everyone", "which"})
_POSSESSIVE_OBJECT = re.compile(r"^(?:their|its|his|her|our)\s+\w+$", re.I)


def english_actor_text(after_verb: str) -> str | None:
    """Addressee after the lead verb: "the Executive Director, within …, to assist" → "the Executive Director"."""
    text = after_verb.strip()
    opening = re.match(r",\s*([^,]{1,60}),\s*", text)  # "Invites, as appropriate, the Secretary-General …"
    if opening and _EN_INSERTION.match(opening.group(1)):
        text = text[opening.end():]
    that_clause = text.lower().startswith("that ")
    if that_clause:
        text = text[5:]
    elif re.match(r"(?:also\s+)?to\s+\w", text):
        return None  # "Decides to …": no addressee
    stops = [m.start() for m in (_EN_ACTOR_STOP.search(text), that_clause and _EN_SUBJUNCTIVE.search(text)) if m]
    segment = text[: min(stops)] if stops else text
    pieces = segment.split(",")
    kept = [pieces[0]]
    for piece in pieces[1:]:
        if _EN_INSERTION.match(piece.strip()) or not piece.strip():
            break
        kept.append(piece)  # "regional, subregional and interregional organizations"; ", as well as …"
    actor = ",".join(kept)
    inline = _EN_INLINE_INSERTION.search(actor)
    if inline:
        actor = actor[: inline.start()]
    actor = re.sub(r"(?:\s+(?:and|to|that))+$", "", actor.strip(" ,"))  # "Member States to" cut before its ":"
    if not actor or len(actor) > 320 or not re.search(r"[A-Za-z]", actor) \
            or actor.lower() in _PRONOUNS or _POSSESSIVE_OBJECT.match(actor):
        return None
    if _ACTION_NOUN.match(actor) and not _opens_with_entity(actor):
        return None  # "the establishment of …"; but "the international community", "regional organizations" are bodies
    return actor


def _opens_with_entity(text: str) -> bool:
    """A gazetteer entity starts within the text's first two words."""
    head = len(" ".join(text.split()[:2]))
    return any(m.start <= head for m in find_entities(text, "en"))


# Before the first addressee: modifiers only ("驻海地的", "所有"), after any names it lacks ("刚果民主共和国、"), or a relative clause closed by 的 or 所设
# ("过去10年平均利用率低于80%基准的政府间机构", "本决议第18段所设专家小组"); between two: a joiner (、和及与)
# and modifiers. An entity followed by 的 owns what follows ("专家小组的任务"): it is not the one asked.
_ZH_LEAD_GAP = re.compile(r"^(?:[^，,；;：:。（(、和]{1,12}[、和])*[^，,；;：:。（(]{0,8}$")  # names the gazetteer lacks listed first
_ZH_MODIFIERS = re.compile(lang.verbs("zh")["actor_modifiers"])
_ZH_JOIN_GAP = re.compile(r"^(?:、|和|及|以及|与|或|并)[^，,；;：:。（(]{0,6}$")
# "要求将秘书处…提交的所有文件…印成黑体": 将/把 bring the object forward; what follows names no addressee
_ZH_ACTION_OBJECT = re.compile(lang.verbs("zh")["action_object"])


def chinese_actor_text(after_verb: str) -> str | None:
    """"秘书长继续努力…" → "秘书长"; "各国政府和私营部门…" → "各国政府和私营部门"; "驻海地的联合国系统…" → that."""
    text = after_verb.strip()
    if _ZH_ACTION_OBJECT.match(text):
        return None
    window = text[:80]
    end = None
    for m in find_entities(window, "zh"):
        gap = window[end or 0 : m.start]
        if not (_ZH_JOIN_GAP.match(gap) if end is not None else _ZH_LEAD_GAP.match(gap) or _ZH_MODIFIERS.match(gap)):
            break
        if window[m.end:m.end + 1] == "的":
            break  # "专家小组的任务": the Panel's tasks
        end = m.end
    if end is not None:
        return text[:end]
    cut = re.search(r"[，,；;：:。]", text)
    head = text[: cut.start()] if cut else text
    return head if 0 < len(head) <= 12 else None


def actor_text_of(after_verb: str, language: str, verb: str | None = None) -> str | None:
    """The addressee's words, read by the rules of the text's own script (a Chinese line in an English draft)."""
    if language in LEXICON_LANGUAGES:
        return actor_words(after_verb, language, verb)
    chinese = language == "zh" or has_han(after_verb.strip()[:20])
    return chinese_actor_text(after_verb) if chinese else english_actor_text(after_verb)
