"""What the extractor's rules read off a text: its addressee (actor) and whether it names partners.

The classifier takes these readings as input (models.classifiers.MandateClassifier.predict) instead
of running the rules again: a mandate carries the reading the extractor made of its own clause
(`reading_of`); a bare text (a draft read as a whole, training rows) is read here (`read_text`).
"""

from __future__ import annotations

from dataclasses import dataclass

from extractors import mandates as rules
from extractors.addressees import actor_for, actor_text_of
from extractors.schema import Mandate
from extractors.script import has_han


@dataclass(frozen=True)
class RuleReading:
    actor: str | None = None  # one of ACTORS, read off the text's own subject; None: no rule applies
    actor_text: str | None = None  # the addressee as written
    with_partners: bool = False


def subject_actor(text: str) -> tuple[str | None, str | None]:
    """(actor, actor_text) read off the text's own lead verb and subject."""
    text = text.strip()
    lead = rules.lead_of(text)
    if lead is None or not lead.mandate:  # "支持会员国…" (endorses / a bullet's own verb) names no addressee
        return None, None
    after = text[lead.end :]
    language = "zh" if has_han(text[:20]) else "en"
    actor_text = actor_text_of(after, language)
    return actor_for(actor_text, language), actor_text


def read_text(text: str) -> RuleReading:
    actor, actor_text = subject_actor(text)
    return RuleReading(actor=actor, actor_text=actor_text, with_partners=rules.with_partners(text))


def reading_of(mandate: Mandate) -> RuleReading:
    """The reading the extractor already made of this mandate's own clause (for a second mandate of
    a paragraph, the clause after its own verb, not the paragraph's lead)."""
    by_rule = mandate.actor_source == "rule"
    return RuleReading(
        actor=mandate.actor if by_rule else None,
        actor_text=mandate.actor_text,
        with_partners=mandate.with_partners,
    )
