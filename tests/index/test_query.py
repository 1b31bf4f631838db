"""User query syntax: parsing, helpful errors, and compilation that cannot be injected."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.base import QuerySyntaxError
from index.elastic.compiler import to_elasticsearch
from index.query import And, Not, Or, Phrase, Term, parse_query
from index.sqlite.compiler import cjk_grams, to_fts5
from index.sqlite.schema import SCHEMA


def test_words_are_anded_and_operators_nest():
    assert parse_query("lead paint") == And((Term("lead"), Term("paint")))
    assert parse_query('"Executive Director" report') == And((Phrase("Executive Director"), Term("report")))
    assert parse_query("a OR b c") == Or((Term("a"), And((Term("b"), Term("c")))))
    assert parse_query("(a OR b) AND NOT c") == And((Or((Term("a"), Term("b"))), Not(Term("c"))))
    assert parse_query("monitor*") == Term("monitor", prefix=True)
    assert parse_query("NOT NOT a") == Term("a")
    assert parse_query("   ") is None


def test_lower_case_operators_are_words():
    assert parse_query("air and water") == And((Term("air"), Term("and"), Term("water")))


def test_terms_are_nfkc_folded_but_the_syntax_stays_ascii():
    assert parse_query("ｍｉｃｒｏｐｌａｓｔｉｃｓ ２０３０") == And((Term("microplastics"), Term("2030")))
    assert parse_query("ｍｉｃｒｏ＊") == Term("micro", prefix=True)  # a full-width * still means prefix
    assert parse_query('"Ｅｘｅｃｕｔｉｖｅ Ｄｉｒｅｃｔｏｒ"') == Phrase("Executive Director")
    # full-width brackets and quotes are text (the seed writes （…）), never grouping or an open quote
    assert parse_query("（减量、再用和循环）") == Term("(减量、再用和循环)")
    assert parse_query("＂微塑料") == Term('"微塑料')
    assert parse_query("air ＡＮＤ water") == And((Term("air"), Term("AND"), Term("water")))
    assert to_fts5(parse_query("ＡＮＤ")).match == 'words : "AND"'  # a quoted word, not the operator
    assert cjk_grams("微塑料，２０３０年") == cjk_grams("微塑料,2030年") == ["微塑", "塑料", "2030", "年"]


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ('"microplastics', "unbalanced quote"),
        ("(plastic", "never closed"),
        ("plastic)", "unmatched ')'"),
        ("plastic AND", "ends with 'AND'"),
        ("OR plastic", "needs a search term on both sides"),
        ("()", "empty parentheses"),
        ("*", "no letters or digits"),
        ("pla*stic", "only allowed at the end"),
        ('""', "no words"),
    ],
)
def test_malformed_queries_say_what_is_wrong(q, message):
    with pytest.raises(QuerySyntaxError, match=re.escape(message)):
        parse_query(q)


def test_not_alone_inside_or_is_refused_with_a_rewrite_hint():
    with pytest.raises(QuerySyntaxError, match="a NOT b"):
        parse_query("plastic OR NOT marine")  # the one syntax check is the parser's


def test_chinese_terms_become_bigram_phrases():
    assert cjk_grams("空气质量") == ["空气", "气质", "质量"]
    assert cjk_grams("铅") == ["铅"]
    assert cjk_grams("SDG 6 水质") == ["sdg", "6", "水质"]
    assert to_fts5(parse_query("微塑料")).match == 'grams : "微塑 塑料"'
    assert to_fts5(parse_query('"空气 质量"')).match == 'grams : "空气 气质 质量"'
    assert to_fts5(parse_query("NOT 铅")).exclude == 'chars : "铅"'  # one character: the unigram column


def test_every_user_term_reaches_fts5_quoted():
    fts = to_fts5(parse_query('words:x NEAR(a b) "c""d" e^2'))
    terms = ["words:x", "NEAR", "a", "b", "c", "d", "e^2"]
    assert fts.match == "((" + " AND ".join(f'words : "{t}"' for t in terms) + "))"


def test_elasticsearch_query_uses_only_structured_clauses():
    query = to_elasticsearch(parse_query('("Executive Director" OR 执行主任) monitor* NOT 铅'))
    text = json.dumps(query, ensure_ascii=False)
    assert "query_string" not in text and "simple_query_string" not in text
    must = query["bool"]["must"]
    assert must[0]["bool"]["should"][0] == {"match_phrase": {"text.en": {"query": "Executive Director"}}}
    assert must[0]["bool"]["should"][1] == {"match_phrase": {"text.cjk": {"query": "执行主任"}}}
    assert must[1] == {"prefix": {"text.plain": {"value": "monitor"}}}
    assert query["bool"]["must_not"] == [{"match": {"text": {"query": "铅"}}}]  # one character: unigrams
    assert to_elasticsearch(None) == {"match_all": {}}


_fts_db = sqlite3.connect(":memory:")
_fts_db.executescript(SCHEMA)  # the product's own FTS5 table
_fts_db.execute("INSERT INTO mandate_fts VALUES ('plastic litter', '微塑 塑料', '微 塑 料')")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab 微塑"()*:^-+\'ANDORNT{}\\;')), max_size=30))
def test_any_input_either_compiles_to_valid_fts5_or_is_a_query_error(q):
    """Property: no input reaches FTS5 as syntax it rejects (that would be a 500, or an injection)."""
    try:
        fts = to_fts5(parse_query(q))
    except QuerySyntaxError:
        return
    for expr in (fts.match, fts.exclude):
        if expr is not None:
            _fts_db.execute("SELECT count(*) FROM mandate_fts WHERE mandate_fts MATCH ?", (expr,)).fetchone()


def test_a_word_without_letters_is_refused_with_its_position():
    with pytest.raises(QuerySyntaxError, match="'&' at position 5 has no letters or digits"):
        parse_query("air & water")


def test_control_characters_are_word_breaks():
    assert parse_query("pla\x00stic") == And((Term("pla"), Term("stic")))
    assert to_fts5(parse_query('"marine\nlitter"')).match == 'words : "marine litter"'
