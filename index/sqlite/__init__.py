"""The embedded SQLite backend: store (the MandateIndex: versions, writes, reads), schema,
compiler (query AST → FTS5), search, rebuild."""

from index.sqlite.schema import TEXT_FORM, index_dir
from index.sqlite.store import SqliteMandateIndex

__all__ = ["TEXT_FORM", "SqliteMandateIndex", "index_dir"]
