"""Service settings, read from the environment once (pydantic-settings), then passed down as arguments.

UNEA_MANDATES_HOME      where the embedded index, stored originals and vector cache live (default ./data;
                        set but empty counts as unset)
UNEA_MANDATES_BACKEND   sqlite (default) | elasticsearch
ELASTICSEARCH_URL       e.g. http://elasticsearch:9200 (elasticsearch backend only)
ELASTICSEARCH_API_KEY   optional
UNEA_MANDATES_ES_PREFIX         Elasticsearch alias / index name prefix (default mandates)
UNEA_MANDATES_ES_ZH_ANALYZER    optional Chinese analyzer installed in Elasticsearch (e.g. smartcn)
UNEA_MANDATES_TOKEN     maintainer token for writes; unset or blank → writes are refused
UNEA_MANDATES_MAX_UPLOAD_BYTES   upload size limit (default 20 MiB)
UNEA_MANDATES_MAX_PDF_PAGES      an uploaded PDF's page limit (default 500; a 5,000-page PDF cost a minute of CPU
                        while every other write waited)
UNEA_MANDATES_MAX_TEXT_CHARS     /v1/classify text limit (default 100 000 characters)
UNEA_MANDATES_EXPORT_CAP         most hits one export returns (default 10 000)
UNEA_MANDATES_COMPUTE_THREADS    numpy/BLAS threads per server process (default: the machine's cores divided
                        by `serve --workers`, which sets it; 1 per worker on a 2-core machine with 2 workers)
UNEA_MANDATES_MODEL     classifier weights directory (`unea-mandates train --out DIR`; default: the shipped
                        models/weights, or the home's promoted release); `classify --model DIR` overrides it
UNEA_MANDATES_RETRAIN_AFTER      retrain in the background after this many new corrections (default 25; 0: only
                        on demand, POST /v1/model/retrain)
UNEA_MANDATES_RETRAIN_TOLERANCE  a retrained release is promoted when no held-fold macro-F1 falls more than this
                        below the serving release's (default 0.01)

Nothing below service/ reads these variables: the index, the store and the embedder get paths and
URLs from here.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_HOME = Path("data")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="UNEA_MANDATES_", frozen=True, populate_by_name=True, extra="ignore"
    )

    home: Path = DEFAULT_HOME
    backend: str = "sqlite"
    elasticsearch_url: str | None = Field(None, validation_alias=AliasChoices("ELASTICSEARCH_URL", "elasticsearch_url"))
    elasticsearch_api_key: str | None = Field(
        None, validation_alias=AliasChoices("ELASTICSEARCH_API_KEY", "elasticsearch_api_key"), repr=False
    )
    es_prefix: str = "mandates"
    es_zh_analyzer: str | None = None
    token: str | None = Field(None, repr=False)
    max_upload_bytes: int = Field(20 * 1024 * 1024, gt=0)
    max_pdf_pages: int = Field(500, gt=0)
    max_text_chars: int = Field(100_000, gt=0)
    export_cap: int = Field(10_000, gt=0)
    model: Path | None = None  # classifier weights directory; None: the home's promoted release, else the shipped weights
    retrain_after: int = Field(25, ge=0)
    retrain_tolerance: float = Field(0.01, ge=0.0, le=1.0)
    compute_threads: int | None = Field(None, gt=0)  # BLAS threads per process; None: the library's default
    # Load jieba, the classifier and the index at start-up (the server); tests turn it off.
    preload: bool = True

    @field_validator("home", mode="before")
    @classmethod
    def _blank_home_is_default(cls, value: object) -> object:
        # UNEA_MANDATES_HOME= (set but empty) must not put the index in the working directory
        return DEFAULT_HOME if value is None or (isinstance(value, str) and not value.strip()) else value

    @field_validator("backend", mode="before")
    @classmethod
    def _backend_name(cls, value: object) -> object:
        return (value.strip().lower() or "sqlite") if isinstance(value, str) else value

    @field_validator("elasticsearch_url", "elasticsearch_api_key", "es_zh_analyzer", "token", "model",
                     mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # An empty token means "not configured": writes stay refused.
        return (value.strip() or None) if isinstance(value, str) else value

    @field_validator("es_prefix", mode="before")
    @classmethod
    def _blank_prefix_is_default(cls, value: object) -> object:
        return (value.strip() or "mandates") if isinstance(value, str) else value

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """The environment, read now; `overrides` win (tests, the CLI's options). A bad value is a
        ValueError naming its variable."""
        try:
            return cls(**overrides)  # type: ignore[arg-type]
        except ValidationError as exc:
            problems = [f"{_variable(err['loc'])}: {err['msg']} (got {err.get('input')!r})" for err in exc.errors()]
            raise ValueError("; ".join(problems)) from None

    @property
    def writes_enabled(self) -> bool:
        return bool(self.token)

    @property
    def vector_cache(self) -> Path:
        """The embedder's on-disk cache of sentence vectors."""
        return self.home / "cache" / "vectors-usem3.sqlite"


def _variable(loc: tuple) -> str:
    """The environment variable a field is read from (for messages)."""
    name = str(loc[0]) if loc else "?"
    if name.isupper():  # already an alias (ELASTICSEARCH_URL)
        return name
    return Settings.model_config.get("env_prefix", "") + name.upper()
