"""The query AST (index.query) → Elasticsearch query DSL, plus the filter, facet and highlight
parts of a search request and the reading of their answers.

Only match / match_phrase / prefix clauses (never query_string), so user text is always a value,
never syntax. `parse_query` has already refused the shapes no backend can search.
"""

from __future__ import annotations

import re
from typing import Any

from extractors.language import stem_languages_for
from extractors.schema import FILTER_FIELDS
from index.base import QuerySyntaxError
from index.elastic.mapping import TEXT_BY_LANGUAGE, TEXT_CJK, TEXT_EN, TEXT_HAN, TEXT_PLAIN
from index.fields import filter_value_of, has_indexed_han, is_single_han, squeeze_han_spaces
from index.highlight import MARK_CLOSE, MARK_OPEN, mark_from_engines, mark_original
from index.query import And, Node, Not, Or, Phrase, Term

FACET_SIZE = 1000


def to_elasticsearch(node: Node | None) -> dict[str, Any]:
    """The AST as an ES bool query (match / match_phrase / prefix only — never query_string)."""
    if node is None:
        return {"match_all": {}}
    if isinstance(node, Not):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [_es(node.child)]}}
    return _es(node)


def leaf_query(leaf: Term | Phrase) -> dict[str, Any]:
    text = squeeze_han_spaces(leaf.text) if isinstance(leaf, Phrase) else leaf.text
    if is_single_han(text):
        # cjk_bigram emits no unigram inside a run of Han characters (含铅涂料 → 含铅 铅涂 涂料), so
        # one character is looked up in `text`, whose standard analyzer keeps every Han character
        return {"match": {TEXT_HAN: {"query": text}}}
    if has_indexed_han(text):
        return {"match_phrase": {TEXT_CJK: {"query": text}}}
    stemmed = stem_languages_for(text)
    if stemmed and not (isinstance(leaf, Term) and leaf.prefix):
        # French, Spanish, Russian, Arabic words: their language analyzers' stems too ("océans" → océan)
        return {"bool": {"should": [{"match_phrase": {TEXT_EN: {"query": text}}},
                                    *({"match_phrase": {TEXT_BY_LANGUAGE[code]: {"query": text}}} for code in stemmed)],
                         "minimum_should_match": 1}}
    if isinstance(leaf, Phrase):
        return {"match_phrase": {TEXT_EN: {"query": text}}}
    if leaf.prefix:
        words = re.findall(r"\w+", text.lower())
        if len(words) == 1:
            return {"prefix": {TEXT_PLAIN: {"value": words[0]}}}
        return {"match_phrase_prefix": {TEXT_PLAIN: {"query": " ".join(words)}}}
    # a word with inner punctuation (co-operation, EA.4) is analysed into a phrase, as in FTS5
    return {"match_phrase": {TEXT_EN: {"query": text}}}


def _es(node: Node) -> dict[str, Any]:
    if isinstance(node, Term | Phrase):
        return leaf_query(node)
    if isinstance(node, Or):
        return {"bool": {"should": [_es(c) for c in node.children], "minimum_should_match": 1}}
    assert isinstance(node, And), "parse_query refuses a NOT that follows no positive term"
    clause: dict[str, Any] = {"must": [_es(c) for c in node.children if not isinstance(c, Not)]}
    neg = [_es(c.child) for c in node.children if isinstance(c, Not)]
    if neg:
        clause["must_not"] = neg
    return {"bool": clause}


# --- filters, facets, highlights --------------------------------------------------------------


def filter_clauses(filters: dict[str, list[str]], skip: str | None = None) -> list[dict[str, Any]]:
    clauses = []
    for field, values in filters.items():
        if field not in FILTER_FIELDS:
            raise QuerySyntaxError(f"unknown filter {field!r}: filter on one of {', '.join(FILTER_FIELDS)}")
        if field != skip and values:
            clauses.append({"terms": {field: [filter_value_of(field, v) for v in values]}})
    return clauses


def facet_aggs(filters: dict[str, list[str]]) -> dict[str, Any]:
    """One filter+terms aggregation per field: under the OTHER fields' filters (the main
    filters go in post_filter), so a field's own filter leaves its alternatives counted."""
    return {
        field: {
            "filter": {"bool": {"filter": filter_clauses(filters, skip=field)}},
            "aggs": {"values": {"terms": {"field": field, "size": FACET_SIZE}}},
        }
        for field in FILTER_FIELDS
    }


def counts(buckets: list[dict[str, Any]]) -> dict[str, int]:
    """terms buckets → value → count, by count descending then value."""
    return {str(b["key"]): b["doc_count"] for b in sorted(buckets, key=lambda b: (-b["doc_count"], str(b["key"])))}


def read_facets(aggs: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {field: counts(aggs[field]["values"]["buckets"]) for field in FILTER_FIELDS}


HIGHLIGHTED = (TEXT_EN, TEXT_PLAIN, TEXT_CJK, TEXT_HAN, *TEXT_BY_LANGUAGE.values())


def highlight_spec() -> dict[str, Any]:
    """Each sub-field marks the clauses that searched it (require_field_match, Elasticsearch's
    default): only then does the unified highlighter mark a phrase as one match (its
    weight-matches mode is switched off when require_field_match is false, and
    "Executive Director" would come back as two marks)."""
    whole = {"number_of_fragments": 0}
    return {
        # sentinels on the raw folded copy: index.highlight maps them onto the original and escapes
        "pre_tags": [MARK_OPEN], "post_tags": [MARK_CLOSE], "encoder": "default", "require_field_match": True,
        "fields": {name: whole for name in HIGHLIGHTED},
    }


def pick_highlight(hit: dict[str, Any], text: str, leaves: list[Term | Phrase]) -> str:
    """The original `text`, escaped, with marks.

    Text with Han characters is marked from the wanted terms themselves (index.highlight.
    mark_original), as the SQLite backend does: Elasticsearch marks tokens, and its cjk tokens
    leave out the punctuation inside a term (（减量、再用和循环） would lose its brackets).
    Other text: the union of what each sub-field marked on the folded copy.
    """
    if has_indexed_han(text):
        return mark_original(text, leaves)
    fields = hit.get("highlight") or {}
    return mark_from_engines(text, [fields[name][0] for name in HIGHLIGHTED if fields.get(name)], leaves)
