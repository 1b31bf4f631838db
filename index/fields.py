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
from extractors.nfkc import fold
from extractors.schema import FILTER_FIELDS, Mandate
from extractors.script import HAN

RRF_K = 60  # reciprocal rank fusion constant (Cormack et al. 2009)
# The relevance floor of semantic and hybrid search (cosine similarity of multilingual USE vectors),
# measured on the bundled corpus: off-topic queries ("football match results tonight", "quantum
# computing chips", "banana recipes") reach at most 0.22; the one mandate on lead paint (3/9, in
# Chinese) scores 0.257 for "lead paint", the marine-litter mandates 0.25–0.46 for "marine plastic litter".
RELEVANCE_FLOOR = 0.25

# Han ideographs (extractors.script's class: CJK Unified + Extension A + Compatibility): text in these
# is matched by character n-grams, so 微塑料 matches whatever jieba made of the surrounding words.
# has_han below asks the same class as the n-gram and spacing patterns, so it leaves out the
# supplementary-plane ideographs that extractors.script.has_han also counts.
_HAS_HAN = re.compile(f"[{HAN}]")
_LATIN_RUN = re.compile(f"[^\\W{HAN}]+")  # letters and digits that are not Han
_HAN_SPACES = re.compile(f"(?<=[{HAN}])\\s+(?=[{HAN}])")


def has_han(text: str) -> bool:
    return bool(_HAS_HAN.search(text))


def is_single_han(text: str) -> bool:
    """One Han character and nothing else: a query that character n-grams alone cannot answer."""
    return len(text) == 1 and has_han(text)


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
    if language != "zh" and not has_han(folded):
        return folded
    tokens: list[str] = []
    for token in tokenize_for_index(folded, "zh").split():
        tokens.append(token)
        if has_han(token):  # jieba keeps words such as 2030年议程 whole: their digits are words too
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


def embed_missing(
    embedder: Any, mandates: list[Mandate], hashes: list[str], known: dict[str, Any], encode_as: Callable[[np.ndarray], Any]
) -> list[Any]:
    """Vectors for `mandates` in order: `known` (text hash → stored vector) reused, the rest embedded
    once per distinct text and stored through `encode_as` (each backend's own vector format)."""
    missing = sorted({(h, m.text) for h, m in zip(hashes, mandates, strict=True) if h not in known})
    if missing:
        encoded = np.asarray(embedder.encode([t for _, t in missing]), dtype=np.float32)
        for (h, _), vec in zip(missing, encoded, strict=True):
            known[h] = encode_as(vec)
    return [known[h] for h in hashes]


__all__ = [
    "FILTER_FIELDS",
    "HAN",
    "RELEVANCE_FLOOR",
    "RRF_K",
    "embed_missing",
    "filter_value_of",
    "filter_values",
    "has_han",
    "is_single_han",
    "plain_text",
    "segment_for_index",
    "squeeze_han_spaces",
    "text_hash",
]
