"""The search arrays of an index version saved beside it, so that opening the version maps them from
disk instead of rebuilding them row by row (issue 28: 39.6 s at 1M mandates, most of it fetching
rows, decoding the 12-bit vectors and building per-field lists).

Layout: `mandates-v{N}.arrays-w{W}/` beside `mandates-v{N}.sqlite`, where W is the version's write
stamp: meta `instance` (random, set by the first row) and `row_writes`, which triggers on `mandates`
(schema.py) bump on every inserted, updated or deleted row, whoever writes it. A directory whose stamp is not the database's is stale and never
read. Files: rowids.npy, one codes-<field>.npy per filter field, labels.json (each field's values
and the vectors' dimension), matrix.npy (float32, L2-normalised rows) when every row has a vector.
The matrix is opened as a numpy memory map (its pages are read as search touches them); ids and codes
are read whole.

A directory is written under a temporary name and renamed into place (atomic: a reader sees all of
it or nothing); when two processes build the same stamp at once the second rename fails and its
copy is dropped. Older stamps of the version are removed after a new one lands (a process that
mapped them keeps its pages: unlinked files live while mapped).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
from pathlib import Path

import numpy as np

from extractors.schema import FILTER_FIELDS
from index.sqlite.snapshot import Snapshot

log = logging.getLogger(__name__)

FORM = 1  # bump when the files' layout changes: older directories are then never read


def write_stamp(conn: sqlite3.Connection) -> str:
    """The version's write stamp: the database's instance and the rows written to `mandates` since."""
    found = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('instance', 'row_writes')").fetchall())
    return f"{found.get('instance', 'none')}-{int(found.get('row_writes', 0))}"


def arrays_dir(database: Path, stamp: str) -> Path:
    return database.with_name(f"{database.stem}.arrays-w{stamp}")


def _prefix(database: Path) -> str:
    return f"{database.stem}.arrays-"


def load_saved(database: Path, stamp: str, dim: int | None, generation: tuple[int, int, int]) -> Snapshot | None:
    """The saved arrays of this stamp mapped from disk, or None when there are none (or they are
    not whole, or of another form or dimension)."""
    folder = arrays_dir(database, stamp)
    try:
        meta = json.loads((folder / "labels.json").read_text())
        if meta.get("form") != FORM or meta.get("dim") != dim or meta.get("stamp") != stamp:
            return None
        # ids and codes (36 B a mandate) read into memory: search indexes them on every query; the matrix mapped
        rowids = np.load(folder / "rowids.npy")
        codes = {name: np.load(folder / f"codes-{name}.npy") for name in FILTER_FIELDS}
        matrix = np.load(folder / "matrix.npy", mmap_mode="r") if meta["has_matrix"] else None
    except (OSError, ValueError, KeyError):
        return None
    if len(rowids) != meta["rows"] or any(len(c) != len(rowids) for c in codes.values()) or (
            matrix is not None and matrix.shape != (len(rowids), dim)):
        return None
    labels = {name: list(meta["labels"][name]) for name in FILTER_FIELDS}
    lookup = {name: {v: c for c, v in enumerate(values)} for name, values in labels.items()}
    position = np.full(int(rowids.max()) + 1 if len(rowids) else 0, -1, dtype=np.int64)
    position[rowids] = np.arange(len(rowids))
    return Snapshot(generation, rowids, position, codes, labels, lookup, matrix)


def save(database: Path, stamp: str, dim: int | None, snap: Snapshot) -> Path | None:
    """Write `snap` as the arrays of this stamp (no-op when they exist); drop the version's older
    stamps. A failure (disk full, read-only home) is logged: search still runs from memory."""
    folder = arrays_dir(database, stamp)
    if folder.exists():
        return folder
    tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        np.save(tmp / "rowids.npy", np.ascontiguousarray(snap.rowids, dtype=np.int64))
        for name in FILTER_FIELDS:
            np.save(tmp / f"codes-{name}.npy", np.ascontiguousarray(snap.codes[name], dtype=np.int32))
        if snap.matrix is not None:
            np.save(tmp / "matrix.npy", np.ascontiguousarray(snap.matrix, dtype=np.float32))
        meta = {"form": FORM, "stamp": stamp, "dim": dim, "rows": len(snap), "has_matrix": snap.matrix is not None,
                "labels": snap.labels}
        (tmp / "labels.json").write_text(json.dumps(meta, ensure_ascii=False))
        for f in tmp.iterdir():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        try:
            os.rename(tmp, folder)
        except OSError:  # another process landed the same stamp first
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        log.warning("could not save the search arrays of %s (%s): they are rebuilt at each open", database.name, exc)
        return None
    for old in database.parent.glob(f"{_prefix(database)}w*"):
        if old.name != folder.name and (".tmp-" not in old.name or not _alive(old.name.rsplit(".tmp-", 1)[1])):
            shutil.rmtree(old, ignore_errors=True)  # older stamps, and copies left by a killed writer
    return folder


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def remove_all(database: Path) -> None:
    """Every saved stamp of a version (its database is being removed)."""
    for old in database.parent.glob(f"{_prefix(database)}*"):
        shutil.rmtree(old, ignore_errors=True)
