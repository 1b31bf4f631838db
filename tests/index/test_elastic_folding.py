"""The Elasticsearch backend's own pieces of NFKC folding, without a server (the contract suite in
test_elastic.py runs the searches when ELASTICSEARCH_URL is set): the document it indexes holds
the folded copy beside the original, the highlighter is asked for sentinels on that copy, and a
highlight answer in that form comes back as the original text, escaped and marked."""

from __future__ import annotations

import html
import re

from extractors.nfkc import fold
from index.elastic import ElasticMandateIndex
from index.elastic.compiler import highlight_spec, pick_highlight, to_elasticsearch
from index.elastic.mapping import TEXT_EN, TEXT_PLAIN
from index.highlight import MARK_CLOSE, MARK_OPEN
from index.query import parse_query, positive_leaves
from tests.index.embedding import shared_test_embedder
from tests.index.real_mandates import full_corpus


def _wide(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _builder() -> ElasticMandateIndex:
    # a builder on one physical index talks to the server only when it reads or writes
    return ElasticMandateIndex(url="http://unused.invalid:9200", prefix="unit", physical="unit-v1",
                               client=object(), embedder=shared_test_embedder())


def _variant():  # type: ignore[no-untyped-def]
    """A real English mandate with its 'microplastics' composed in full-width letters."""
    mandate = next(m for _, ms in full_corpus()[1:] for m in ms if "microplastics" in m.text)
    return mandate.model_copy(update={"text": mandate.text.replace("microplastics", _wide("microplastics"))})


def test_indexed_text_is_the_folded_copy_and_json_keeps_the_original() -> None:
    variant = _variant()
    source = _builder()._mandate_source(variant, [0.0], 0)
    assert source["text"] == fold(variant.text) and "microplastics" in source["text"]
    assert source["json"]["text"] == variant.text
    seed = full_corpus()[0][1][0]
    zh = _builder()._mandate_source(seed, [0.0], 0)
    assert "（" not in zh["text"] and "，" not in zh["text_zh"]  # full-width punctuation folded


def test_queries_reach_elasticsearch_folded() -> None:
    assert to_elasticsearch(parse_query(_wide("microplastics"))) == {"match_phrase": {TEXT_EN: {"query": "microplastics"}}}
    assert to_elasticsearch(parse_query("ｍｉｃｒｏ＊")) == {"prefix": {TEXT_PLAIN: {"value": "micro"}}}


def test_highlight_spec_asks_for_raw_sentinels() -> None:
    spec = highlight_spec()
    assert spec["pre_tags"] == [MARK_OPEN] and spec["post_tags"] == [MARK_CLOSE] and spec["encoder"] == "default"
    # Elasticsearch's unified highlighter marks a phrase as ONE match only in its weight-matches
    # mode, which it switches off when require_field_match is false (CustomUnifiedHighlighter);
    # the noida-db stand-in marks whole phrases either way, so only this assertion guards it.
    assert spec["require_field_match"] is True


def test_marks_of_every_searched_field_are_united() -> None:
    text = "Requests the Executive Director to report on microplastics."
    en = text.replace("Executive Director", MARK_OPEN + "Executive Director" + MARK_CLOSE)
    plain = text.replace("microplastics", MARK_OPEN + "microplastics" + MARK_CLOSE)
    hit = {"highlight": {TEXT_EN: [en], TEXT_PLAIN: [plain]}}
    leaves = positive_leaves(parse_query('"Executive Director" microplast*'))
    assert pick_highlight(hit, text, leaves) == (
        "Requests the <mark>Executive Director</mark> to report on <mark>microplastics</mark>.")


def test_a_highlight_of_the_folded_copy_marks_the_original() -> None:
    variant = _variant()
    copy = _builder()._mandate_source(variant, [0.0], 0)["text"]
    # the highlighter's answer: the indexed copy, matched words between the sentinels
    answer = re.sub(r"\bmicroplastics\b", MARK_OPEN + "microplastics" + MARK_CLOSE, copy)
    hit = {"highlight": {TEXT_EN: [answer]}}
    leaves = positive_leaves(parse_query("microplastics"))
    highlight = pick_highlight(hit, variant.text, leaves)
    assert html.unescape(re.sub(r"</?mark>", "", highlight)) == variant.text
    assert re.findall(r"<mark>(.*?)</mark>", highlight) == [_wide("microplastics")] * variant.text.count(_wide("microplastics"))
    assert pick_highlight({}, variant.text, leaves) == html.escape(variant.text)
