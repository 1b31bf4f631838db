"""An Elasticsearch-API server for the test session.

With $ELASTICSEARCH_URL set, the tests use that server (a real Elasticsearch node: see
index/README.md). Otherwise they start the noida-db stand-in (PyPI `noida-db`, pinned in
requirements-dev.txt): one Linux x86-64 binary that serves the Elasticsearch REST API on a free
loopback port, started here and stopped at the end of the session. It is an independent
implementation reporting version 8.15.3, NOT Elastic's code: passing on it shows our requests and
answers are right for that API, not that real Elasticsearch 9 behaves the same.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

STAND_IN = "noida-db"
START_TIMEOUT_S = 30.0


@dataclass
class ElasticsearchServer:
    url: str
    stand_in: bool  # True: the noida-db stand-in, not Elastic's Elasticsearch
    log: Path | None = None  # the stand-in's stdout/stderr
    process: subprocess.Popen | None = None

    def log_tail(self, lines: int = 60) -> str:
        if self.log is None or not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def stand_in_binary() -> tuple[Path | None, str]:
    """(the noida-db binary, "") or (None, why it cannot run on this platform). A missing
    install on a platform where it runs is an error (RuntimeError), never a reason to skip."""
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        return None, f"the {STAND_IN} binary is built for Linux x86-64 only (this is {sys.platform}/{platform.machine()})"
    spec = find_spec("noida_db")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{STAND_IN} is not installed: pip install -r requirements-dev.txt (or set ELASTICSEARCH_URL)")
    binary = Path(next(iter(spec.submodule_search_locations))) / "noida-db"  # what noida_db.cli runs
    if not binary.is_file():
        raise RuntimeError(f"the {STAND_IN} package has no binary at {binary}")
    return binary, ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_info(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own test server
        return json.load(response)


def is_stand_in(info: dict) -> bool:
    return info.get("name") == STAND_IN or info.get("version", {}).get("build_hash") == "noida"


def start_stand_in(binary: Path, workdir: Path) -> ElasticsearchServer:
    """Start noida-db on a free loopback port and wait until it answers (RuntimeError with its log if not)."""
    os.chmod(binary, 0o755)  # what noida_db.cli does before running it
    log = workdir / "noida-db.log"
    for _attempt in range(3):  # a free port can be taken between our probe and the server's bind
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        cmd = [str(binary), "start", "--only", "elasticsearch", "--host", "127.0.0.1",
               "--data-dir", str(workdir / "data"), "--elasticsearch-port", str(port)]
        with open(log, "ab") as out:
            process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        server = ElasticsearchServer(url=url, stand_in=True, log=log, process=process)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and process.poll() is None:
            try:
                server_info(url)
                return server
            except OSError:
                time.sleep(0.1)
        server.stop()
    raise RuntimeError(f"{STAND_IN} did not answer on {url} within {START_TIMEOUT_S:.0f} s; its log:\n{server.log_tail()}")
