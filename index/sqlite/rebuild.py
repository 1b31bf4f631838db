"""Re-index without downtime on SQLite: build mandates-v{N+1}.sqlite beside the serving version,
fsync it, swap CURRENT with os.replace. rebuild.lock: held exclusively by the one rebuild,
shared by each write transaction of the serving index (so writes during a rebuild are refused
rather than lost at the swap). A mixin of Self."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from typing import IO, Any, Self

from index.base import IndexBusy
from index.sqlite import snapshot_files
from index.sqlite.schema import VERSION_FILE


class SqliteRebuilds:
    """start_rebuild / finish_rebuild / abort_rebuild of Self."""

    dir: Path
    version: int
    _embedder: Any
    _lock: Any

    def start_rebuild(self) -> Self:
        """A writable index on a fresh physical version v{N+1}, not serving until finish_rebuild.

        Holds an exclusive lock file so that two rebuilds cannot run at once (the second is
        refused with IndexBusy). Leftovers of a killed rebuild are removed first."""
        lock = open(self.dir / "rebuild.lock", "a")  # noqa: SIM115 - held until finish/abort
        # writers hold it shared for one document's transaction: wait them out briefly
        deadline = time.monotonic() + 5.0
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    lock.close()
                    raise IndexBusy(f"another re-index is running on {self.dir}, or a write did not finish "
                                    f"in 5 s (lock {lock.name}): try again later") from None
                time.sleep(0.05)
        existing = [int(m.group(1)) for p in self.dir.iterdir() if (m := VERSION_FILE.match(p.name))]
        serving = self._read_pointer() or self.version
        version = max([serving, *existing]) + 1
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path_of(version)}{suffix}").unlink(missing_ok=True)
        snapshot_files.remove_all(self.path_of(version))
        builder = type(self)(self.dir.parent, embedder=self._embedder, version=version)
        builder._borrow = self.path_of(serving)
        builder._rebuild_lock = lock  # type: ignore[attr-defined]
        return builder

    def finish_rebuild(self, builder: Self) -> int:
        """Make the builder's complete version durable, then swap CURRENT to it (atomic)."""
        with builder._lock:
            conn = builder._refresh()
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            # the new version's search arrays, built and saved before the pointer moves: serving
            # processes then map them at the swap instead of rebuilding them inside a request
            builder._snap(conn)  # type: ignore[attr-defined]
            conn.close()
            builder._conn = None
        with open(builder.path_of(builder.version), "rb+") as fh:
            os.fsync(fh.fileno())
        old = self._read_pointer()
        self._write_pointer(builder.version)
        with self._lock:
            self._open(builder.version)
        self._release(builder)
        # keep the previous version (readers may still hold it open); drop older ones
        for p in self.dir.iterdir():
            m = VERSION_FILE.match(p.name.split("-wal")[0].split("-shm")[0])
            if m and int(m.group(1)) not in (builder.version, old):
                p.unlink(missing_ok=True)
                snapshot_files.remove_all(self.path_of(int(m.group(1))))
        return builder.version

    def abort_rebuild(self, builder: Self) -> None:
        builder.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{builder.path_of(builder.version)}{suffix}").unlink(missing_ok=True)
        snapshot_files.remove_all(builder.path_of(builder.version))
        self._release(builder)

    @staticmethod
    def _release(builder: Self) -> None:
        lock = getattr(builder, "_rebuild_lock", None)
        if lock is not None:
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()
            builder._rebuild_lock = None  # type: ignore[attr-defined]


def writer_guard(lock_path: Path) -> IO[str]:
    """A shared lock on rebuild.lock for one write transaction; IndexBusy while a re-index holds it."""
    fh = open(lock_path, "a")  # noqa: SIM115 - released by release_guard
    try:
        fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise IndexBusy(f"a re-index of {lock_path.parent} is running: try again when it has finished") from None
    return fh


def release_guard(fh: IO[str] | None) -> None:
    if fh is not None:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()
