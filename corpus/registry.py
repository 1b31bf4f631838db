"""Which documents exist: the bundled starting corpus, and the store of original files.

`OriginalStore` keeps every uploaded or ingested file's original bytes, named by content hash, so
`reindex` can rebuild an index from the originals. Layout under `home/documents/`:

    <sha256>            the file's bytes, exactly as received
    manifest.json       {"version": 1, "documents": {id: {source_name, format, size, added_at, seq}}}
    .lock               flock'ed around every change (concurrent writers, other processes too)
    .tmp-*              a write in progress; one found while holding the lock is a leftover of a
                        killed writer and is deleted

Writes are atomic: bytes go to a temp file in the same folder, are fsync'ed, then os.replace'd
onto the final name, and the folder is fsync'ed; the manifest is written the same way. A file is
written before its manifest entry and its manifest entry removed before the file, so a kill
midway leaves at most an unlisted file, never a listed one that is missing or half-written.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from extractors.formats.sniff import format_of
from extractors.schema import content_hash

_ID = re.compile(r"^[0-9a-f]{64}$")
_TMP_PREFIX = ".tmp-"
_MANIFEST_VERSION = 1


def bundled_dir() -> Path:
    """The folder of the bundled starting corpus (shipped inside the package)."""
    return Path(__file__).resolve().parent / "bundled"


def bundled_paths() -> list[Path]:
    """The bundled corpus files, sorted by name; README and hidden files are not documents."""
    return sorted(
        p
        for p in bundled_dir().iterdir()
        if p.is_file() and not p.name.startswith(".") and not p.name.upper().startswith("README")
    )


@dataclass(frozen=True)
class StoredDocument:
    id: str  # SHA-256 of the bytes
    source_name: str  # the upload or file name it came in under (first one, if added twice)
    format: str  # pdf | docx | text | registry-json | unknown: extractors.formats.sniff says, from the bytes
    size: int
    added_at: str  # ISO 8601, UTC
    seq: int = -1  # order of adding (manifests written before it had none: -1)


class OriginalStore:
    """Original document bytes by content hash, with a JSON manifest."""

    def __init__(self, home: Path | str) -> None:
        self.home = Path(home)
        self.dir = self.home / "documents"
        self.dir.mkdir(parents=True, exist_ok=True)
        self._manifest = self.dir / "manifest.json"
        self._lock_path = self.dir / ".lock"

    # --- reading (no lock: files and manifest only ever appear whole, by os.replace) ---

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and doc_id in self._read_manifest() and self._file(doc_id).is_file()

    def __len__(self) -> int:
        return len(self.list())

    def list(self) -> list[StoredDocument]:
        """Stored documents, oldest first (entries whose file is gone are not listed)."""
        entries = self._read_manifest()
        docs = [_stored(doc_id, meta) for doc_id, meta in entries.items() if self._file(doc_id).is_file()]
        # added_at has whole seconds: within one second the order of adding (seq) decides, not the hash
        return sorted(docs, key=lambda d: (d.added_at, d.seq, d.id))

    def get(self, doc_id: str) -> StoredDocument:
        meta = self._read_manifest().get(self._check_id(doc_id))
        if meta is None or not self._file(doc_id).is_file():
            raise KeyError(f"no stored document {doc_id}")
        return _stored(doc_id, meta)

    def get_path(self, doc_id: str) -> Path:
        self.get(doc_id)
        return self._file(doc_id)

    def get_bytes(self, doc_id: str) -> bytes:
        data = self.get_path(doc_id).read_bytes()
        if content_hash(data) != doc_id:  # disk damage or a hand edit; never hand back wrong bytes
            raise ValueError(f"stored document {doc_id} is corrupt (its bytes no longer match its id)")
        return data

    # --- writing (under the lock) ---

    def add(self, data: bytes, source_name: str) -> str:
        """Store the bytes and return their id; adding the same bytes again changes nothing."""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"{source_name}: expected bytes, got {type(data).__name__}")
        data = bytes(data)
        if not data:
            raise ValueError(f"{source_name}: empty document, nothing to store")
        doc_id = content_hash(data)
        with self._locked():
            entries = self._read_manifest()
            path = self._file(doc_id)
            if not self._holds(path, doc_id, len(data)):
                self._write_atomic(path, data)
            if doc_id not in entries:
                entries[doc_id] = {
                    "source_name": Path(source_name).name or source_name,
                    "format": format_of(data),
                    "size": len(data),
                    "added_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "seq": 1 + max((int(meta.get("seq", -1)) for meta in entries.values()), default=-1),
                }
                self._write_manifest(entries)
        return doc_id

    def add_path(self, path: Path | str) -> str:
        path = Path(path)
        return self.add(path.read_bytes(), path.name)

    def remove(self, doc_id: str) -> None:
        """Forget a document (KeyError if it is not stored)."""
        self._check_id(doc_id)
        with self._locked():
            entries = self._read_manifest()
            if doc_id not in entries:
                raise KeyError(f"no stored document {doc_id}")
            del entries[doc_id]
            self._write_manifest(entries)  # unlisted first: a kill now leaves only an orphan file
            with contextlib.suppress(FileNotFoundError):
                self._file(doc_id).unlink()
            fsync_dir(self.dir)

    def clean(self) -> list[str]:
        """Delete leftovers of killed writers (temp files) and unlisted document files; names them."""
        with self._locked():
            return self._clean_leftovers(orphans=True)

    # --- internals ---

    def _file(self, doc_id: str) -> Path:
        return self.dir / self._check_id(doc_id)

    @staticmethod
    def _check_id(doc_id: str) -> str:
        if not isinstance(doc_id, str) or not _ID.match(doc_id):
            raise KeyError(f"not a document id: {doc_id!r}")
        return doc_id

    @staticmethod
    def _holds(path: Path, doc_id: str, size: int) -> bool:
        """Whether the final file is already there and whole (e.g. left by a writer killed before
        its manifest update): then it is adopted rather than rewritten."""
        try:
            return path.stat().st_size == size and content_hash(path.read_bytes()) == doc_id
        except FileNotFoundError:
            return False

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with open(self._lock_path, "a+b") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                # Holding the lock, no other writer is mid-write: any temp file is a dead one's.
                self._clean_leftovers(orphans=False)
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _clean_leftovers(self, orphans: bool) -> list[str]:
        removed: list[str] = []
        listed = self._read_manifest() if orphans else {}
        for path in self.dir.iterdir():
            is_tmp = path.name.startswith(_TMP_PREFIX)
            is_orphan = orphans and _ID.match(path.name) is not None and path.name not in listed
            if is_tmp or is_orphan:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                removed.append(path.name)
        return removed

    def _read_manifest(self) -> dict[str, dict]:
        try:
            raw = json.loads(self._manifest.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except json.JSONDecodeError as exc:  # cannot happen through this class (atomic writes)
            raise RuntimeError(f"{self._manifest}: manifest is not valid JSON ({exc})") from exc
        return dict(raw.get("documents", {}))

    def _write_manifest(self, entries: dict[str, dict]) -> None:
        body = {"version": _MANIFEST_VERSION, "documents": dict(sorted(entries.items()))}
        self._write_atomic(self._manifest, json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8"))

    def _write_atomic(self, path: Path, data: bytes) -> None:
        fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=self.dir)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        fsync_dir(self.dir)


def _stored(doc_id: str, meta: dict) -> StoredDocument:
    return StoredDocument(
        id=doc_id,
        source_name=str(meta.get("source_name", "")),
        format=str(meta.get("format", "unknown")),
        size=int(meta.get("size", 0)),
        added_at=str(meta.get("added_at", "")),
        seq=int(meta.get("seq", -1)),
    )


def fsync_dir(path: Path) -> None:
    """Make a rename durable: fsync the folder entry (POSIX)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
