"""What both backends share about a mandate's fields: the filter/facet values, the text hash
that keys stored vectors, the forms of the searched text, and the helpers of hybrid search.

Backends (index.sqlite, index.elastic) import from here, never from each other.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from extractors.language import tokenize_for_index
from extractors.mandates import own_words
from extractors.nfkc import fold
from extractors.schema import FILTER_FIELDS, Mandate
from extractors.script import HAN

RRF_K = 60  # reciprocal rank fusion constant (Cormack et al. 2009)
# The relevance floor of semantic and hybrid search: the cosine between a query's vector and a mandate's
# context vector (VECTOR_FORM below) that a hit must reach. Chosen on bench/bench_relevance.py's queries
# (bundled corpus): at 0.18, 11 of 14 off-topic queries in six languages ("football match results
# tonight", "banana bread recipe", …) find nothing, and 114 of the 120 topic queries keep their best
# on-topic mandate (0.20: the same 11, 112; 0.25: 14, 109). No cut separates the two: "天气预报"
# reaches 0.24 on the Global Environment Outlook, "lead paint" only 0.19 on the lead-paint bullets.
RELEVANCE_FLOOR = 0.18

# Han ideographs (extractors.script's class: CJK Unified + Extension A + Compatibility): text in these
# is matched by character n-grams, so 微塑料 matches whatever jieba made of the surrounding words.
# has_indexed_han below asks the same class as the n-gram and spacing patterns, so it leaves out the
# supplementary-plane ideographs that extractors.script.has_han also counts (two questions, two names).
_HAS_HAN = re.compile(f"[{HAN}]")
_LATIN_RUN = re.compile(f"[^\\W{HAN}]+")  # letters and digits that are not Han
_HAN_SPACES = re.compile(f"(?<=[{HAN}])\\s+(?=[{HAN}])")


def has_indexed_han(text: str) -> bool:
    """The text holds a Han ideograph of the class the index n-grams (HAN, the Basic Multilingual Plane)."""
    return bool(_HAS_HAN.search(text))


def is_single_han(text: str) -> bool:
    """One Han character and nothing else: a query that character n-grams alone cannot answer."""
    return len(text) == 1 and has_indexed_han(text)


def squeeze_han_spaces(text: str) -> str:
    """'空气 质量' in a quoted phrase means the contiguous 空气质量 in unsegmented Chinese text."""
    return _HAN_SPACES.sub("", text)


def filter_values(mandate: Mandate) -> dict[str, str | None]:
    """The string a filter/facet sees for each FILTER_FIELD of a mandate (None = no value)."""
    return {
        "resolution": mandate.resolution,
        "session": None if mandate.session is None else str(mandate.session),
        "actor": mandate.actor,
        "action_area": mandate.action_area,
        "language": mandate.language,
        "with_partners": "true" if mandate.with_partners else "false",
        "document": mandate.document,
    }


def filter_value_of(field: str, value: object) -> str:
    """A requested filter value in the form filter_values stores (with_partners: true/false)."""
    return str(value).lower() if field == "with_partners" else str(value)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def segment_for_index(text: str, language: str) -> str:
    """The word-segmented form of a mandate: Chinese via the extractors' jieba tokenizer (which
    folds), other languages the NFKC-folded text itself (so a highlighter's marks map back)."""
    folded = fold(text)
    if language != "zh" and not has_indexed_han(folded):
        return folded
    tokens: list[str] = []
    for token in tokenize_for_index(folded, "zh").split():
        tokens.append(token)
        if has_indexed_han(token):  # jieba keeps words such as 2030年议程 whole: their digits are words too
            tokens.extend(_LATIN_RUN.findall(token))
    return " ".join(tokens)


def plain_text(q: str) -> str:
    """What the embedder sees: the user's words without search syntax."""
    text = re.sub(r'["()*]', " ", q)
    text = re.sub(r"\b(AND|OR|NOT)\b", " ", text)
    return " ".join(text.split()) or q


def query_vector(embedder: Any, text: str, vector: Sequence[float] | None = None) -> np.ndarray:
    """The float32 vector a semantic ranking compares with: `vector` when the caller already has the
    text's embedding (e.g. classify, which embedded the draft's mandate for its classifier), else the
    embedding of `text` without search syntax."""
    if vector is None:
        return np.asarray(embedder.encode([plain_text(text.strip())]), dtype=np.float32)[0]
    given = np.asarray(vector, dtype=np.float32)
    if given.shape != (embedder.dim,):
        raise ValueError(f"a query vector has {given.size} values; this index's embedder gives {embedder.dim}")
    return given


# What a stored vector embeds: the mandate in its resolution's context (models/MODEL_CARD.md, "Search by
# meaning"). Many operative paragraphs never name their topic ("Requests the Executive Director to report
# … on the implementation of the present resolution"); their resolution's title does. A paragraph's vector
# is the normalised sum of the embedding of "title. own words" (a sub-item from its marker on: its chapeau
# is every sibling's, extractors.mandates.own_words) and, weighted by TITLE_WEIGHT, the title's own
# embedding. A table bullet (the seed's Annex II) is a few words, so "title. bullet" is already mostly
# its title: it gets no second title term (with one, the bullets outranked the English paragraphs of
# their own resolution on length alone: 0.70 of other-language queries reached an English paragraph of
# their topic, 0.87 without; bench/README.md, "Search by meaning, third step"). Part of each vector's
# key, so a re-index re-embeds rows made in another form.
VECTOR_FORM = "title-mix-3"
TITLE_WEIGHT = 0.5
# Semantic ranking reads a mandate with its resolution: rank score = (cosine + RESOLUTION_WEIGHT × the
# best cosine among the mandates of its resolution, whatever the query's filters) / (1 + RESOLUTION_WEIGHT). A legal officer asks
# for a topic, and a resolution's topic is every one of its mandates' topic; an Annex II bullet and the
# English paragraphs of the resolution it summarises share that evidence across languages. Chosen on
# bench/relevance/topics.json (semantic precision@10 0.786 → 0.821; 0.5: 0.806), checked on
# topics_aside.json. The relevance floor still applies to each mandate's own cosine.
RESOLUTION_WEIGHT = 1.0


def _title(mandate: Mandate) -> str:
    return (mandate.resolution_title or "").strip()


def passage_text(mandate: Mandate) -> str:
    """The text embedded for a mandate: its resolution's title, then its own words."""
    title = _title(mandate)
    words = own_words(mandate.text, mandate.paragraph)
    return f"{title}. {words}" if title else words


def vector_key(mandate: Mandate) -> str:
    """Keys a mandate's stored vector: same title, same text, same form → the same vector, reused."""
    return text_hash(f"{VECTOR_FORM}\x1f{mandate.resolution_title or ''}\x1f{mandate.text}")


def _title_weight(mandate: Mandate) -> float:
    return 0.0 if mandate.source.kind == "table" else TITLE_WEIGHT


def context_vectors(embedder: Any, mandates: Sequence[Mandate]) -> np.ndarray:
    """Float32, L2-normalised (n, dim) context vectors of `mandates` (see VECTOR_FORM): each distinct
    title is embedded once, and a mandate without a title is its text's embedding."""
    passages = np.asarray(embedder.encode([passage_text(m) for m in mandates]), dtype=np.float32)
    titles = sorted({_title(m) for m in mandates if _title_weight(m)} - {""})
    if titles:
        of_title = dict(zip(titles, np.asarray(embedder.encode(titles), dtype=np.float32), strict=True))
        for i, m in enumerate(mandates):
            if _title(m) and _title_weight(m):
                passages[i] += _title_weight(m) * of_title[_title(m)]
    norms = np.linalg.norm(passages, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (passages / norms).astype(np.float32, copy=False)


def embed_missing(
    embedder: Any, mandates: list[Mandate], hashes: list[str], known: dict[str, Any], encode_as: Callable[[np.ndarray], Any]
) -> list[Any]:
    """Vectors for `mandates` in order (`hashes`: their vector_key): `known` (key → stored vector)
    reused, the rest embedded once per distinct key (context_vectors) and stored through `encode_as`
    (each backend's own vector format)."""
    missing: dict[str, Mandate] = {}
    for h, m in zip(hashes, mandates, strict=True):
        if h not in known:
            missing.setdefault(h, m)
    if missing:
        keys = sorted(missing)
        encoded = context_vectors(embedder, [missing[k] for k in keys])
        for h, vec in zip(keys, encoded, strict=True):
            known[h] = encode_as(vec)
    return [known[h] for h in hashes]


def resolution_slots(groups: np.ndarray) -> np.ndarray:
    """Each row's resolution code as a slot for resolution_smoothed: -1 (no resolution) becomes a slot of the
    row's own, so such a row is read with itself alone. A backend computes it once per set of rows."""
    groups = np.asarray(groups, dtype=np.int64)
    slots = groups.copy()
    alone = np.flatnonzero(groups < 0)
    slots[alone] = (int(groups.max()) + 1 if len(groups) else 0) + np.arange(len(alone))
    return slots


def resolution_smoothed(similarities: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """Rank scores of semantic search (see RESOLUTION_WEIGHT) of every row: `similarities` (cosines) and
    `slots` (resolution_slots: each row's resolution) of the same rows, each resolution's best taken over
    them (the SQLite backend passes every mandate; Elasticsearch reads an unfiltered kNN list instead)."""
    sims = np.asarray(similarities, dtype=np.float32)
    if not len(sims) or RESOLUTION_WEIGHT == 0:
        return sims
    best = np.full(int(slots.max()) + 1, -np.inf, dtype=np.float32)
    np.maximum.at(best, slots, sims)
    out = best[slots]
    out *= RESOLUTION_WEIGHT
    out += sims
    out *= 1.0 / (1.0 + RESOLUTION_WEIGHT)
    return out


def vectors_name(embedder: Any) -> str:
    """How an index records what made its vectors: the encoder, the vector form, the dimensions."""
    return f"{embedder.name}+{VECTOR_FORM}/{embedder.dim}"


__all__ = [
    "FILTER_FIELDS",
    "HAN",
    "RELEVANCE_FLOOR",
    "RESOLUTION_WEIGHT",
    "RRF_K",
    "TITLE_WEIGHT",
    "VECTOR_FORM",
    "context_vectors",
    "embed_missing",
    "filter_value_of",
    "filter_values",
    "has_indexed_han",
    "is_single_han",
    "plain_text",
    "resolution_slots",
    "resolution_smoothed",
    "segment_for_index",
    "squeeze_han_spaces",
    "passage_text",
    "text_hash",
    "vector_key",
    "vectors_name",
]
