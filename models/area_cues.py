"""Lexical cues to the action area, taken from the seed's own definitions of the five areas.

UNEP/EA.4/3 defines each area in one line (its table 1; our English translation is
models.training_data.AREA_DESCRIPTIONS_EN): knowledge = science, data, monitoring, assessment, research,
reporting; implementation = policy, regulation, enforcement, capacity-building, financing, incentives;
infrastructure = technology, innovation, circularity, sustainable consumption and production, resource
efficiency; awareness = outreach, communication, education, consumer information; leadership = mobilizing
stakeholders, leaders and partners. Each cue below is those words in Chinese and English, a 0/1 feature
the area head weights (not a rule: many bullets show several cues or none).

How they were chosen (see MODEL_CARD.md): written once from those definitions, before measuring, and not
edited after seeing cross-validation results; only their weight (1, 3 or 5) was picked on
cross-validation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

AREA_CUES: dict[str, str] = {
    "knowledge": r"数据|监测|评估|研究|报告|科学|指标|清单|\bdata\b|monitor|assess|research|report|scien|indicator"
    r"|inventor",
    "implementation": r"执行|实施|政策|法律|立法|监管|执法|能力建设|财政|资金|激励|implement|polic|legislat|regulat"
    r"|enforce|capacity|financ|incentive",
    "infrastructure": r"技术|创新|循环|可持续消费和生产|资源效率|清洁生产|基础设施|technolog|innovat|circular"
    r"|sustainable consumption|resource efficiency|cleaner production|infrastructure",
    "awareness": r"认识|宣传|教育|传播|外联|运动|消费者|公众|awareness|outreach|communicat|educat|campaign|consumer"
    r"|public",
    "leadership": r"伙伴关系|利益攸关方|领导|动员|合作|对话|论坛|倡议|partnership|stakeholder|leader|mobili|cooperat"
    r"|dialogue|forum|initiative",
}
_COMPILED = {name: re.compile(pattern, re.I) for name, pattern in AREA_CUES.items()}
AREA_CUE_NAMES: list[str] = list(AREA_CUES)


def area_cue_matrix(texts: Sequence[str]) -> np.ndarray:
    """(n, 5) 0/1 matrix: which area's words each text uses."""
    return np.array([[1.0 if _COMPILED[name].search(t) else 0.0 for name in AREA_CUE_NAMES] for t in texts],
                    dtype=np.float32).reshape(len(texts), len(AREA_CUE_NAMES))
