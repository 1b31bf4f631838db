"""The human labels of the codes mandates carry (the page's English and Chinese words), so a
filter can be given as the page shows it (`actor=UNEP`, `actor=Member States`, `actor=会员国`) and a
CSV can show `Member States` beside `member_states`."""

from __future__ import annotations

from extractors.schema import ACTION_AREAS, ACTORS

LABELS: dict[str, dict[str, dict[str, str]]] = {
    "actor": {
        "en": {"unep": "UNEP", "member_states": "Member States", "un_system": "UN system", "stakeholders": "Stakeholders",
               "intergovernmental": "Intergovernmental bodies"},
        "zh": {"unep": "环境署", "member_states": "会员国", "un_system": "联合国系统", "stakeholders": "利益攸关方",
               "intergovernmental": "政府间机构"},
    },
    "action_area": {
        "en": {"knowledge": "Knowledge", "implementation": "Implementation", "infrastructure": "Infrastructure",
               "awareness": "Awareness", "leadership": "Leadership"},
        "zh": {"knowledge": "知识", "implementation": "执行", "infrastructure": "基础设施", "awareness": "认识",
               "leadership": "领导"},
    },
    "language": {
        "en": {"en": "English", "zh": "Chinese", "fr": "French", "es": "Spanish", "ru": "Russian", "ar": "Arabic"},
        "zh": {"en": "英文", "zh": "中文", "fr": "法文", "es": "西班牙文", "ru": "俄文", "ar": "阿拉伯文"},
    },
    "with_partners": {"en": {"true": "yes", "false": "no"}, "zh": {"true": "是", "false": "否"}},
    "source_kind": {"en": {"paragraph": "paragraph", "table": "mandate table row"}, "zh": {"paragraph": "段落", "table": "任务表行"}},
}  # fmt: skip
CLOSED_FIELDS = {"actor": ACTORS, "action_area": ACTION_AREAS}  # fields whose values are a fixed set


def label(field: str, code: str | None, language: str = "en") -> str:
    if code is None:
        return ""
    return LABELS.get(field, {}).get(language, {}).get(str(code), str(code))


def code_of(field: str, value: str) -> str | None:
    """The code a value names: the code itself or any of its labels, ignoring case; None if none."""
    wanted = " ".join(value.replace("_", " ").split()).casefold()
    for code in CLOSED_FIELDS.get(field, ()):
        names = {code.replace("_", " ")} | {labels[code] for labels in LABELS[field].values() if code in labels}
        if wanted in {n.casefold() for n in names}:
            return code
    return None
