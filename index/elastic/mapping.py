"""The Elasticsearch index template: field names, analyzers and the mapping of a mandate."""

from __future__ import annotations

from typing import Any

from extractors.schema import FILTER_FIELDS

# Sub-fields of `text` (the NFKC-folded copy of the mandate text) that queries target.
TEXT_EN = "text.en"  # english analyzer (stemmed)
TEXT_PLAIN = "text.plain"  # standard analyzer, unstemmed: prefix queries
TEXT_CJK = "text.cjk"  # built-in cjk analyzer: character bigrams, like the SQLite grams column
TEXT_HAN = "text"  # standard analyzer: one token per Han character (a one-character query)
# Elasticsearch's built-in language analyzers (stemming, elision, Arabic normalisation) per stemmed UN language
TEXT_BY_LANGUAGE = {"fr": "text.fr", "es": "text.es", "ru": "text.ru", "ar": "text.ar"}
_ANALYZERS = {"fr": "french", "es": "spanish", "ru": "russian", "ar": "arabic"}


def _zh_analysis(zh_analyzer: str | None) -> tuple[dict[str, Any], str]:
    """Analysis settings and the analyzer name for `text_zh`."""
    analysis = {"analyzer": {"zh_whitespace": {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]}}}
    if zh_analyzer in ("smartcn", "ik_max_word", "ik_smart"):
        return analysis, zh_analyzer
    return analysis, "zh_whitespace"


def index_template(prefix: str, dim: int, zh_analyzer: str | None = None) -> dict[str, Any]:
    analysis, zh = _zh_analysis(zh_analyzer)
    keyword = {"type": "keyword"}
    return {
        "index_patterns": [f"{prefix}-v*"],
        "template": {
            "settings": {"number_of_shards": 1, "analysis": analysis},
            "mappings": {
                "dynamic": "strict",
                "properties": {
                    "kind": keyword,  # "mandate" | "document"
                    "id": keyword,
                    "source_file": keyword,
                    "symbol": keyword,
                    **{field: keyword for field in FILTER_FIELDS},
                    "text_hash": keyword,
                    "ordinal": {"type": "integer"},  # position in its document: mandates_of keeps order
                    "text": {
                        "type": "text",
                        "analyzer": "standard",
                        "fields": {
                            "en": {"type": "text", "analyzer": "english"},
                            "plain": {"type": "text", "analyzer": "standard"},
                            "cjk": {"type": "text", "analyzer": "cjk"},
                            **{code: {"type": "text", "analyzer": _ANALYZERS[code]} for code in TEXT_BY_LANGUAGE},
                        },
                    },
                    "text_zh": {"type": "text", "analyzer": zh},
                    "json": {"type": "object", "enabled": False},  # the Mandate / Document as stored
                    "vector": {"type": "dense_vector", "dims": dim, "index": True, "similarity": "cosine"},
                },
            },
        },
    }
