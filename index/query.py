"""User search syntax → a small AST → an FTS5 MATCH expression or an Elasticsearch query.

Syntax: words, "quoted phrases", AND / OR / NOT (upper case; adjacent terms mean AND),
prefix* and parentheses. Every user term reaches FTS5 as a double-quoted string and reaches
Elasticsearch as the value of a match/match_phrase/prefix clause (never query_string), so user
text can never inject FTS5 or ES syntax; SQL always binds the compiled expression as a parameter.

Search terms are NFKC-folded (extractors.nfkc) like the indexed text, so ｍｉｃｒｏｐｌａｓｔｉｃｓ,
２０３０ or ＰＣＢ find microplastics, 2030 and PCB. The syntax itself stays ASCII: full-width
（ ） and ＂ are text to search for, not grouping or quoting (common in Chinese text; a stray one
must not become a syntax error), and ＡＮＤ is the word "and"; a trailing full-width ＊ is a prefix.

Hand-written rather than a parser library: the grammar is five rules and its error messages must
speak to legal officers, not to grammar authors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from extractors.nfkc import fold
from index.base import QuerySyntaxError

# Han ideographs (CJK Unified + Extension A + Compatibility): text in these is matched by
# character bigrams, so 微塑料 matches whatever jieba made of the surrounding words.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"[{_HAN}]+")
_HAS_HAN = re.compile(f"[{_HAN}]")
_GRAM_RUNS = re.compile(f"[{_HAN}]+|[^\\W{_HAN}]+")
_OPERATORS = {"AND", "OR", "NOT"}


# --- AST ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Term | Phrase | And | Or | Not


def has_han(text: str) -> bool:
    return bool(_HAS_HAN.search(text))


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


def _squeeze_han_spaces(text: str) -> str:
    """'空气 质量' in a quoted phrase means the contiguous 空气质量 in unsegmented Chinese text."""
    return re.sub(f"(?<=[{_HAN}])\\s+(?=[{_HAN}])", "", text)


# --- Lexer and parser ---------------------------------------------------------------------

_TOKEN = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<quote>")|(?P<word>[^\s()"]+))')


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _lex(q: str) -> list[tuple[str, str, int]]:
    """Tokens of the query. A word with no letter or digit ("&", "–", "';") is refused later with
    its position (tests/index/test_hostile_queries.py relies on that), not silently dropped."""
    q = _CONTROL.sub(" ", q)  # a NUL or newline pasted into a word is a word break, never syntax
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(q):
        if q[pos:].strip() == "":
            break
        m = _TOKEN.match(q, pos)
        if m is None:  # pragma: no cover - the pattern accepts any non-space character
            raise QuerySyntaxError(f"unexpected character at position {pos + 1}")
        start = m.start(m.lastgroup) if m.lastgroup else pos
        if m.group("lp"):
            tokens.append(("LP", "(", start))
            pos = m.end()
        elif m.group("rp"):
            tokens.append(("RP", ")", start))
            pos = m.end()
        elif m.group("quote"):
            end = q.find('"', m.end())
            if end < 0:
                raise QuerySyntaxError(
                    f'unbalanced quote: the phrase opened at position {start + 1} is never closed '
                    '(add a closing " or remove the opening one)'
                )
            tokens.append(("PHRASE", q[m.end() : end], start))
            pos = end + 1
        else:
            word = m.group("word")
            kind = word if word in _OPERATORS else "WORD"
            tokens.append((kind, word, start))
            pos = m.end()
    return tokens


class _Parser:
    def __init__(self, q: str):
        self.q = q
        self.tokens = _lex(q)
        self.i = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node | None:
        if not self.tokens:
            return None
        node = self.or_expr()
        tok = self.peek()
        if tok is not None:
            if tok[0] == "RP":
                raise QuerySyntaxError(f"unmatched ')' at position {tok[2] + 1}")
            raise QuerySyntaxError(f"unexpected {tok[1]!r} at position {tok[2] + 1}")  # pragma: no cover
        return node

    def or_expr(self) -> Node:
        children = [self.and_expr()]
        while (tok := self.peek()) is not None and tok[0] == "OR":
            self.take()
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_expr(self) -> Node:
        children = [self.unary()]
        while (tok := self.peek()) is not None and tok[0] not in ("OR", "RP"):
            if tok[0] == "AND":
                self.take()
            children.append(self.unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def unary(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise QuerySyntaxError(self._dangling())
        if tok[0] == "NOT":
            self.take()
            return Not(self.unary())
        return self.primary()

    def primary(self) -> Node:
        kind, text, pos = self.take()
        if kind == "LP":
            if (nxt := self.peek()) is not None and nxt[0] == "RP":
                raise QuerySyntaxError(f"empty parentheses at position {pos + 1}")
            node = self.or_expr()
            closing = self.peek()
            if closing is None or closing[0] != "RP":
                raise QuerySyntaxError(f"the '(' at position {pos + 1} is never closed: add a ')'")
            self.take()
            return node
        if kind == "RP":
            raise QuerySyntaxError(f"unmatched ')' at position {pos + 1}")
        if kind in ("AND", "OR"):
            raise QuerySyntaxError(
                f"{kind} at position {pos + 1} needs a search term on both sides "
                f'(to search for the word itself, quote it: "{kind.lower()}")'
            )
        if kind == "PHRASE":
            text = fold(text)
            if not re.search(r"\w", text):
                raise QuerySyntaxError(f"the quoted phrase at position {pos + 1} has no words in it")
            return Phrase(" ".join(text.split()))
        return self.word(fold(text), pos)

    def word(self, text: str, pos: int) -> Term:
        prefix = text.endswith("*")
        stem = text.rstrip("*")
        if "*" in stem:
            raise QuerySyntaxError(f"'*' is only allowed at the end of a word (position {pos + 1})")
        if not re.search(r"\w", stem):
            raise QuerySyntaxError(
                f"{text!r} at position {pos + 1} has no letters or digits to search for"
                + (" (a prefix needs at least one character before '*')" if prefix else "")
            )
        return Term(stem, prefix=prefix)

    def _dangling(self) -> str:
        last = self.tokens[-1]
        return f"the query ends with {last[1]!r}: add a search term after it"


def parse_query(q: str) -> Node | None:
    """Parse user search text; None for an empty query (browse). Raises QuerySyntaxError."""
    if len(q) > 2000:
        raise QuerySyntaxError("query is too long (at most 2000 characters)")
    return _normalise(_Parser(q).parse())


def _normalise(node: Node | None) -> Node | None:
    if isinstance(node, Not) and isinstance(node.child, Not):
        return _normalise(node.child.child)
    if isinstance(node, Not):
        return Not(_normalise(node.child))  # type: ignore[arg-type]
    if isinstance(node, And | Or):
        flat: list[Node] = []
        for child in node.children:
            child = _normalise(child)  # type: ignore[assignment]
            flat.extend(child.children if type(child) is type(node) else (child,))  # type: ignore[union-attr]
        return type(node)(tuple(flat))
    return node


def positive_leaves(node: Node | None) -> list[Term | Phrase]:
    """Terms and phrases the user wants to find (not those under NOT): what highlighting marks."""
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, Term | Phrase):
        return [node]
    return [leaf for child in node.children for leaf in positive_leaves(child)]


# --- FTS5 ---------------------------------------------------------------------------------


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts_leaf(leaf: Term | Phrase, words_column: str, grams_column: str) -> str:
    text = _squeeze_han_spaces(leaf.text) if isinstance(leaf, Phrase) else leaf.text
    if has_han(text):
        grams = cjk_grams(text)
        expr = f"{grams_column} : {_fts_string(' '.join(grams))}"
        # a lone Han character is matched as the first half of any bigram
        return expr + " *" if len(grams) == 1 and len(grams[0]) == 1 else expr
    expr = f"{words_column} : {_fts_string(text)}"
    return expr + " *" if isinstance(leaf, Term) and leaf.prefix else expr


@dataclass(frozen=True)
class FtsQuery:
    """`match`: rows must match it (None = every row); `exclude`: rows matching it are dropped."""

    match: str | None
    exclude: str | None


def to_fts5(node: Node | None, words_column: str = "words", grams_column: str = "grams") -> FtsQuery:
    if node is None:
        return FtsQuery(None, None)
    if isinstance(node, Not):
        return FtsQuery(None, _fts(node.child, words_column, grams_column))
    return FtsQuery(_fts(node, words_column, grams_column), None)


def _fts(node: Node, wc: str, gc: str) -> str:
    if isinstance(node, Term | Phrase):
        return _fts_leaf(node, wc, gc)
    if isinstance(node, Or):
        if any(isinstance(c, Not) for c in node.children):
            raise QuerySyntaxError("NOT cannot stand alone inside OR: write it as 'a NOT b' or '(a OR b) NOT c'")
        return "(" + " OR ".join(_fts(c, wc, gc) for c in node.children) + ")"
    if isinstance(node, And):
        pos = [c for c in node.children if not isinstance(c, Not)]
        neg = [c.child for c in node.children if isinstance(c, Not)]
        if not pos:
            raise QuerySyntaxError("a query needs at least one word that is not negated by NOT")
        expr = "(" + " AND ".join(_fts(c, wc, gc) for c in pos) + ")"
        if neg:
            expr += " NOT (" + " OR ".join(_fts(c, wc, gc) for c in neg) + ")"
        return "(" + expr + ")"
    raise QuerySyntaxError("NOT must follow a positive term, e.g. 'plastic NOT marine'")


def fts5_highlight_expr(node: Node | None, words_column: str = "words", grams_column: str = "grams") -> str | None:
    """An OR of every positive leaf: any row containing any wanted term gets it marked."""
    leaves = positive_leaves(node)
    if not leaves:
        return None
    return " OR ".join(_fts_leaf(leaf, words_column, grams_column) for leaf in leaves)


# --- Elasticsearch --------------------------------------------------------------------------

# Field names of the Elasticsearch mapping (index.elastic): original text with sub-fields.
ES_TEXT_EN = "text.en"  # english analyzer (stemmed)
ES_TEXT_PLAIN = "text.plain"  # standard analyzer, unstemmed: prefix queries
ES_TEXT_CJK = "text.cjk"  # built-in cjk analyzer: character bigrams, like the SQLite grams column
ES_TEXT_ZH = "text_zh"  # jieba-segmented (or smartcn/IK) Chinese


def to_elasticsearch(node: Node | None) -> dict[str, Any]:
    """The AST as an ES bool query (match / match_phrase / prefix only — never query_string)."""
    if node is None:
        return {"match_all": {}}
    if isinstance(node, Not):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [_es(node.child)]}}
    return _es(node)


def _es_leaf(leaf: Term | Phrase) -> dict[str, Any]:
    text = _squeeze_han_spaces(leaf.text) if isinstance(leaf, Phrase) else leaf.text
    if has_han(text):
        return {"match_phrase": {ES_TEXT_CJK: {"query": text}}}
    if isinstance(leaf, Phrase):
        return {"match_phrase": {ES_TEXT_EN: {"query": text}}}
    if leaf.prefix:
        words = re.findall(r"\w+", text.lower())
        if len(words) == 1:
            return {"prefix": {ES_TEXT_PLAIN: {"value": words[0]}}}
        return {"match_phrase_prefix": {ES_TEXT_PLAIN: {"query": " ".join(words)}}}
    # a word with inner punctuation (co-operation, EA.4) is analysed into a phrase, as in FTS5
    return {"match_phrase": {ES_TEXT_EN: {"query": text}}}


def _es(node: Node) -> dict[str, Any]:
    if isinstance(node, Term | Phrase):
        return _es_leaf(node)
    if isinstance(node, Or):
        if any(isinstance(c, Not) for c in node.children):
            raise QuerySyntaxError("NOT cannot stand alone inside OR: write it as 'a NOT b' or '(a OR b) NOT c'")
        return {"bool": {"should": [_es(c) for c in node.children], "minimum_should_match": 1}}
    if isinstance(node, And):
        pos = [_es(c) for c in node.children if not isinstance(c, Not)]
        neg = [_es(c.child) for c in node.children if isinstance(c, Not)]
        if not pos:
            raise QuerySyntaxError("a query needs at least one word that is not negated by NOT")
        clause: dict[str, Any] = {"must": pos}
        if neg:
            clause["must_not"] = neg
        return {"bool": clause}
    raise QuerySyntaxError("NOT must follow a positive term, e.g. 'plastic NOT marine'")


def validate(q: str) -> Node | None:
    """Parse and check the query compiles (both targets reject the same shapes)."""
    node = parse_query(q)
    to_fts5(node)
    return node
