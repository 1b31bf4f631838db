"""Every mandate's filter fields and vector as numpy arrays, in mandate-id order, for search.

Built in one sequential scan of `mandates` when the index opens (and again after a write): filters
become boolean masks, facets bincounts, semantic scores one float32 mat-vec over a contiguous
(n, dim) matrix. Hand-rolled rather than a dataframe library: a few array operations.

Vectors are stored as 12-bit integers with a per-row float32 scale (VECTOR_FORM: 4 + 1.5 × dim
bytes, 772 at 512 dims instead of 2048; a high-byte plane and a nibble plane, which numpy decodes
in a few array operations). bench/bench_search.py measures recall@10 of search over
them against exact float32 search (int8 gave 0.95 on its 100k index: too coarse for neighbours a
few thousandths apart). A vector written by an older version (float32, 4 × dim bytes, or int8,
4 + dim) is read as it is, so an existing index opens and searches without a migration.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from extractors.schema import FILTER_FIELDS
from index.fields import filter_value_of, resolution_slots
from index.sqlite.schema import COLUMNS

VECTOR_FORM = "int12+scale"
DECODED_ROWS = 4096
_PEAK = 2047  # largest 12-bit magnitude


def packed_size(dim: int) -> int:
    return 4 + dim + (dim + 1) // 2


def vector_blob(vector: np.ndarray) -> bytes:
    """The stored form of one float32 vector: its float32 scale, then the values / scale as 12-bit
    integers in two planes: the high 8 bits (int8, one byte each), then the low 4 bits (two a byte)."""
    vector = np.asarray(vector, dtype=np.float32)
    peak = float(np.abs(vector).max()) if vector.size else 0.0
    scale = np.float32(peak / _PEAK if peak > 0 else 1.0)
    values = np.clip(np.rint(vector / scale), -_PEAK, _PEAK).astype(np.int16)
    high = (values >> 4).astype(np.int8)
    low = (values & 0xF).astype(np.uint8)
    if len(low) % 2:
        low = np.append(low, np.uint8(0))
    return scale.tobytes() + high.tobytes() + (low[0::2] | (low[1::2] << 4)).astype(np.uint8).tobytes()


def _unpacked(raw: np.ndarray, dim: int, out: np.ndarray) -> None:
    """Decode (n, packed_size(dim)) bytes of vector_blob into `out` (n, dim) float32, in chunks
    that stay in cache."""
    for start in range(0, len(raw), 1024):
        chunk = raw[start : start + 1024]
        target = out[start : start + 1024]
        np.multiply(chunk[:, 4 : 4 + dim].view(np.int8), 16, out=target, dtype=np.float32)
        nibbles = chunk[:, 4 + dim :]
        target[:, 0::2] += nibbles & 0xF
        target[:, 1::2] += (nibbles >> 4)[:, : dim // 2]
        target *= chunk[:, :4].copy().view(np.float32)


def vectors_of(blobs: list[bytes], dim: int) -> np.ndarray:
    """(n, dim) float32, rows L2-normalised, from stored blobs of any form."""
    matrix = np.empty((len(blobs), dim), dtype=np.float32)
    size = packed_size(dim)
    compact = [i for i, b in enumerate(blobs) if len(b) == size]
    if compact:
        raw = np.frombuffer(b"".join(blobs[i] for i in compact), dtype=np.uint8).reshape(len(compact), size)
        if len(compact) == len(blobs):
            _unpacked(raw, dim, matrix)
        else:
            part = np.empty((len(compact), dim), dtype=np.float32)
            _unpacked(raw, dim, part)
            matrix[compact] = part
    for i, blob in enumerate(blobs):
        if len(blob) == 4 * dim:  # float32, written before VECTOR_FORM
            matrix[i] = np.frombuffer(blob, dtype=np.float32)
        elif len(blob) == dim + 4:  # int8 + scale, an earlier compact form
            matrix[i] = np.frombuffer(blob, dtype=np.int8, offset=4).astype(np.float32) * np.frombuffer(blob[:4], dtype=np.float32)
        elif len(blob) != size:
            raise RuntimeError(f"a stored vector has {len(blob)} bytes, not {dim} dims: run `unea-mandates reindex`")
    for start in range(0, len(matrix), 1024):
        chunk = matrix[start : start + 1024]
        norms = np.sqrt(np.einsum("ij,ij->i", chunk, chunk))
        norms[norms == 0] = 1.0
        chunk /= norms[:, None]
    return matrix


def normalised_blob(blob: bytes, dim: int) -> bytes:
    """A stored vector (either form) in the current form, e.g. one borrowed from an older version."""
    return blob if len(blob) == packed_size(dim) else vector_blob(vectors_of([blob], dim)[0])


@dataclass
class Snapshot:
    generation: tuple[int, int, int]
    rowids: np.ndarray  # int64, in mandate-id order (so position order breaks score ties by id)
    position: np.ndarray  # rowid → position in `rowids` (-1: no such mandate)
    codes: dict[str, np.ndarray]  # field → int32 code per row (-1: no value); codes in value order
    labels: dict[str, list[str]]  # field → code → value
    lookup: dict[str, dict[str, int]]  # field → value → code
    matrix: np.ndarray | None  # (n, dim) float32; None when some row has no vector
    _facet_cache: dict = field(default_factory=dict)
    _mask_cache: dict = field(default_factory=dict)  # (field, values) → rows passing
    _label_arrays: dict = field(default_factory=dict)  # field → labels as an object array
    _slots: dict = field(default_factory=dict)  # "resolution" → resolution_slots of its codes
    match_counts: dict[str, int] = field(default_factory=dict)  # keyword query → matches, for this snapshot's life
    # rowid → the Mandate decoded from its row (zlib + JSON validation, ~25 µs a row), the most recently
    # read DECODED_ROWS kept: a page's or a precedent list's mandates are often read again. Shared, never mutated.
    decoded: dict[int, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rowids)

    @property
    def resolution_slots(self) -> np.ndarray:
        """Each row's resolution as index.fields.resolution_slots gives it, computed once per snapshot."""
        slots = self._slots.get("resolution")
        if slots is None:
            slots = self._slots["resolution"] = resolution_slots(self.codes["resolution"])
        return slots

    def field_masks(self, filters: dict[str, list[str]]) -> dict[str, np.ndarray]:
        """Per filtered field: which rows pass that field's filter. Kept for the snapshot's life:
        a filter value's mask does not depend on the query."""
        masks = {}
        for name, values in filters.items():
            if not values:
                continue
            key = (name, tuple(values))
            mask = self._mask_cache.get(key)
            if mask is None:
                allowed = np.zeros(len(self.labels[name]) + 1, dtype=bool)  # slot 0: no value
                for value in values:
                    code = self.lookup[name].get(filter_value_of(name, value))
                    if code is not None:
                        allowed[code + 1] = True
                mask = allowed[self.codes[name] + 1]
                if len(self._mask_cache) > 256:
                    self._mask_cache.clear()
                self._mask_cache[key] = mask
            masks[name] = mask
        return masks

    def filter_mask(self, filters: dict[str, list[str]], skip: str | None = None,
                    masks: dict[str, np.ndarray] | None = None) -> np.ndarray | None:
        """Rows passing every field's filter except `skip`'s; None when nothing filters."""
        mask = None
        for name, passing in (self.field_masks(filters) if masks is None else masks).items():
            if name != skip:
                mask = passing if mask is None else mask & passing
        return mask

    def mask_of(self, positions: np.ndarray) -> np.ndarray:
        mask = np.zeros(len(self.rowids), dtype=bool)
        mask[positions] = True
        return mask

    def positions_of(self, rowids: np.ndarray) -> np.ndarray:
        inside = rowids < len(self.position)
        positions = np.full(len(rowids), -1, dtype=np.int64)
        positions[inside] = self.position[rowids[inside]]
        return positions[positions >= 0]

    def facets(self, base: np.ndarray | None, filters: dict[str, list[str]]) -> dict[str, dict[str, int]]:
        """Per field: counts among the `base` rows (distinct positions; None: every row) passing
        the OTHER fields' filters, most frequent first, ties by value. Work is on the base rows
        only (a query's matches, not every row); without a base (browse, semantic) the answer
        depends on the filters only and is kept for the snapshot's life."""
        key = None
        if base is None:
            key = tuple(sorted((k, tuple(v)) for k, v in filters.items() if v))
            if key in self._facet_cache:
                return self._facet_cache[key]
        masks = self.field_masks(filters)
        if base is not None:
            masks = {name: mask[base] for name, mask in masks.items()}  # each filter at the base rows
        out: dict[str, dict[str, int]] = {}
        for name in FILTER_FIELDS:
            passing = self.filter_mask(filters, skip=name, masks=masks)
            codes = self.codes[name] if base is None else self.codes[name][base]
            out[name] = self._counted(name, codes if passing is None else codes[passing])
        if key is not None:
            if len(self._facet_cache) > 256:
                self._facet_cache.clear()
            self._facet_cache[key] = out
        return out

    def counts_of(self, positions: np.ndarray, name: str) -> dict[str, int]:
        return self._counted(name, self.codes[name][positions])

    def _counted(self, name: str, codes: np.ndarray) -> dict[str, int]:
        """value → count of these codes, most frequent first, ties by value (codes are in value order)."""
        counts = np.bincount(codes + 1, minlength=len(self.labels[name]) + 1)[1:]  # slot 0: no value
        present = np.flatnonzero(counts)
        order = present[np.lexsort((present, -counts[present]))]
        return dict(zip(self._label_array(name)[order].tolist(), counts[order].tolist(), strict=True))

    def _label_array(self, name: str) -> np.ndarray:
        array = self._label_arrays.get(name)
        if array is None:
            array = self._label_arrays[name] = np.array(self.labels[name], dtype=object)
        return array


