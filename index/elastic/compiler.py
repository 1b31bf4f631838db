"""The query AST (index.query) → Elasticsearch query DSL, plus the filter, facet and highlight
parts of a search request and the reading of their answers.

Only match / match_phrase / prefix clauses (never query_string), so user text is always a value,
never syntax. `parse_query` has already refused the shapes no backend can search.
"""

from __future__ import annotations

import html
import re
from typing import Any

from extractors.schema import FILTER_FIELDS
from index.base import QuerySyntaxError
from index.elastic.mapping import TEXT_CJK, TEXT_EN, TEXT_PLAIN
from index.fields import filter_value_of, has_han, squeeze_han_spaces
from index.highlight import MARK_CLOSE, MARK_OPEN, mark_from_engine
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
    if has_han(text):
        return {"match_phrase": {TEXT_CJK: {"query": text}}}
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


def highlight_spec() -> dict[str, Any]:
    whole = {"number_of_fragments": 0}
    return {
        # sentinels on the raw folded copy: index.highlight maps them onto the original and escapes
        "pre_tags": [MARK_OPEN], "post_tags": [MARK_CLOSE], "encoder": "default", "require_field_match": False,
        "fields": {TEXT_EN: whole, TEXT_CJK: whole, TEXT_PLAIN: whole},
    }


def pick_highlight(hit: dict[str, Any], text: str, leaves: list[Term | Phrase]) -> str:
    """The original `text`, escaped, marked where ES marked its folded copy."""
    fields = hit.get("highlight") or {}
    for name in (TEXT_CJK, TEXT_EN, TEXT_PLAIN):
        if fields.get(name):
            return mark_from_engine(text, fields[name][0], leaves)
    return html.escape(text)
