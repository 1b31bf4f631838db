"""The SQLite file layout: tables, the FTS5 columns' form, where the files live.

Text is indexed twice in one FTS5 table (tokenizer porter unicode61), both from the NFKC-folded
text (extractors.nfkc: Ｐｌａｓｔｉｃ → Plastic, ２０３０ → 2030; queries are folded the same way):
- `words`: the folded text itself for English (FTS5's highlight() marks it and
  index.highlight maps the marks back onto the original characters), Chinese segmented by jieba
  in search mode (index.fields.segment_for_index);
- `grams`: Han character bigrams (index.sqlite.compiler.cjk_grams), so 微塑料 is found as the
  phrase "微塑 塑料" whatever jieba made of the surrounding words; for French, Spanish, Russian and
  Arabic mandates also the Snowball stems of their words (extractors.language.tokenize_for_index
  stemmed), so "océans" finds "océan" and "загрязнения" finds "загрязнение";
- `chars`: each Han character on its own, so a one-character query (作) finds it anywhere, also
  at the end of a run, where no bigram starts with it (合作。 → 合作 only).
meta `text_form` records the form of the FTS rows; an index written before folding gets its FTS
rows re-derived when opened (ensure_text_form).

Size (bench/bench_search.py, issue 16): a mandate's JSON is stored zlib-compressed with a preset
dictionary (~0.42 of its size) and its vector in the narrow `vectors` table in 12-bit form
(index.sqlite.snapshot), not inside the wide mandate row, where a 2 KB float32 vector left one
row per page. Rows written
before (JSON text, float32 `mandates.vector`) are read as they are: no migration on open.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
import zlib
from pathlib import Path

from extractors.language import tokenize_for_index
from extractors.nfkc import fold
from extractors.schema import FILTER_FIELDS, Mandate
from extractors.stems import SNOWBALL
from index.fields import has_indexed_han, segment_for_index
from index.sqlite.compiler import cjk_grams, han_chars

# What mandate_fts holds, recorded in meta: an index without it (written before NFKC folding) has
# its FTS rows re-derived from the stored mandates when opened. Bump when fts_columns changes.
TEXT_FORM = "nfkc-3"  # nfkc-2: + the `chars` column, digits of jieba words (2030年议程) in `words`; nfkc-3: + fr/es/ru/ar stems in `grams`
VERSION_FILE = re.compile(r"^mandates-v(\d+)\.sqlite$")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    source_file TEXT NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source_file);
CREATE TABLE IF NOT EXISTS mandates (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    document TEXT NOT NULL REFERENCES documents(id),
    resolution TEXT, session TEXT, actor TEXT, action_area TEXT, language TEXT,
    with_partners TEXT,
    text_hash TEXT NOT NULL,  -- stored_text_hash of index.fields.vector_key (rows written before: of the text alone)
    json TEXT NOT NULL,  -- the Mandate as JSON; zlib-compressed bytes since ROW_FORM (text before)
    vector BLOB  -- before ROW_FORM only (float32): vectors now live in `vectors`
);
CREATE TABLE IF NOT EXISTS vectors (rowid INTEGER PRIMARY KEY, vector BLOB NOT NULL);
-- the write stamp of the saved search arrays (index.sqlite.snapshot_files): every row written to
-- `mandates`, by this code or any other writer, moves it, so arrays saved before are never read again;
-- `instance` tells a database from another one made later under the same file name
CREATE TRIGGER IF NOT EXISTS mandates_stamp_insert AFTER INSERT ON mandates BEGIN
    INSERT INTO meta(key, value) VALUES('row_writes', 1) ON CONFLICT(key) DO UPDATE SET value = value + 1;
    INSERT OR IGNORE INTO meta(key, value) VALUES('instance', lower(hex(randomblob(8))));
END;
CREATE TRIGGER IF NOT EXISTS mandates_stamp_update AFTER UPDATE ON mandates BEGIN
    INSERT INTO meta(key, value) VALUES('row_writes', 1) ON CONFLICT(key) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER IF NOT EXISTS mandates_stamp_delete AFTER DELETE ON mandates BEGIN
    INSERT INTO meta(key, value) VALUES('row_writes', 1) ON CONFLICT(key) DO UPDATE SET value = value + 1;
END;
CREATE INDEX IF NOT EXISTS mandates_document ON mandates(document);
CREATE INDEX IF NOT EXISTS mandates_text_hash ON mandates(text_hash);
-- filters and facets run on in-memory arrays (index.sqlite.snapshot), not on these indexes
DROP INDEX IF EXISTS mandates_resolution;
DROP INDEX IF EXISTS mandates_actor;
DROP INDEX IF EXISTS mandates_area;
CREATE VIRTUAL TABLE IF NOT EXISTS mandate_fts USING fts5(
    words, grams, chars, tokenize = 'porter unicode61 remove_diacritics 2'
);
"""
_FTS_TABLE = SCHEMA[SCHEMA.index("CREATE VIRTUAL TABLE") :]

# The page's rows are highlighted in a scratch FTS5 table of the same columns and tokenizer
# (index.sqlite.search): highlight() marks a row by its own tokens only, so the marks are the
# same, without the big table evaluating the query's every term over every row again.
PAGE_FTS = "CREATE VIRTUAL TABLE page_fts USING fts5(words, grams, chars, tokenize = 'porter unicode61 remove_diacritics 2')"

