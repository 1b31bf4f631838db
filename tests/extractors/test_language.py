"""Language detection and Chinese segmentation on real corpus text (seed UNEP/EA.4/3, registry JSON)."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import jieba
import pytest

from extractors.language import (
    UN_LANGUAGES,
    UN_TERMS_DICT,
    detect_language,
    ensure_jieba,
    segment_zh,
    tokenize_for_index,
)
from tests.shared_corpus import UN_PARALLEL_SAMPLE

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "corpus" / "bundled" / "UNEP_EA.4_3.zh.txt"
REGISTRY = sorted((REPO / "corpus" / "bundled").glob("UNEP_EA.*.json"))

# Terms the brief names; the test checks against the seed which of them jieba splits by default.
BRIEF_TERMS = [
    "环境署", "执行主任", "会员国", "化管方针", "水俣公约", "微塑料", "废铅酸电池", "含铅涂料",
    "海洋垃圾", "多边环境协定", "可持续发展目标", "环境大会", "利益攸关方", "巴塞尔公约",
]  # fmt: skip


@pytest.fixture(scope="module")
def seed_paragraphs() -> list[str]:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if re.match(r"^\d{1,3}\.\s", ln.strip()) and "\t" not in ln]


@pytest.fixture(scope="module")
def english_paragraphs() -> list[str]:
    out = []
    for path in REGISTRY[:12]:
        for item in json.loads(path.read_text(encoding="utf-8")):
            text = " ".join(item["text"].split())
            if len(text) > 120:
                out.append(text)
    return out


@pytest.fixture(scope="module")
def plain_jieba() -> jieba.Tokenizer:
    """A separate jieba tokenizer with only jieba's own dictionary (the "before")."""
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


def dictionary_terms() -> list[str]:
    return [
        line.split()[0] for line in UN_TERMS_DICT.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def test_the_language_list_comes_from_schema():
    from extractors import schema

    assert UN_LANGUAGES is schema.UN_LANGUAGES and not hasattr(schema, "SUPPORTED_LANGUAGES")


def test_seed_paragraphs_are_chinese(seed_paragraphs):
    assert len(seed_paragraphs) > 50
    assert {detect_language(p) for p in seed_paragraphs} == {"zh"}


def test_registry_paragraphs_are_english(english_paragraphs):
    assert len(english_paragraphs) > 100
    results = [detect_language(p) for p in english_paragraphs]
    assert results.count("en") == len(results)


def test_mixed_paragraph_follows_its_main_language(seed_paragraphs, english_paragraphs):
    # a Chinese paragraph quoting an English phrase stays Chinese, and the other way round
    zh, en = seed_paragraphs[0], english_paragraphs[0]
    assert detect_language(f"{zh} ({en[:60]})") == "zh"
    assert detect_language(f"{en} ({zh[:4]})") == "en"


def test_other_scripts_and_latin_un_languages():
    assert detect_language("Просит Директора-исполнителя Программы представить доклад") == "ru"
    assert detect_language("يطلب إلى المدير التنفيذي لبرنامج الأمم المتحدة للبيئة") == "ar"
    assert (
        detect_language(
            "Prie la Directrice exécutive d'aider les pays en développement à réduire la pollution"
        )
        == "fr"
    )
    assert (
        detect_language("Solicita a la Directora Ejecutiva que preste apoyo a los países en desarrollo")
        == "es"
    )


def test_short_or_empty_text_is_undetermined():
    for text in ("", "   ", "7.", "(a)", "OK", "3/7"):
        assert detect_language(text) == "und"


def test_detection_is_deterministic(english_paragraphs):
    short = [" ".join(p.split()[:4]) for p in english_paragraphs[:30]]
    first = [detect_language(t) for t in short]
    assert [detect_language(t) for t in short] == first


def test_dictionary_keeps_un_terms_whole_where_jieba_splits_them(seed_paragraphs, plain_jieba):
    text = "\n".join(seed_paragraphs)
    present = [t for t in BRIEF_TERMS if t in text]
    assert len(present) >= 10
    with_dict = set(segment_zh(text))
    without_dict = set(plain_jieba.lcut(text))
    split_by_default = [t for t in present if t not in without_dict]
    # jieba alone cuts many of them (化管/方针, 微/塑料, 利益/攸关/方, 可/持续/发展/目标 …)
    assert {"化管方针", "微塑料", "利益攸关方", "可持续发展目标"} <= set(split_by_default)
    assert len(split_by_default) >= 8
    # with the dictionary every one stays whole (or inside a longer dictionary term)
    long_terms = set(dictionary_terms())
    for term in present:
        assert term in with_dict or any(term in t for t in with_dict & long_terms), term


def test_same_sentence_with_and_without_dictionary(seed_paragraphs, plain_jieba):
    sentence = next(p for p in seed_paragraphs if "化管方针" in p)
    before, after = plain_jieba.lcut(sentence), segment_zh(sentence)
    assert "化管方针" not in before and "化管方针" in after
    assert "".join(t for t in before if t.strip()) == "".join(after)  # nothing lost, only cut differently


def test_index_tokens_include_search_mode_sub_words(seed_paragraphs):
    paragraph = next(p for p in seed_paragraphs if "可持续发展目标" in p)
    tokens = set(tokenize_for_index(paragraph, "zh").split())
    assert "可持续发展目标" in tokens
    # a query for a sub-word of a long term still finds the paragraph
    for query in ("可持续发展目标", "可持续", "发展", "目标"):
        assert set(tokenize_for_index(query, "zh").split()) <= tokens, query
    assert not tokens & {"，", "。", "、", "（", "）"}


def test_english_index_tokens_are_lowercased_words(english_paragraphs):
    text = english_paragraphs[0]
    tokens = tokenize_for_index(text, "en").split()
    assert tokens == [t.lower() for t in re.findall(r"[^\W_]+", text)]


def test_ensure_jieba_is_thread_safe(seed_paragraphs):
    results: list[list[str]] = []
    errors: list[Exception] = []

    def work() -> None:
        try:
            ensure_jieba()
            results.append(segment_zh(seed_paragraphs[3]))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 4 and all(r == results[0] for r in results)


def test_function_word_shortcut_answers_as_langdetect_on_the_un_parallel_sample():
    # Latin texts decided by their function words alone skip langdetect; on the UN Parallel
    # sample's English, French and Spanish lines (every third) the answer must be langdetect's
    from extractors.language import _decided_by_function_words, _langdetect_probabilities

    rows = [json.loads(line) for line in UN_PARALLEL_SAMPLE.read_text(encoding="utf-8").splitlines()[::3]]
    decided = 0
    for row in rows:
        for code in ("en", "fr", "es"):
            found = _decided_by_function_words(row[code])
            if found is None:
                continue
            decided += 1
            probabilities = _langdetect_probabilities(row[code])
            best = max(("en", "fr", "es"), key=lambda lang: probabilities.get(lang, 0.0))
            assert (found, probabilities[best] >= 0.5) == (best, True), row[code]
    assert decided > len(rows)  # the shortcut decides most of these lines
