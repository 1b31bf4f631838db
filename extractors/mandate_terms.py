"""The terms of a mandate, read from its own clause: with partners, conditions, deadline.

Deadline patterns are language data (extractors/lang/<code>/deadlines.json): "at its eightieth session",
"by 2030", "在第七届会议上" are deadlines; a meeting cited as a past event ("decision 3/COP.12 adopted at the
twelfth meeting") is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors import lang
from extractors.script import has_han

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


@dataclass(frozen=True)
class _Deadlines:
    pattern: re.Pattern[str]
    history_before: re.Pattern[str] | None
    history_after: re.Pattern[str] | None


def _deadline_rules(code: str) -> _Deadlines:
    """extractors/lang/<code>/deadlines.json → one compiled pattern (+ the cues of a cited past event)."""
    data = lang.deadlines(code)
    fill = {"ordinal": f"(?:{'|'.join(data['ordinals']) or '(?!)'})", "month": f"(?:{'|'.join(data['months']) or '(?!)'})"}
    pattern = re.compile("|".join(p.replace("{ordinal}", fill["ordinal"]).replace("{month}", fill["month"])
                                  for p in data["patterns"]), re.I)
    before = re.compile(rf"\b(?:{'|'.join(data['history_before'])})\b[^,;:]{{0,80}}$", re.I) \
        if data["history_before"] else None
    after = re.compile(rf"^(?:{'|'.join(data['history_after'])})") if data["history_after"] else None
    return _Deadlines(pattern, before, after)


_DEADLINES = {code: _deadline_rules(code) for code in lang.languages()}


def with_partners(text: str) -> bool:
    return bool(_PARTNERS.search(text))


def conditions_in(text: str) -> list[str]:
    seen: list[str] = []
    for m in _CONDITIONS.finditer(text):
        found = m.group(0).strip()
        if found.lower() not in (s.lower() for s in seen):
            seen.append(found)
    return seen


def deadline_in(text: str, language: str | None = None) -> str | None:
    """When the mandate is due ("at its fifth session", "by 2030", "第七届会议上"); a meeting cited as a past
    event ("decision adopted at its 159th meeting") is history, not a deadline."""
    rules = _DEADLINES["zh" if has_han(text[:20]) else language if language in _DEADLINES else "en"]
    for m in rules.pattern.finditer(text):
        cited = m.group(0).lower().startswith(("at ", "à "))  # "by 2030", "before …" are never a past event
        if cited and rules.history_before and rules.history_before.search(text[max(0, m.start() - 80): m.start()]):
            continue
        if rules.history_after and rules.history_after.match(text[m.end():]):
            continue
        session = m.groupdict().get("session")
        return (session or m.group(0)).strip()
    return None
