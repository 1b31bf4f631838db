"""Service settings, read from the environment once (12-factor style).

UNEA_MANDATES_HOME      where the embedded index and stored originals live (default ./data)
UNEA_MANDATES_BACKEND   sqlite (default) | elasticsearch
ELASTICSEARCH_URL       e.g. http://elasticsearch:9200 (elasticsearch backend only)
UNEA_MANDATES_TOKEN     maintainer token for writes; unset → writes are refused
UNEA_MANDATES_MAX_UPLOAD_BYTES   upload size limit (default 20 MiB)
UNEA_MANDATES_MAX_TEXT_CHARS     /v1/classify text limit (default 100 000 characters)
UNEA_MANDATES_EXPORT_CAP         most hits one export returns (default 10 000)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")
    return value


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=lambda: Path("data"))
    backend: str = "sqlite"
    elasticsearch_url: str | None = None
    token: str | None = None
    max_upload_bytes: int = 20 * 1024 * 1024
    max_text_chars: int = 100_000
    export_cap: int = 10_000
    # Load jieba, the classifier and the index at start-up (the server); tests turn it off.
    preload: bool = True

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        values: dict[str, object] = {
            "home": Path(env.get("UNEA_MANDATES_HOME") or "data"),
            "backend": (env.get("UNEA_MANDATES_BACKEND") or "sqlite").strip().lower(),
            "elasticsearch_url": env.get("ELASTICSEARCH_URL") or None,
            # An empty token means "not configured": writes stay refused.
            "token": (env.get("UNEA_MANDATES_TOKEN") or "").strip() or None,
            "max_upload_bytes": _int_env("UNEA_MANDATES_MAX_UPLOAD_BYTES", 20 * 1024 * 1024),
            "max_text_chars": _int_env("UNEA_MANDATES_MAX_TEXT_CHARS", 100_000),
            "export_cap": _int_env("UNEA_MANDATES_EXPORT_CAP", 10_000),
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    @property
    def writes_enabled(self) -> bool:
        return bool(self.token)
