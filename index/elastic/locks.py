"""The re-index lock of an Elasticsearch alias: one document in `{alias}-locks`, created with
op_type=create so that exactly one rebuild holds it; an abandoned one is taken over."""

from __future__ import annotations

import os
import socket
import time
from typing import Any

from index.base import IndexBusy

LOCK_TTL_S = 3600  # a rebuild lock older than this is considered abandoned


def take_rebuild_lock(es: Any, locks_index: str, alias: str) -> None:
    """Hold the rebuild lock of `alias`, or raise IndexBusy naming the live holder."""
    from elasticsearch import ConflictError

    lock = {"host": socket.gethostname(), "pid": os.getpid(), "at": time.time()}
    try:
        es.index(index=locks_index, id="rebuild", document=lock, op_type="create", refresh=True)
        return
    except ConflictError:
        held = es.get(index=locks_index, id="rebuild")
    holder = held["_source"]
    dead = holder["host"] == socket.gethostname() and not _pid_alive(holder["pid"])
    if not dead and time.time() - holder["at"] < LOCK_TTL_S:
        raise IndexBusy(f"another re-index is running on {alias} (pid {holder['pid']} on {holder['host']})")
    # an abandoned lock (its process is gone): take it over, guarded by its sequence number
    es.index(index=locks_index, id="rebuild", document=lock, if_seq_no=held["_seq_no"],
             if_primary_term=held["_primary_term"], refresh=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
