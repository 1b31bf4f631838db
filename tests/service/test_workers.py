"""`serve --workers N` (service.workers): N processes, each with its own SO_REUSEPORT socket."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROGRAM = """
import sys
from service.workers import serve_workers
serve_workers("127.0.0.1", int(sys.argv[1]), 2, app="tests.service.pid_app:app", log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> set[int]:
    """The live server processes `pid` started (not multiprocessing's resource tracker)."""
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                command = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z" and b"spawn_main" in command:
                out.add(int(entry))
    return out


def pids_answering(port: int, connections: int) -> list[int]:
    """The process id each of `connections` kept-open connections is served by."""
    clients = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(connections)]
    try:
        for client in clients:
            client.connect()
        answers = []
        for client in clients:
            client.request("GET", "/")
            answers.append(int(client.getresponse().read()))
        return answers
    finally:
        for client in clients:
            client.close()


def wait_for(condition, timeout: float = 60):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.fixture
def supervisor():  # type: ignore[no-untyped-def]
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", PROGRAM, str(port)], cwd=REPO,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        def answering() -> bool:
            try:
                return len(pids_answering(port, 1)) == 1
            except OSError:
                return False
        wait_for(answering)
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_connections_are_spread_over_both_workers(supervisor):
    process, port = supervisor
    workers = wait_for(lambda: (lambda w: w if len(w) == 2 else None)(children(process.pid)))
    served = set()
    deadline = time.monotonic() + 90
    # the kernel hashes each connection to a listening socket: 32 at once reach both, once both listen (a worker
    # still loading its models under a busy machine has not bound its socket yet, so keep asking a while)
    while len(served) < 2 and time.monotonic() < deadline:
        served |= set(pids_answering(port, 32))
        if len(served) < 2:
            time.sleep(1)
    assert served <= workers and len(served) == 2


def test_a_dead_worker_is_replaced_and_sigterm_stops_them_all(supervisor):
    process, port = supervisor
    first = wait_for(lambda: (lambda w: w if len(w) == 2 else None)(children(process.pid)))
    victim = next(pid for pid in pids_answering(port, 1))
    os.kill(victim, signal.SIGKILL)
    replaced = wait_for(lambda: (lambda w: w if len(w) == 2 and victim not in w else None)(children(process.pid)))
    assert len(replaced - first) == 1  # a new process serves in its place
    assert all(pid != victim for pid in pids_answering(port, 8))
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=40) == 0
    assert not children(process.pid) and not any(Path(f"/proc/{pid}").exists() for pid in replaced)
