"""Plan bullets in French, Spanish, Russian and Arabic: the lead verb and addressee dropped, the task kept.

Real text: the bundled French UNEA resolution 6/1, and the operative lines of the UN Parallel Corpus sample
(../shared/corpus/un-parallel/un-parallel-sample.jsonl) read by the draft pipeline in each language.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from extractors.bullets import bullet_of
from extractors.operative_leads import english_lead
from extractors.paragraph_numbers import split_label
from extractors.pipeline import extract_draft, extract_path
from extractors.schema import Mandate
from tests.shared_corpus import UN_PARALLEL_SAMPLE

BUNDLED = Path(__file__).resolve().parents[2] / "corpus" / "bundled"
SAMPLE = UN_PARALLEL_SAMPLE


def test_french_6_1_bullets_are_the_tasks_not_the_paragraphs() -> None:
    mandates = extract_path(BUNDLED / "UNEP_EA.6_RES.1.json").mandates
    bullets = {m.paragraph: bullet_of(m) for m in mandates}
    assert bullets["1"].startswith("Intégrer, dans leurs stratégies nationales")  # not "… canne à sucre à intégrer"
    assert bullets["2"].startswith("Envisager et élaborer des initiatives de partenariat")  # the second "à" goes too
    assert bullets["3"].startswith("Contribuer à la mobilisation de moyens de mise en œuvre")
    # the partner named between addressee and task goes to the end, in brackets
    assert bullets["4"].startswith("Continuer à recueillir des informations et mener des analyses")
    assert bullets["4"].endswith("(en consultation avec les États Membres)")
    assert bullets["5"] == "Lui faire rapport, à sa septième session, sur l’application de la présente résolution"
    for m in mandates:
        assert len(bullets[m.paragraph]) < len(m.text) and not bullets[m.paragraph].lower().startswith(m.verb)


@cache
def _sample_rows() -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rows.setdefault(row["document"], []).append(row)
    return rows


def _sample_mandate(document: str, english_opening: str, language: str) -> Mandate:
    row = next(r for r in _sample_rows()[document] if r["en"].startswith(english_opening))
    found = extract_draft(row[language], language=language)
    assert found, (document, language)
    return found[0]


def _operative_rows() -> list[dict]:
    """Aligned lines whose English version is a numbered operative paragraph with a listed lead verb."""
    return [row for rows in _sample_rows().values() for row in rows if _is_operative(row["en"])]


def _is_operative(english: str) -> bool:
    label, body = split_label(english)
    return label is not None and label.kind == "number" and english_lead(body, strict=True) is not None


@pytest.mark.parametrize(
    ("document", "opening", "bullets"),
    [
        ("2015/a/69/687", "4. Requests the Secretary", {  # 4. Prie le Secrétaire général de continuer …
            "fr": "Continuer de s'efforcer à atténuer l'impact de l'Opération",
            "es": "Siga esforzándose por mitigar el impacto ambiental",
            "ru": "Продолжать прилагать усилия к смягчению экологических последствий",
            "ar": "يواصل بذل جهوده للتخفيف من الأثر البيئي",
        }),
        ("2015/e/icef/2015/l_4", "4. Encourages UNICEF", {  # Encourage l'UNICEF à mobiliser …
            "fr": "Mobiliser suffisamment de ressources",
            "es": "Movilizar recursos suficientes",
            "ru": "Мобилизовать ресурсы в объеме",
            "ar": "حشد موارد كافية",
        }),
        ("2015/a/69/765", "15. Urges", {  # Appelle instamment l'industrie … à investir …
            "fr": "Investir dans la recherche sur des traitements",
            "es": "Inviertan en la investigación de opciones de tratamiento",
            "ru": "Осуществлять инвестиции в научные исследования",
            "ar": "الاستثمار في خيارات العلاج",
        }),
    ],
)
def test_sample_bullets_drop_verb_and_addressee(document: str, opening: str, bullets: dict[str, str]) -> None:
    for language, expected in bullets.items():
        mandate = _sample_mandate(document, opening, language)
        assert bullet_of(mandate).startswith(expected), (language, bullet_of(mandate))


def test_russian_partner_phrase_goes_to_the_end() -> None:
    mandate = _sample_mandate("2015/e/icef/2015/l_4", "4. Encourages UNICEF", "ru")
    assert bullet_of(mandate).endswith("(в сотрудничестве с партнерами)")


@pytest.mark.parametrize("language", ["fr", "es", "ru", "ar"])
def test_sample_mandates_with_an_addressee_lose_their_lead_verb(language: str) -> None:
    """Every operative line of the sample: a mandate addressed to someone becomes its task. The only ones
    that keep their verb are clauses with the addressee as their subject ("Exige que tous les partis …
    travaillent", "Требует, чтобы …", "تطالب بأن يعمل …"), and the Arabic "نهيب بالحكومات … التعاون" (no marker
    to split at): 2 of 24 addressed mandates in French, 1 of 22 in Spanish, 2 of 23 in Russian, 2 of 22 in
    Arabic, measured on this sample."""
    addressed, kept = 0, []
    for row in _operative_rows():
        for m in extract_draft(row[language], language=language):
            if not m.actor_text:
                continue
            addressed += 1
            bullet = bullet_of(m)
            assert len(bullet) < len(m.text), bullet
            if bullet.lower().startswith(m.verb.lower()) or m.actor_text[:12].lower() in bullet.lower()[:60]:
                kept.append(bullet[:80])
    assert addressed >= 20 and len(kept) <= 2, kept
