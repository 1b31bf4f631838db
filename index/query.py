"""User search syntax → a small AST (Term, Phrase, And, Or, Not), checked once here.

Syntax: words, "quoted phrases", AND / OR / NOT (upper case; adjacent terms mean AND),
prefix* and parentheses. Each backend compiles the AST itself (index.sqlite.compiler → FTS5
MATCH, index.elastic.compiler → an Elasticsearch bool query); `parse_query` has already refused
every shape no backend can search (NOT alone inside OR, an AND of only NOTs), so compilers do not
check again. Every user term reaches FTS5 as a double-quoted string and Elasticsearch as the value
of a match/match_phrase/prefix clause (never query_string), so user text can never inject syntax.

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

from extractors.nfkc import fold
from index.base import QuerySyntaxError

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


# What one query may cost, checked before any backend sees it: a parser that recursed without bound raised
# RecursionError (a 500) on 300 nested "(", and 263 OR-ed terms held a search node for seconds.
MAX_QUERY_CHARS = 2000
MAX_NESTING = 24  # parentheses and NOTs inside one another
MAX_TERMS = 64  # words and phrases
MAX_PREFIXES = 16  # words ending in '*' (each expands to many index terms)


class _Parser:
    def __init__(self, q: str):
        self.q = q
        self.tokens = _lex(q)
        self.i = 0
        self.depth = 0
        self.terms = self.prefixes = 0

    def _enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise QuerySyntaxError(f"the query nests parentheses or NOT more than {MAX_NESTING} deep "
                                   f"(at position {pos + 1}); write it flatter")

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
            self._enter(tok[2])
            node = Not(self.unary())
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        kind, text, pos = self.take()
        if kind == "LP":
            if (nxt := self.peek()) is not None and nxt[0] == "RP":
                raise QuerySyntaxError(f"empty parentheses at position {pos + 1}")
            self._enter(pos)
            node = self.or_expr()
            self.depth -= 1
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
        self._count(pos, prefix=kind == "WORD" and text.endswith("*"))
        if kind == "PHRASE":
            text = fold(text)
            if not re.search(r"\w", text):
                raise QuerySyntaxError(f"the quoted phrase at position {pos + 1} has no words in it")
            return Phrase(" ".join(text.split()))
        return self.word(fold(text), pos)

    def _count(self, pos: int, prefix: bool) -> None:
        self.terms += 1
        self.prefixes += prefix
        if self.terms > MAX_TERMS:
            raise QuerySyntaxError(f"the query has more than {MAX_TERMS} words and phrases (at position {pos + 1}); "
                                   "search for fewer at a time")
        if self.prefixes > MAX_PREFIXES:
            raise QuerySyntaxError(f"the query has more than {MAX_PREFIXES} prefix words ending in '*' "
                                   f"(at position {pos + 1})")

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
    if len(q) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"query is too long (at most {MAX_QUERY_CHARS} characters)")
    node = _normalise(_Parser(q).parse())
    if isinstance(node, Not):
        _check(node.child)  # "NOT x" alone: every mandate except those matching x
    elif node is not None:
        _check(node)
    return node


def _check(node: Node) -> None:
    """The one syntax check of shapes no backend can search (both compilers rely on it)."""
    if isinstance(node, Or):
        if any(isinstance(c, Not) for c in node.children):
            raise QuerySyntaxError("NOT cannot stand alone inside OR: write it as 'a NOT b' or '(a OR b) NOT c'")
        for child in node.children:
            _check(child)
    elif isinstance(node, And):
        if all(isinstance(c, Not) for c in node.children):
            raise QuerySyntaxError("a query needs at least one word that is not negated by NOT")
        for child in node.children:
            _check(child.child if isinstance(child, Not) else child)
    elif isinstance(node, Not):
        raise QuerySyntaxError("NOT must follow a positive term, e.g. 'plastic NOT marine'")


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
