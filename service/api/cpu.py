"""CPU-bound use cases (search, classify) off the event loop, a few at a time, first come first served.

Under the GIL one process runs one request's Python at a time; handing 16 concurrent classify
requests to 16 pool threads made them compete for the GIL and the index lock, and the losers
waited: p50 1.3 s, p95 11.6 s on 32 clients. Queued in arrival order (anyio's CapacityLimiter
is FIFO) and run two at a time, each waits for the ones before it only. One limiter per endpoint
kind, so a quick search never queues behind a slow classification; one set per event loop.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import TypeVar

from anyio import CapacityLimiter, to_thread

T = TypeVar("T")

# Two at a time: one runs Python while the other waits on SQLite or numpy (which release the GIL).
AT_ONCE = 2
_LIMITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, CapacityLimiter]] = (
    weakref.WeakKeyDictionary()
)


async def run_cpu_bound(kind: str, func: Callable[[], T]) -> T:
    """func() in a worker thread once one of `kind`'s AT_ONCE places is free (FIFO)."""
    limiters = _LIMITERS.setdefault(asyncio.get_running_loop(), {})
    if kind not in limiters:
        limiters[kind] = CapacityLimiter(AT_ONCE)
    return await to_thread.run_sync(func, limiter=limiters[kind])