def load_snapshot(conn: sqlite3.Connection, generation: tuple[int, int, int], dim: int | None) -> Snapshot:
    """One scan of `mandates` in storage order, then sorted by id in numpy. `dim` None: the
    vectors are not decoded (no embedder recorded yet, i.e. an empty index)."""
    columns = ", ".join(f"m.{COLUMNS[f]}" for f in FILTER_FIELDS)
    rows = conn.execute(
        f"SELECT m.rowid, m.id, {columns}, coalesce(v.vector, m.vector)"
        " FROM mandates m LEFT JOIN vectors v ON v.rowid = m.rowid"
    ).fetchall()
    order = sorted(range(len(rows)), key=lambda i: rows[i][1])
    rows = [rows[i] for i in order]
    rowids = np.array([r[0] for r in rows], dtype=np.int64)
    position = np.full(int(rowids.max()) + 1 if len(rowids) else 0, -1, dtype=np.int64)
    position[rowids] = np.arange(len(rowids))
    codes, labels, lookup = {}, {}, {}
    for i, name in enumerate(FILTER_FIELDS, start=2):
        column = [r[i] for r in rows]
        labels[name] = sorted({v for v in column if v is not None})
        lookup[name] = {v: c for c, v in enumerate(labels[name])}
        get = lookup[name].get
        codes[name] = np.array([get(v, -1) if v is not None else -1 for v in column], dtype=np.int32)
    blobs = [r[-1] for r in rows]
    matrix = None
    if dim is not None and all(b is not None for b in blobs):
        matrix = vectors_of(blobs, dim)
    return Snapshot(generation, rowids, position, codes, labels, lookup, matrix)
