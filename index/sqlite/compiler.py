"""The query AST (index.query) → FTS5 MATCH expressions over the `words`, `grams` and `chars`
columns (index.sqlite.schema).

`parse_query` has already refused the shapes FTS5 cannot express, so this only translates.
Every user term becomes a double-quoted FTS5 string, and the expression is bound as an SQL
parameter: user text can never inject FTS5 or SQL syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.language import stem_languages_for, tokenize_for_index
from extractors.nfkc import fold
from index.fields import HAN, has_indexed_han, is_single_han, squeeze_han_spaces
from index.query import And, Node, Not, Or, Phrase, Term, positive_leaves

_HAN_RUN = re.compile(f"[{HAN}]+")
_GRAM_RUNS = re.compile(f"[{HAN}]+|[^\\W{HAN}]+")
_HAN_CHAR = re.compile(f"[{HAN}]")
WORDS, GRAMS, CHARS = "words", "grams", "chars"


def cjk_grams(text: str) -> list[str]:
    """Han runs → overlapping character bigrams (a lone character stays a unigram); other words
    → lower-cased. Used for both the indexed `grams` column and the query, so they agree; the
    text is NFKC-folded first (２０３０ → 2030, CJK compatibility ideographs → unified ones)."""
    out: list[str] = []
    for run in _GRAM_RUNS.findall(fold(text)):
        if _HAN_RUN.fullmatch(run):
            if len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.append(run.lower())
    return out


def han_chars(text: str) -> list[str]:
    """Every Han character of the NFKC-folded text, in order: the indexed `chars` column."""
    return _HAN_CHAR.findall(fold(text))


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts_leaf(leaf: Term | Phrase) -> str:
    text = squeeze_han_spaces(leaf.text) if isinstance(leaf, Phrase) else leaf.text
    if is_single_han(text):  # bigrams miss a character that ends a run: 合作。 holds no 作 bigram
        return f"{CHARS} : {_fts_string(text)}"
    if has_indexed_han(text):
        return f"{GRAMS} : {_fts_string(' '.join(cjk_grams(text)))}"
    expr = f"{WORDS} : {_fts_string(text)}"
    if isinstance(leaf, Term) and leaf.prefix:
        return expr + " *"
    # the word's stems in the languages its script allows, against the stems of fr/es/ru/ar mandates
    stems = dict.fromkeys(tokenize_for_index(text, lang, stemmed=True) for lang in stem_languages_for(text))
    alternatives = [f"{GRAMS} : {_fts_string(s)}" for s in stems if s]
    return "(" + " OR ".join([expr, *alternatives]) + ")" if alternatives else expr


@dataclass(frozen=True)
class FtsQuery:
    """`match`: rows must match it (None = every row); `exclude`: rows matching it are dropped."""

    match: str | None
    exclude: str | None


def to_fts5(node: Node | None) -> FtsQuery:
    if node is None:
        return FtsQuery(None, None)
    if isinstance(node, Not):
        return FtsQuery(None, _fts(node.child))
    return FtsQuery(_fts(node), None)


def _fts(node: Node) -> str:
    if isinstance(node, Term | Phrase):
        return _fts_leaf(node)
    if isinstance(node, Or):
        return "(" + " OR ".join(_fts(c) for c in node.children) + ")"
    assert isinstance(node, And), "parse_query refuses a NOT that follows no positive term"
    pos = [c for c in node.children if not isinstance(c, Not)]
    neg = [c.child for c in node.children if isinstance(c, Not)]
    expr = "(" + " AND ".join(_fts(c) for c in pos) + ")"
    if neg:
        expr += " NOT (" + " OR ".join(_fts(c) for c in neg) + ")"
    return "(" + expr + ")"


def fts5_highlight_expr(node: Node | None) -> str | None:
    """An OR of every positive leaf: any row containing any wanted term gets it marked."""
    leaves = positive_leaves(node)
    if not leaves:
        return None
    return " OR ".join(_fts_leaf(leaf) for leaf in leaves)
