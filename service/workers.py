"""`serve --workers N`: N uvicorn server processes, each on its own listening socket (SO_REUSEPORT).

Why not uvicorn's own `workers=N`: its processes share one listening socket and whichever is awake
takes the next connection, so long-lived keep-alive connections pile onto one process: 32 clients
connecting at once were measured split 30/2 between two workers (then 16/16, 17/15), which left a
core idle and made the HTTP figures swing between 216 and 616 searches/s. With one socket per
process bound with SO_REUSEPORT, the kernel spreads new connections over the processes by a hash
of their addresses. Hand-written (about 60 lines; no maintained server offers per-process
SO_REUSEPORT sockets for uvicorn): each process runs `uvicorn.Server` on its socket; this parent
restarts one that dies and passes SIGINT/SIGTERM on (uvicorn's graceful shutdown in each).
Where the platform has no SO_REUSEPORT, uvicorn's shared-socket supervisor is used instead.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import time
from multiprocessing.connection import wait
from typing import Any

log = logging.getLogger("unea_mandates.service")

_RESTART_PAUSE_S = 1.0  # a worker that dies at once is not restarted in a tight loop
_EARLY_EXIT_S = 60.0  # a worker that dies this soon after it started counts as failing to start
_EARLY_EXITS = 3  # ... and after this many such deaths in a row the server gives up
_STOP_GRACE_S = 30.0


def reuse_port_supported() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """A listening TCP socket on host:port that other processes may bind too (SO_REUSEPORT)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    return sock


def _serve_one(app: str, host: str, port: int, options: dict[str, Any]) -> None:
    import uvicorn

    sock = listening_socket(host, port)
    uvicorn.Server(uvicorn.Config(app, host=host, port=port, **options)).run(sockets=[sock])


def serve_workers(host: str, port: int, workers: int, app: str, **options: Any) -> None:
    """Run `workers` processes serving `app` (an import string, e.g. "service.app:create_served_app"
    with factory=True) on host:port until SIGINT/SIGTERM; `options`: uvicorn.Config's."""
    if not reuse_port_supported():
        import uvicorn

        uvicorn.run(app, workers=workers, host=host, port=port, **options)
        return
    listening_socket(host, port).close()  # a port in use fails here, in the parent, with a clear error
    context = multiprocessing.get_context("spawn")  # fresh interpreters: nothing of the parent's state
    processes: list[Any] = []
    started: dict[int, float] = {}
    stopping = False
    early_exits = 0

    def start() -> Any:
        process = context.Process(target=_serve_one, args=(app, host, port, options), daemon=False)
        process.start()
        started[process.pid] = time.monotonic()
        return process

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight, then exits

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        processes.extend(start() for _ in range(workers))
        while not stopping:
            wait([p.sentinel for p in processes], timeout=1.0)
            for i, process in enumerate(processes):
                if stopping or process.is_alive():
                    continue
                early = time.monotonic() - started.pop(process.pid, 0.0) < _EARLY_EXIT_S
                early_exits = early_exits + 1 if early else 0
                if early_exits >= _EARLY_EXITS:
                    raise SystemExit(f"unea-mandates serve: server workers keep exiting at start "
                                     f"(last exit code {process.exitcode}); see the log above")
                log.warning("server worker %s exited with %s; starting another", process.pid, process.exitcode)
                time.sleep(_RESTART_PAUSE_S)
                processes[i] = start()
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + _STOP_GRACE_S
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
