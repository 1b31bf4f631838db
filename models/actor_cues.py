"""Grammatical cues to *who* carries out a subject-less instruction (a table bullet, a draft fragment).

A bullet such as "支持各国填补数据缺口" has no subject, so its actor must be read from what is asked.
UN drafting follows a few stable conventions, written here as binary features that the actor head
weights (they are not hard rules and never override a subject the text itself names):
- supporting / assisting / working with countries is what an international body does for them
  ("支持会员国…", "assist developing countries…") → the doer is UNEP, not the countries;
- anything naming UNEP's own bodies, programmes or reports (环境署, Executive Director, secretariat,
  Global Environment Outlook) and reporting back to the Assembly is the secretariat's work;
- national laws, strategies, action plans and standards, "本国/国内", "their own" are the Member States';
- ratifying / implementing a convention, investing and financing are typically asked of States;
- assessments, guidelines, outlooks to prepare or publish are typically asked of the secretariat;
- leading "鼓励/促进/encourage", "相互合作/cooperate" and "继续/continue" mark the tone of an
  instruction without naming its doer; the model decides which way they point.

How they were chosen (see MODEL_CARD.md): written once from these conventions and the examples in the
project's issue, before measuring, and not edited after seeing cross-validation results. The only
choice made on cross-validation was their weight (1 vs 3, both in the card's table).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

ACTOR_CUES: dict[str, str] = {
    "supports_countries": r"(支持|协助|帮助|援助|支助|协同|与)(各国|会员国|发展中国家|国家|各国政府|各区域)"
    r"|\b(support|assist|help)\w*\s+(member states|countries|governments|developing countries)",
    "names_unep": r"环境署|联合国环境规划署|执行主任|秘书处|全球环境展望|\bUNEP\b|Executive Director|secretariat"
    r"|Environment Programme",
    "reports_back": r"(向|提交).{0,20}(环境大会|大会|常驻代表委员会)|报告|\breport\w*\b|Environment Assembly"
    r"|Committee of Permanent Representatives",
    "national_instrument": r"(国家|本国|国内|其).{0,6}(法律|立法|战略|行动计划|政策|标准|框架|计划)"
    r"|national (law|legislation|strateg|action plan|polic|standard|framework)|domestic",
    "own_country": r"本国|国内|各自|their own|within their|in their countries",
    "encourages_others": r"^(鼓励|促进|推动)|^(encourage|promote)",
    "cooperates": r"^(相互)?合作|^(cooperate|collaborate)|相互",
    "assessment_or_guidance": r"评估|^(编写|编制|发表|更新|制定).{0,10}(报告|展望|评估|指南|准则)|assessment|guidelines"
    r"|(prepare|publish|update) .{0,30}(report|outlook)",
    "treaty_implementation": r"(执行|实施|批准|加入).{0,10}(公约|协定|议定书)"
    r"|(ratify|implement|accede).{0,20}(convention|agreement|protocol)",
    "finance": r"投资|财政|资金|invest|financ|funding",
    "continues": r"^继续|^continue",
}
_COMPILED = {name: re.compile(pattern, re.I) for name, pattern in ACTOR_CUES.items()}
CUE_NAMES: list[str] = list(ACTOR_CUES)


def cue_matrix(texts: Sequence[str]) -> np.ndarray:
    """(n, len(CUE_NAMES)) 0/1 matrix: which cue each text shows."""
    return np.array([[1.0 if _COMPILED[name].search(t.strip()) else 0.0 for name in CUE_NAMES] for t in texts],
                    dtype=np.float32).reshape(len(texts), len(CUE_NAMES))
