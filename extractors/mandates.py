"""Operative paragraphs → mandates: lead verb, addressee (actor), partners, conditions, deadline.

All lead-verb lists live here (structure.py asks this module whether a paragraph opens like a
preambular or an operative one). The lists are the UN's general operative/preambular vocabulary
(UN editorial manual style), not words fitted to particular files; unknown 3rd-person verbs are
still recognised as operative leads by their shape and reported as skipped, never silently lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from extractors.schema import Document, Mandate, Paragraph, Resolution, SkippedItem, Source, mandate_id
from extractors.script import has_han

# --- Lead verbs (the one place) -----------------------------------------------------------

# English operative verbs that tell someone to act → a mandate.
MANDATE_VERBS_EN: frozenset[str] = frozenset({
    "requests", "urges", "invites", "encourages", "calls upon", "calls on", "calls for", "decides",
    "recommends", "instructs", "directs", "authorizes", "authorises", "appeals", "asks", "mandates",
    "entrusts", "tasks", "requires", "demands",
})
# English operative verbs that state, record or judge → operative but not a mandate.
NON_MANDATE_VERBS_EN: frozenset[str] = frozenset({
    "welcomes", "notes", "takes note", "recognizes", "recognises", "reaffirms", "expresses", "stresses",
    "acknowledges", "recalls", "underlines", "emphasizes", "emphasises", "affirms", "appreciates",
    "commends", "congratulates", "supports", "adopts", "approves", "endorses", "declares", "reiterates",
    "highlights", "underscores", "considers", "agrees", "concurs", "regrets", "deplores", "condemns",
    "thanks", "looks forward", "commits", "pledges", "resolves", "confirms", "proclaims", "trusts",
    "believes", "reflects", "establishes", "takes into account", "draws attention", "renews",
    "notes with appreciation", "accepts", "elects", "appoints", "extends", "observes", "reminds", "calls attention",
    "we", "re-emphasizes", "reconfirms", "salutes", "applauds", "honours", "pays", "bears in mind",
    "takes note with appreciation",
})
# Two-word leads: first word → second words that complete it.
_EN_PHRASES = {
    "calls": ("upon", "on", "for", "attention"),
    "takes": ("note", "into account"),
    "looks": ("forward",),
    "draws": ("attention",),
    "bears": ("in mind",),
}
# Adverbs that may precede the lead verb ("Also requests", "Further strongly urges").
_EN_ADVERBS = (
    "also", "further", "furthermore", "again", "once again", "moreover", "strongly", "firmly", "finally",
    "likewise", "hereby", "respectfully", "kindly", "warmly", "formally", "therefore", "accordingly",
    "in addition", "additionally", "urgently", "earnestly", "cordially", "solemnly", "deeply", "fully",
    "repeatedly", "similarly", "particularly", "especially", "now", "hence",
)
_EN_ADVERB_RE = re.compile(r"^(?:(?:" + "|".join(sorted(_EN_ADVERBS, key=len, reverse=True)) + r")\b[\s,]*)+", re.I)
# Preambular leads: participles (-ing, -ed) and a few predicative adjectives, after optional adverbs.
_PREAMBULAR_ADJECTIVES = frozenset({
    "aware", "mindful", "cognizant", "cognisant", "conscious", "desirous", "appreciative", "determined",
    "convinced", "concerned", "alarmed", "guided", "seized", "committed", "resolved", "keen", "anxious",
    "grateful", "fully", "bearing", "having", "in",
})
_PREAMBULAR_ADVERBS = re.compile(
    r"^(?:(?:also|further|deeply|gravely|seriously|profoundly|greatly|particularly|increasingly|highly|"
    r"acutely|strongly|fully|recalling|noting|reaffirming|once again|again|firmly|very|most|extremely|"
    r"further also|also further)\b\s*)+", re.I)

# Chinese operative leads. Order matters only for prefixes; matching tries longest first.
MANDATE_VERBS_ZH: frozenset[str] = frozenset({
    "请", "敦促", "促请", "吁请", "邀请", "鼓励", "呼吁", "决定", "建议", "要求", "责成", "授权", "指示",
    "号召", "请求", "恳请", "力促", "强烈敦促", "紧急呼吁",
})
NON_MANDATE_VERBS_ZH: frozenset[str] = frozenset({
    "欢迎", "注意到", "认识到", "重申", "表示", "强调", "确认", "赞赏", "核准", "通过", "回顾", "感谢",
    "赞扬", "承认", "申明", "同意", "支持", "认可", "宣布", "关切地注意到", "满意地注意到", "赞赏地注意到",
    "表示关切", "深表关切", "铭记", "考虑到", "意识到", "深信", "坚信", "期待", "着重指出", "指出",
    "祝贺", "赞同", "核可", "接受", "商定", "致谢", "重申其", "回顾其", "表示赞赏", "表示感谢",
})
_ZH_ADVERBS = re.compile(r"^(?:又|还|并|进一步|再次|同时|也|亦|另外|此外|另|再|最后|因此|还要|特别|强烈|紧急)+")
_ZH_PREAMBULAR = ("回顾", "注意到", "认识到", "欢迎", "关切地", "深为关切", "深感关切", "铭记", "考虑到",
                  "意识到", "重申", "确认", "强调", "承认", "深信", "坚信", "赞赏", "又回顾", "还回顾",
                  "忆及", "申明", "决心", "关切")


@dataclass(frozen=True)
class Lead:
    verb: str  # normalised lead verb: "requests", "calls upon", "请"
    end: int  # offset in the text just after the verb (and its adverbs)
    mandate: bool
    known: bool  # in one of the lists (False: recognised by shape only)


def _cjk(text: str) -> bool:
    return has_han(text[:20])


def english_lead(text: str, strict: bool = False) -> Lead | None:
    """The operative lead verb of an English paragraph ("Also requests …" → requests), or None.

    `strict`: only verbs of the lists (inside a subparagraph list, "Has the ability …" is an item)."""
    m = _EN_ADVERB_RE.match(text)
    start = m.end() if m else 0
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
        nxt in {"the", "that", "its", "all", "their", "upon", "further", "member", "governments", "itself"}
    ):
        return Lead(first, end, False, False)
    return None


def chinese_lead(text: str) -> Lead | None:
    m = _ZH_ADVERBS.match(text)
    start = m.end() if m else 0
    rest = text[start:]
    for verb in sorted(MANDATE_VERBS_ZH | NON_MANDATE_VERBS_ZH, key=len, reverse=True):
        if rest.startswith(verb):
            return Lead(verb, start + len(verb), verb in MANDATE_VERBS_ZH, True)
    return None


def lead_of(text: str) -> Lead | None:
    return chinese_lead(text) if _cjk(text) else english_lead(text)


def is_operative_lead(text: str, strict: bool = False) -> bool:
    """Does this (unnumbered) paragraph open like an operative one ("Requests …", "敦促…")?"""
    text = text.strip()
    if _cjk(text):
        return chinese_lead(text) is not None and not text.rstrip().endswith(("，", ","))
    if not text[:1].isupper():
        return False
    return english_lead(text, strict) is not None


def is_new_operative_paragraph(text: str) -> bool:
    """Inside a subparagraph list: does this item start a new paragraph (a listed operative verb)?"""
    return is_operative_lead(text, strict=True)


def is_preambular_lead(text: str) -> bool:
    """Does this paragraph open like a preambular one ("Recalling …,", "Deeply concerned …", "回顾…，")?"""
    text = text.strip()
    if _cjk(text):
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


# --- Actors -----------------------------------------------------------------------------------

# (pattern, actor). The addressee mentioned first in the actor text wins.
_ACTOR_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.I), actor)
    for p, actor in [
        (r"\bExecutive Director\b", "unep"),
        (r"\bUnited Nations Environment Programme\b|\bUNEP\b(?!-administered)|\bEnvironment Programme\b", "unep"),
        (r"^(?:the\s+)?secretariat\b(?!s? of)", "unep"),
        (r"\bSecretary-General\b|\bUnited Nations (?:system|bodies|body|agencies|entities|entity|organizations|"
         r"funds|programmes|specialized|regional|Development|Educational|Human Settlements|Children|"
         r"Statistical|Economic|Office|Conference|General Assembly)|\bgoverning bod(?:y|ies)\b|"
         r"\b(?:entities|bodies|agencies|organizations|funds|programmes|system) of the United Nations\b|"
         r"\bconferences? of the parties\b|\bsecretariats? of\b|\bWorld Health Organization\b|"
         r"\bFood and Agriculture Organization\b|\bWorld Meteorological Organization\b|"
         r"\bInternational Maritime Organization\b|\bspecialized agencies\b|\bregional commissions\b|"
         r"\b(?:WHO|FAO|UNDP|UNESCO|UNICEF|UN-Women|UN-Habitat|WMO|IMO|UNIDO|ILO|UNCTAD|IPBES|IPCC|GEF)\b|"
         r"\bGlobal Environment Facility\b|\bEconomic and Social Council\b|\bHigh-level Political Forum\b|"
         r"\bmultilateral environmental agreements\b|\bGeneral Assembly\b|\binternational organizations\b", "un_system"),
        (r"\bMember States\b|\bGovernments?\b|\bcountries\b|\bStates\b|\bparties\b|\bnational\b", "member_states"),
        (r"\bprivate sector\b|\bcivil society\b|\bindustry\b|\bindustries\b|\bstakeholders\b|\bacademia\b|"
         r"\bfinancial institutions\b|\bnon-governmental\b|\bbusiness(?:es)?\b|\bscientific community\b|"
         r"\bmanufacturers\b|\bdonors\b|\bphilanthropic\b|\bindigenous peoples\b|\blocal communities\b|"
         r"\bresearch institutions\b|\buniversities\b|\bpartners\b", "stakeholders"),
        # Chinese (no word boundaries)
        (r"执行主任|环境署|联合国环境规划署|环境规划署|^秘书处", "unep"),
        (r"会员国|成员国|各国政府|各国|国家政府|政府|缔约方", "member_states"),
        (r"秘书长|联合国系统|联合国各|各机构|专门机构|世界卫生组织|粮农组织|开发署|教科文组织|大会|理事机构|缔约方大会",
         "un_system"),
        (r"私营部门|民间社会|利益攸关方|利益相关方|学术界|金融机构|工业界|企业|非政府组织|捐助方", "stakeholders"),
    ]
]


def actor_for(actor_text: str | None) -> str | None:
    """Actor label of the addressee mentioned first in `actor_text`, or None when no rule applies."""
    if not actor_text:
        return None
    best: tuple[int, int, str] | None = None
    for order, (pattern, actor) in enumerate(_ACTOR_RULES):
        m = pattern.search(actor_text)
        if m and (best is None or (m.start(), order) < best[:2]):
            best = (m.start(), order, actor)
    return best[2] if best else None


# The addressee ends where the instruction starts ("… to assist"), or at a list/clause mark.
_EN_ACTOR_STOP = re.compile(r"\s+to\s*:|\s+to\s+(?!do so\b)|;|:|\.\s*$|\s+that\s+(?!have|has|are|is|were|was|wish|do|did)|"
                            r"\s+(?:shall|should|will|must|may|be|is|are|continue|consider|take)\s|"
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
    r"to the extent|no later|not later|bilaterally|regionally|nationally)\b", re.I)
_EN_INLINE_INSERTION = re.compile(
    r"\s+(?:in|within|through|with|at|upon|working|acting)\s+(?:close\s+|closer\s+|full\s+)?(?:cooperation|"
    r"collaboration|partnership|consultation|coordination|conjunction|liaison|the framework|the scope|"
    r"the context|available|existing|its|their|request|accordance|line|order)\b", re.I)
# An object that names an action rather than an addressee: "the establishment of …", "the participation of …"
_ACTION_NOUN = re.compile(r"^(?!those\b|all\b|each\b|any\b)(?:the\s+|a\s+|an\s+|their\s+|its\s+)?(?:[a-z-]+,?\s+){0,4}(?:[a-z-]+(?:tion|ment|ing|ance|ence|sion|ity|ure)s?|"
                          r"support|efforts|action|actions|need)(?:\s+(?:of|on|in|for|to|between|among|with|by|aimed)\b|$)")
_PRONOUNS = frozenset({"they", "it", "them", "those", "these", "this", "all", "everyone"})


_ZH_ACTOR_TERMS = sorted(
    ["联合国环境规划署执行主任", "环境署执行主任", "执行主任", "联合国环境规划署", "环境署", "秘书处", "会员国", "各会员国",
     "所有会员国", "成员国", "各国政府", "各国", "政府", "秘书长", "联合国系统", "联合国各机构", "各机构", "私营部门",
     "民间社会", "利益攸关方", "所有利益攸关方", "其他利益攸关方", "相关利益攸关方", "学术界", "金融机构", "工业界",
     "缔约方", "各缔约方", "国际组织", "有能力的会员国", "有能力的国家", "世界卫生组织", "粮农组织", "开发署"],
    key=len, reverse=True)
_ZH_JOINERS = ("、", "和", "以及", "及", "与")


def english_actor_text(after_verb: str) -> str | None:
    """Addressee after the lead verb: "the Executive Director, within …, to assist" → "the Executive Director"."""
    text = after_verb.strip()
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
    actor = actor.strip(" ,")
    if not actor or len(actor) > 200 or not re.search(r"[A-Za-z]", actor) or _ACTION_NOUN.match(actor) \
            or actor.lower() in _PRONOUNS:
        return None
    return actor


def chinese_actor_text(after_verb: str) -> str | None:
    text = after_verb.strip()
    out, pos = [], 0
    while True:
        for term in _ZH_ACTOR_TERMS:
            if text.startswith(term, pos):
                out.append(term)
                pos += len(term)
                break
        else:
            break
        for joiner in _ZH_JOINERS:
            if text.startswith(joiner, pos) and any(text.startswith(t, pos + len(joiner)) for t in _ZH_ACTOR_TERMS):
                out.append(joiner)
                pos += len(joiner)
                break
        else:
            break
    if out:
        return "".join(out)
    cut = re.search(r"[，,；;：:。]", text)
    head = text[: cut.start()] if cut else text
    return head if 0 < len(head) <= 12 else None


# --- Partners, conditions, deadlines ----------------------------------------------------------

_PARTNERS = re.compile(
    r"\bin (?:close |closer |full )?(?:cooperation|collaboration|partnership|consultation|coordination|"
    r"conjunction|liaison) with\b|\btogether with\b|\bjointly with\b|\bwith (?:all |relevant |other |its )*partners\b|"
    r"\bworking with\b|\bin partnership\b|与[^，。；]{1,40}?(?:合作|协作|协商|协调|伙伴)|同[^，。；]{1,40}?合作|会同|合作伙伴",
    re.I)
_CONDITIONS = re.compile(
    r"subject to (?:the )?availability of (?:\w+ )?(?:resources|funding|funds)|"
    r"within (?:the (?:scope|limits) of )?(?:available|existing) (?:\w+ )?resources|"
    r"within (?:the scope of )?(?:its|their|the) (?:existing |respective )?mandates?(?: of [A-Z][\w ]+?(?=,|;| to\b))?|"
    r"in accordance with (?:its|their) (?:respective )?mandates?|in line with (?:its|their) mandates?|"
    r"as appropriate|where appropriate|when appropriate|as necessary|where applicable|as applicable|as feasible|"
    r"upon request|on request|at their request|at the request of [^,;]+|"
    r"in accordance with national (?:legislation|circumstances|priorities|laws?)|"
    r"taking into account (?:different|differing|their|national) [^,;]*circumstances|"
    r"in line with national (?:priorities|circumstances)|according to national (?:circumstances|priorities)|"
    r"in a position to do so|"
    r"在(?:现有)?资源允许的情况下|在现有资源范围内|在可用资源范围内|视资源情况|酌情|根据(?:其)?任务授权|在其任务范围内|"
    r"在其任务授权范围内|应请求|应要求|视情况|根据国家情况|根据本国国情|在资金允许的情况下",
    re.I)
_ORDINAL = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|next|\d+(?:st|nd|rd|th))"
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_DEADLINE = re.compile(
    rf"\b(?:by|before|no later than|not later than|prior to|at|for consideration at|in time for)\s+"
    rf"(?:the end of\s+)?(?:its|their|the)\s+{_ORDINAL}(?:\s+\w+)?\s+(?:session|meeting)\b|"
    rf"\b(?:by|before|no later than|not later than|prior to)\s+(?:the end of\s+)?(?:\d{{1,2}}\s+)?(?:{_MONTHS}\s+)?\d{{4}}\b|"
    rf"\b(?:by|before)\s+the end of\s+(?:the\s+)?(?:year|biennium|decade)\b|"
    r"\d{4}\s*年(?:\d{1,2}\s*月)?(?:年底|底)?(?:之前|以前|前)|第[一二三四五六七八九十\d]+届会议(?:之前|以前|前|上)|下届会议(?:之前|上)?|"
    r"(?<=[向在于至])[^，。；、]{0,12}?(?P<session>第[一二三四五六七八九十\d]+届会议)",
    re.I)


def with_partners(text: str) -> bool:
    return bool(_PARTNERS.search(text))


def conditions_in(text: str) -> list[str]:
    seen: list[str] = []
    for m in _CONDITIONS.finditer(text):
        found = m.group(0).strip()
        if found.lower() not in (s.lower() for s in seen):
            seen.append(found)
    return seen


def deadline_in(text: str) -> str | None:
    m = _DEADLINE.search(text)
    if not m:
        return None
    return (m.group("session") or m.group(0)).strip()


# --- Paragraphs → mandates --------------------------------------------------------------------

# Inside a paragraph led by a non-mandate verb: "Recalls …, and urges all States …" still mandates.
_SECONDARY_EN = re.compile(
    r"(?:;|,)\s+(?:and\s+)?(?:(?:also|further|strongly)\s+)*(requests|urges|invites|encourages|calls upon|calls on|"
    r"recommends|instructs|authorizes|directs)\s+(?=\S)")
_SECONDARY_ZH = re.compile(r"[；;，,]\s*(?:并|又|还|同时)?(请|敦促|促请|吁请|邀请|鼓励|呼吁)")


def _decides_is_mandate(after_verb: str) -> bool:
    """"Decides to convene …" / "Decides that X shall …" are mandates; "Decides on …" is not."""
    rest = after_verb.strip()
    return bool(re.match(r"(?:also\s+)?to\s+\w", rest) or (
        rest.lower().startswith("that") and re.search(r"\b(?:shall|should|will|must|is to|are to)\b", rest[:400])))


def mandates_from_paragraphs(
    paragraphs: Iterable[Paragraph], resolution: Resolution, document: Document
) -> tuple[list[Mandate], list[SkippedItem]]:
    """One mandate per operative paragraph (or per subparagraph of a mandate lead), plus what was skipped."""
    ops = [p for p in paragraphs if p.kind == "operative" and p.number]
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
        where = f"{resolution.key} para. {p.number}"
        if language not in ("en", "zh"):
            skipped.append(SkippedItem(where=where, reason=f"language {language} is not yet supported", text=p.text))
            continue
        found = _mandate_lead(top.text)
        # a subparagraph may carry its own mandate under a non-mandate lead (rare): check it too
        if (not found or not found[1]) and len(chain) > 1:
            own = _mandate_lead(p.text)
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
        actor_text = _actor_text(actor_from, language)
        context = (document, resolution, p, language, text)
        mandates.append(_mandate(context, p.number, lead.verb, actor_text, text))
        # further instructions to other addressees in the same paragraph: "…; and invites Member States to …"
        own_text, start = (p.text, 0) if len(chain) > 1 else (top.text, lead.end)
        seen = {(actor_text or "").lower()}
        for k, (verb, clause, clause_actor) in enumerate(_further_mandates(own_text, start, language), start=2):
            if clause_actor is None or clause_actor.lower() in seen:
                continue
            seen.add(clause_actor.lower())
            mandates.append(_mandate(context, f"{p.number}#{k}", verb, clause_actor, clause))
    return mandates, skipped


def _is_fragment(after_verb: str, language: str) -> bool:
    """Nothing follows the addressee ("Requests to the Executive Director"): no instruction to index."""
    if language != "en":
        return False
    rest = re.sub(r"^\s*(?:to\s+)?", "", after_verb).strip()
    addressee = english_actor_text(" " + rest)
    return bool(addressee) and rest.rstrip(" ,") == addressee.strip()


def _mandate(context: tuple, locator: str, verb: str, actor_text: str | None, clause: str) -> Mandate:
    """A mandate of paragraph `p`; partners/conditions/deadline are read from `clause` (its own instruction)."""
    document, resolution, p, language, text = context
    actor = actor_for(actor_text)
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
        actor=actor,  # type: ignore[arg-type]
        actor_source="rule" if actor else None,
        with_partners=with_partners(clause),
        conditions=conditions_in(clause),
        deadline=deadline_in(clause),
        source=Source(kind="paragraph", page=p.page),
    )


def _further_mandates(text: str, start: int, language: str) -> list[tuple[str, str, str | None]]:
    """(verb, clause, actor text) of each further mandate clause after `start`."""
    pattern = _SECONDARY_ZH if language == "zh" else _SECONDARY_EN
    out = []
    for m in pattern.finditer(text, start):
        end = re.search(r"[;；。]|\.$", text[m.end():])
        clause = text[m.start(1): m.end() + (end.start() if end else len(text))]
        out.append((m.group(1), clause, _actor_text(text[m.end():], language)))
    return out


def _mandate_lead(text: str) -> tuple[Lead, bool, str] | None:
    """(lead, is it a mandate, text after the mandate verb) for a paragraph's text."""
    lead = lead_of(text)
    if lead is None:
        # "Encouraged by its universal membership, urges Member States …": an opening participle clause
        m = re.match(r"[A-Z][a-z]+(?:ed|ing)\b[^,;:]{0,200},\s+", text)
        inner = english_lead(text[m.end():]) if m else None
        if inner is None or m is None:
            return None
        lead = Lead(inner.verb, m.end() + inner.end, inner.mandate, inner.known)
    after = text[lead.end:]
    if lead.mandate:
        if lead.verb == "decides" and not _decides_is_mandate(after):
            return Lead(lead.verb, lead.end, False, True), False, after
        return lead, True, after
    pattern = _SECONDARY_ZH if _cjk(text) else _SECONDARY_EN
    m = pattern.search(text)
    if m:
        return Lead(m.group(1), m.end(), True, True), True, text[m.end():]
    return lead, False, after


def _actor_text(after_verb: str, language: str) -> str | None:
    return chinese_actor_text(after_verb) if language == "zh" else english_actor_text(after_verb)


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


def _joined_text(chain: list[Paragraph]) -> str:
    """Lead(s) + subparagraph, so the mandate reads alone: "Requests …: (a) supporting …"."""
    parts = [chain[0].text]
    for p in chain[1:]:
        label = p.number[p.number.rfind("(") :] if p.number else ""
        parts.append(f"{label} {p.text}".strip())
    return " ".join(parts)
