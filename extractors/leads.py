"""Lead verbs of French, Spanish, Russian and Arabic paragraphs, read from word lists (extractors/lang/<code>).

These languages put the lead first like English ("Prie le Secrétaire général …", "Solicita al …",
"просит Генерального секретаря …", "تطلب إلى الأمين العام …"), but their leads are phrases with their own
word order ("Demande instamment", "настоятельно призывает"), Russian General Assembly paragraphs open in
lower case, and an Arabic lead may carry a joining و and short vowels. Every lead has a class (request,
call, decide) so the same paragraph reads alike in all six languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extractors import lang

LEXICON_LANGUAGES = ("fr", "es", "ru", "ar")

# Arabic: short vowels, shadda, tatweel may sit between any two letters; alef/hamza and ya forms vary
_AR_MARKS = "[\u064b-\u065f\u0670\u0640]*"
_AR_VARIANTS = {"ا": "[اأإآ]", "أ": "[اأإآ]", "إ": "[اأإآ]", "آ": "[اأإآ]", "ي": "[يى]", "ى": "[يى]"}


@dataclass(frozen=True)
class LexiconLead:
    verb: str  # the lead as listed: "prie", "настоятельно призывает", "تطلب إلى"
    end: int  # offset just after the lead and the adverbs that follow it
    mandate: bool


def _word_pattern(phrase: str, language: str) -> str:
    if language != "ar":
        return r"\s+".join(re.escape(w) for w in phrase.split())
    words = []
    for word in phrase.split():
        words.append("".join(_AR_VARIANTS.get(ch, re.escape(ch)) + _AR_MARKS for ch in word))
    return r"\s+".join(words)


def _alternation(phrases: list[str], language: str) -> str:
    return "|".join(_word_pattern(p, language) for p in sorted(phrases, key=len, reverse=True))


@dataclass(frozen=True)
class _Rules:
    lead: re.Pattern[str]
    mandate: frozenset[str]
    classes: dict[str, str]
    adverbs: re.Pattern[str]
    secondary: re.Pattern[str]
    decide: tuple[re.Pattern[str], ...]
    decide_not: tuple[re.Pattern[str], ...]
    actor_stop: re.Pattern[str]
    addressee_clause: re.Pattern[str] | None  # a relative clause at the stop that belongs to the addressee
    preambular_leads: frozenset[str]
    preambular_endings: tuple[str, ...]
    canonical: dict[str, str]  # normalised matched words → listed lead
    actor_prefixes: tuple[str, ...]
    insertion: re.Pattern[str]
    action_object: re.Pattern[str] | None  # after any lead: the words name an action ("que se elaboren …")
    action_object_after: dict[str, re.Pattern[str]]  # after these leads ("توصي بوضع …"): the thing asked for
    renewed: tuple[tuple[re.Pattern[str], str], ...]  # "Reitera su solicitud" → the mandate lead it renews


def _key(words: str, language: str) -> str:
    from extractors.stems import normalize_arabic

    words = re.sub(r"\s+", " ", words.lower().strip())
    return normalize_arabic(words) if language == "ar" else words


@cache
def rules(language: str) -> _Rules:
    data = lang.verbs(language)
    leads = data["mandate"] + data["non_mandate"]
    end = r"(?![\w\u0600-\u06ff])"
    prefix = "و?" if language == "ar" else ""  # "وتطلب": the conjunction joins the lead
    adverbs = _alternation(data["adverbs"], language)
    joiners = _alternation(data["clause_joiners"], language)
    pronoun = "(?P<pronoun>ها|هم|ه)?" if language == "ar" else ""  # "ويشجعها": the object pronoun joins the verb
    sec_prefix = rf"(?:[,،;؛]\s*|\s+)(?:(?:{joiners}){end}\s*)" if language != "ar" else r"(?:[,،;؛]\s*|\s+)و"
    renewed = {_renewed_pattern(phrase, language, adverbs, end): verb
               for phrase, verb in sorted(data.get("renewed_mandates", {}).items(), key=lambda kv: -len(kv[0]))}
    renewing = "".join(f"{p}|" for p in renewed)  # tried before the leads: "Reitera su solicitud" is not "Reitera"
    return _Rules(
        lead=re.compile(rf"^\s*(?:(?:{adverbs}){end}\s*,?\s*)*{prefix}(?P<verb>{renewing}{_alternation(leads, language)}){end}"
                        rf"(?P<adverbs>(?:\s*,?\s*(?:{adverbs}){end})*)", re.I),
        mandate=frozenset(_key(v, language) for v in data["mandate"]),
        classes={_key(k, language): v for k, v in data["verb_classes"].items()},
        adverbs=re.compile(rf"^(?:\s*,?\s*(?:{adverbs}){end})+", re.I),
        # "…, y a este respecto insta …", "…، وفي هذا الصدد، تشجع …": an adverb (and its comma) may come first
        secondary=re.compile(rf"{sec_prefix}(?:[,،][^,;،؛]{{0,80}}[,،]\s*)?(?:(?:{adverbs})(?:[,،]|{end})\s*)*"
                             rf"(?P<verb>{renewing}{_alternation(data['secondary_mandate'], language)}){pronoun}{end}"
                             rf"(?P<adverbs>(?:\s*,?\s*(?:{adverbs}){end})*)", re.I),
        decide=tuple(re.compile(p, re.I | re.S) for p in data["decide_mandate"]),
        decide_not=tuple(re.compile(p, re.I | re.S) for p in data["decide_not_mandate"]),
        actor_stop=re.compile(data["actor_stop"], re.I),
        addressee_clause=re.compile(data["addressee_clause"], re.I) if data.get("addressee_clause") else None,
        preambular_leads=frozenset(_key(w, language) for w in data["preambular_leads"]),
        preambular_endings=tuple(data["preambular_endings"]),
        canonical={_key(v, language): v for v in leads},
        actor_prefixes=tuple(data.get("actor_prefixes", ())),
        insertion=re.compile(rf"[,،]\s*(?:{_alternation(data['insertions'], language)}){end}", re.I),
        action_object=re.compile(data["action_object"], re.I) if data.get("action_object") else None,
        action_object_after={_key(v, language): re.compile(p) for v, p in data.get("action_object_after", {}).items()},
        renewed=tuple((re.compile(p, re.I), verb) for p, verb in renewed.items()),
    )


def _renewed_pattern(phrase: str, language: str, adverbs: str, end: str) -> str:
    """A renewing lead with the adverbs that may follow its verb: "Reitera también su solicitud",
    "تكرر أيضا طلبها"."""
    first, _, rest = phrase.partition(" ")
    return rf"{_word_pattern(first, language)}(?:\s*,?\s*(?:{adverbs}){end})*\s+{_word_pattern(rest, language)}"


def _canonical(words: str, language: str) -> str:
    r = rules(language)
    for pattern, verb in r.renewed:
        if pattern.fullmatch(words):
            return verb
    return r.canonical.get(_key(words, language), _key(words, language))


def lexicon_lead(text: str, language: str) -> LexiconLead | None:
    """The lead of a paragraph in `language` ("Prie également le …" → prie), or None."""
    r = rules(language)
    m = r.lead.match(text)
    if not m:
        return None
    verb = _canonical(m.group("verb"), language)
    mandate = _key(verb, language) in r.mandate
    if mandate and verb_class(verb, language) == "decide":
        after = text[m.end():]
        mandate = any(p.search(after) for p in r.decide) and not any(p.search(after[:400]) for p in r.decide_not)
    return LexiconLead(verb, m.end(), mandate)


def verb_class(verb: str, language: str) -> str | None:
    """request | call | decide (| commit) for a mandate lead of `language`; None for another word."""
    if language not in LEXICON_LANGUAGES:
        return _classes(language).get(verb)
    return rules(language).classes.get(_key(verb, language))


@cache
def _classes(language: str) -> dict[str, str]:
    return dict(lang.verbs(language).get("verb_classes", {}))


@dataclass(frozen=True)
class FurtherLead:
    verb: str  # as listed
    start: int  # of the verb
    end: int  # after it (and its adverbs)
    pronoun: bool  # its object is a pronoun joined to it ("ويشجعها"): the addressee was named before


def further_leads(text: str, start: int, language: str) -> list[FurtherLead]:
    """Each further instruction after `start`: "…, et prie le …", "…، ويشجعها على …"."""
    return [FurtherLead(_canonical(m.group("verb"), language), m.start("verb"), m.end(),
                        bool(m.groupdict().get("pronoun")))
            for m in rules(language).secondary.finditer(text, start)]


def actor_words(after_verb: str, language: str, verb: str | None = None) -> str | None:
    """The addressee's words after the lead: up to where the instruction starts ("le Secrétaire général de
    continuer" → "le Secrétaire général"), or None when the instruction follows at once ("Décide de …") or
    the words name an action ("Recomienda que se elaboren planes", "توصي بوضع خطط")."""
    r = rules(language)
    text = after_verb.strip(" ,،")
    for prefix in rules(language).actor_prefixes:  # "يطلب أيضا إلى الأمانة": the preposition of the lead
        if text.startswith(prefix + " "):
            text = text[len(prefix) + 1:]
    thing = r.action_object_after.get(_key(verb, language)) if verb else None
    if (r.action_object and r.action_object.match(text)) or (thing and thing.match(text)):
        return None
    stop = r.actor_stop.search(" " + text)  # the space lets a stop word open the text ("de proroger …")
    clause = r.addressee_clause.match(" " + text, stop.start()) if stop and r.addressee_clause else None
    if clause:  # "a los Estados que aún no lo hayan hecho a que …": the relative clause is the addressee's
        stop = r.actor_stop.search(" " + text, clause.end())
    words = text[: max(0, stop.start() - 1)] if stop else text[:200]
    insertion = r.insertion.search(words)
    words = (words[: insertion.start()] if insertion else words).strip(" ,،")
    return words if words and len(words) <= 320 else None


def is_preambular(text: str, language: str) -> bool:
    """A preambular paragraph: it ends with a comma (or opens a list) and its first word is a participle
    or a listed preambular opener ("Rappelant", "Recordando", "Ссылаясь", "إذ تشير")."""
    text = text.strip()
    if not text.endswith((",", "،", ":", "؛")):
        return False
    first = re.match(r"[^\W\d_]+", text)
    if not first:
        return False
    word = _key(first.group(0), language)
    r = rules(language)
    if language == "ar" and word.startswith("و") and word[1:] in r.preambular_leads:
        return True
    return word in r.preambular_leads or (len(word) > 5 and word.endswith(r.preambular_endings))