def use_wal(conn: sqlite3.Connection, attempts: int = 200) -> None:
    """Switch the database to WAL (a lasting property of the file). Two processes opening a new index at once
    (two ingests) can both try; SQLite may answer "database is locked" at once, without waiting for the busy
    timeout, so retry a while. (models.embedders does the same for its vector cache: the two floors share no
    module to hold it.)"""
    for attempt in range(attempts):
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


# FILTER_FIELDS → column of `mandates` (all stored as text so filter values are uniform strings)
COLUMNS = {field: field for field in FILTER_FIELDS}

def fts_columns(mandate: Mandate) -> tuple[str, str, str]:
    """(words, grams, chars) of a mandate's FTS row: the folded text's forms (TEXT_FORM)."""
    folded = fold(mandate.text)
    words = segment_for_index(folded, mandate.language)
    stems = tokenize_for_index(folded, mandate.language, stemmed=True) if mandate.language in SNOWBALL else ""
    if not has_indexed_han(folded):  # French, Spanish, Russian, Arabic: their stems in `grams` (index.sqlite.compiler)
        return words, stems, ""
    return words, f"{' '.join(cjk_grams(folded))} {stems}".strip(), " ".join(han_chars(folded))


# A preset zlib dictionary: a mandate's JSON keys and common values, so that each row's
# compressed JSON need not spell them out (~420 bytes a mandate instead of ~570 without it, ~990
# raw). NEVER edit a dictionary that rows were written with: a stream names its dictionary by
# adler32, so a new one is added to _DICTIONARIES beside it and becomes JSON_DICTIONARY.
JSON_DICTIONARY = (
    b'{"id":"","document":"","resolution":"UNEP/EA.","resolution_number":null,"resolution_title":"",'
    b'"session":,"paragraph":"","language":"en","language":"zh","text":"","verb":"","actor_text":"",'
    b'"actor":"member_states","actor":"unep","actor":"un_system","actor":"stakeholders","actor_source":"rule",'
    b'"with_partners":false,"with_partners":true,"conditions":[],"deadline":null,"action_area":null,'
    b'"action_area_source":null,"scores":null,"source":{"kind":"paragraph","page":null}}'
    b" the Executive Director United Nations Environment Programme Member States to implement resolution "
    b"environment, and of the to in "
)
_DICTIONARIES = {zlib.adler32(d): d for d in (JSON_DICTIONARY,)}


def stored_text_hash(full: str) -> str:
    """The `text_hash` column: the first 64 bits of the vector key's SHA-256 in hex (index.fields.vector_key:
    the vector form, title and text; older rows hold a hash of the text alone, which no key matches).
    It only finds a vector already computed for the same key; 16 hex digits instead of 64 save
    ~100 bytes a mandate (column and index), and two of a million texts share 64 bits with odds
    of about 3e-8. Rows written before hold the whole hash: look-ups ask for both forms."""
    return full[:16]


def stored_mandate(mandate: Mandate) -> bytes:
    """The `json` column of a mandate (ROW_FORM): its JSON, zlib-compressed with JSON_DICTIONARY."""
    packer = zlib.compressobj(9, zdict=JSON_DICTIONARY)
    return packer.compress(mandate.model_dump_json().encode()) + packer.flush()


def mandate_of(stored: str | bytes) -> Mandate:
    """A mandate from its `json` column: compressed (ROW_FORM) or the JSON text written before."""
    if isinstance(stored, str):
        return Mandate.model_validate_json(stored)
    if stored[1] & 0x20:  # FDICT: the stream names its preset dictionary by adler32
        unpacker = zlib.decompressobj(zdict=_DICTIONARIES[int.from_bytes(stored[2:6], "big")])
        return Mandate.model_validate_json(unpacker.decompress(stored) + unpacker.flush())
    return Mandate.model_validate_json(zlib.decompress(stored))


def index_dir(home: str | os.PathLike[str] | None = None) -> Path:
    base = Path(home if home is not None else "data")
    return base / "index"


def ensure_text_form(conn: sqlite3.Connection) -> None:
    """An index written by an older version holds another form of the text in mandate_fts
    (before TEXT_FORM: the unfolded original): re-derive every FTS row from the stored
    mandates, once, in one transaction. Concurrent openers serialise on BEGIN IMMEDIATE and
    the second finds the work done. Not a content change, so no re-index guard is taken."""
    query = "SELECT value FROM meta WHERE key='text_form'"
    row = conn.execute(query).fetchone()
    if row is not None and row[0] == TEXT_FORM:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = conn.execute(query).fetchone()
        if row is None or row[0] != TEXT_FORM:
            conn.execute("DROP TABLE IF EXISTS mandate_fts")  # its columns may be an older set
            conn.execute(_FTS_TABLE)
            for rowid, stored in conn.execute("SELECT rowid, json FROM mandates").fetchall():
                conn.execute(
                    "INSERT INTO mandate_fts(rowid, words, grams, chars) VALUES(?,?,?,?)",
                    (rowid, *fts_columns(mandate_of(stored))),
                )
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('text_form', ?)", (TEXT_FORM,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
