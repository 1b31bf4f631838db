"""No dead ends: when the words of a query match nothing, offer spellings the index itself holds
(`plastik` → `plastic`) and the closest mandates by meaning in any language, labelled as such.

The vocabulary is read through the MandateIndex protocol (iter_mandates, or documents → mandates
past its cap), once per index state (the document list both backends keep until the index
changes), so it works the same on every backend.
"""

from __future__ import annotations

import difflib
import re
import threading

import numpy as np

from index.base import MandateIndex, SearchQuery, SearchResult
from index.query import MAX_QUERY_CHARS, parse_query, positive_leaves

_WORD = re.compile(r"[^\W\d_]{3,}")  # words of letters only; Chinese is matched by characters, not spelt
SUGGESTIONS = 3
RELATED = 5


# Mandates read for the vocabulary at most: reading every one cost 6.7 s at 100k mandates and
# ~65 s at 1M on the first query that found nothing; 10,000 took 0.5 s at 100k. Past the cap, whole documents spread evenly
# over the index are read (a word found only in the others is not offered as a spelling).
VOCABULARY_MANDATES = 10_000


class Vocabulary:
    """The lower-cased words of the indexed mandates (all of them up to VOCABULARY_MANDATES, an
    even spread of documents beyond), rebuilt when the index changes; with the closest words to
    each unknown word asked about, kept until then (a typo repeated costs a dict look-up)."""

    def __init__(self, cap: int = VOCABULARY_MANDATES) -> None:
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._words: list[str] = []
        self._letters = np.zeros((0, 26), dtype=np.int16)  # per word: how often each of a-z occurs
        self._lengths = np.zeros(0, dtype=np.int64)
        self._known: frozenset[str] = frozenset()
        self._closest: dict[tuple[str, int, float], list[str]] = {}
        self.cap = cap

    def words(self, index: MandateIndex) -> list[str]:
        return self._state(index)[0]

    def known(self, index: MandateIndex) -> frozenset[str]:
        return self._state(index)[3]

    def _state(self, index: MandateIndex) -> tuple[list[str], np.ndarray, np.ndarray, frozenset[str], dict]:
        """The words, their letter counts and lengths, the words as a set and the closest words
        found so far, of the index as it is now."""
        # both backends hand back the same document list until the index changes (a write by any
        # process, a re-index): cheaper than stats() per query, and it also sees a re-ingest that
        # kept the counts
        documents = index.list_documents()
        with self._lock:
            if self._stamp is None or self._stamp[0] != id(index) or self._stamp[1] is not documents:
                stamp = (id(index), documents)
                mandates = index.stats().mandates
                found: set[str] = set()
                if mandates <= self.cap:  # every mandate, in one pass (one scroll on Elasticsearch)
                    texts = (m.text for m in index.iter_mandates())
                else:  # an even spread of whole documents
                    step = -(-mandates // self.cap)  # ceil
                    texts = (m.text for d in documents[::step] for m in index.mandates_of(d.id))
                for read, text in enumerate(texts, start=1):
                    found.update(w.lower() for w in _WORD.findall(text) if w.isascii())
                    if read >= self.cap:
                        break
                words = sorted(found)  # ASCII letters only (_WORD, isascii): a-z once lower-cased
                self._letters = np.array([_letter_counts(w) for w in words], dtype=np.int16).reshape(-1, 26)
                self._lengths = np.array([len(w) for w in words], dtype=np.int64)
                self._words, self._stamp = words, stamp
                self._known, self._closest = frozenset(words), {}
            return self._words, self._letters, self._lengths, self._known, self._closest

    def close_matches(self, index: MandateIndex, word: str, n: int, cutoff: float) -> list[str]:
        """difflib.get_close_matches(word, vocabulary, n, cutoff), asking difflib only about the
        words whose letters could reach the cutoff (its quick_ratio bound, for every word at once
        in numpy): the same answer, without a Python comparison per vocabulary word."""
        words, letters, lengths, _, closest = self._state(index)
        key = (word, n, cutoff)
        found = closest.get(key)
        if found is None:
            shared = np.minimum(letters, np.array(_letter_counts(word), dtype=np.int16)).sum(axis=1)
            possible = 2.0 * shared >= cutoff * (lengths + len(word)) - 1e-9
            found = difflib.get_close_matches(word, [words[i] for i in np.flatnonzero(possible)], n=n, cutoff=cutoff)
            if len(closest) > 10_000:  # typos are unbounded; the vocabulary is not
                closest.clear()
            closest[key] = found
        return found


def _letter_counts(word: str) -> list[int]:
    counts = [0] * 26
    for char in word:
        if "a" <= char <= "z":
            counts[ord(char) - 97] += 1
    return counts


VOCABULARY = Vocabulary()


def spelling_suggestions(index: MandateIndex, query: SearchQuery, limit: int = SUGGESTIONS) -> list[str]:
    """Queries with each unknown word replaced by the closest indexed word, kept only if they find
    something under the same filters (`plastik` → `plastic`)."""
    try:
        leaves = positive_leaves(parse_query(query.q))
    except ValueError:
        return []
    asked = [word for leaf in leaves for word in _WORD.findall(leaf.text) if word.isascii()]
    if not asked:  # Chinese is matched by characters, not spelt: no need for the vocabulary
        return []
    known = VOCABULARY.known(index)
    out: list[str] = []
    for word in asked:
        lowered = word.lower()
        if lowered in known:
            continue
        for candidate in VOCABULARY.close_matches(index, lowered, n=limit, cutoff=0.75):
            suggestion = re.sub(rf"\b{re.escape(word)}\b", candidate, query.q, count=1)
            if suggestion in out or len(suggestion) > MAX_QUERY_CHARS:  # a suggestion must be a query one can send
                continue
            probe = query.model_copy(update={"q": suggestion, "mode": "keyword", "limit": 0, "offset": 0})
            if index.search(probe).total:
                out.append(suggestion)
    return out[:limit]


def closest_by_meaning(index: MandateIndex, query: SearchQuery, floor: float, limit: int = RELATED) -> SearchResult:
    """The mandates nearest the query's meaning (any language), above the relevance floor."""
    probe = query.model_copy(update={"mode": "semantic", "limit": limit, "offset": 0, "min_similarity": floor})
    return index.search(probe)
