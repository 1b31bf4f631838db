"""A light HTTP/1.1 load client for bench_http.py: keep-alive connections over raw asyncio streams.

Servers are measured with light load generators (wrk, ab); none is installed on the development
machine, and httpx costs about 2.9 ms CPU per request on the same 2 cores as the server, which alone
caps what can be measured near 300 requests/s. This client does what wrk does and no more: every
request is encoded to bytes before the clock starts, and an answer is read as its status line, its
Content-Length and that many body bytes. Every answer's status must be 200; one body in
`CHECK_EVERY` is parsed as JSON, so a server that answers 200 with garbage is still caught.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from urllib.parse import urlencode

CHECK_EVERY = 20  # one body in this many is parsed as JSON


def encode_request(host: str, port: int, method: str, path: str, kwargs: dict) -> bytes:
    """The bytes of one HTTP/1.1 keep-alive request: ("GET", path, {"params": …}) or ("POST", path, {"json": …})."""
    if kwargs.get("params"):
        path = f"{path}?{urlencode(kwargs['params'])}"
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: */*"]
    body = b""
    if "json" in kwargs:
        body = json.dumps(kwargs["json"], ensure_ascii=False).encode("utf-8")
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


class BadAnswer(Exception):
    """The answer is not a 200 with a readable length (its kind is the message)."""


async def _read_answer(reader: asyncio.StreamReader, check_json: bool) -> bool:
    """Read one answer; True when the server asks to close the connection afterwards."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, _, headers = head.partition(b"\r\n")
    status = status_line.split(b" ", 2)[1]
    length, close = None, False
    for line in headers.lower().split(b"\r\n"):
        if line.startswith(b"content-length:"):
            length = int(line[15:])
        elif line.startswith(b"connection:") and b"close" in line:
            close = True
    if length is None:
        raise BadAnswer("no Content-Length")
    body = await reader.readexactly(length)
    if status != b"200":
        raise BadAnswer(f"HTTP {status.decode('latin-1')}")
    if check_json:
        try:
            json.loads(body)
        except ValueError as exc:
            raise BadAnswer("body not JSON") from exc
    return close


async def drive_raw(host: str, port: int, requests: list[bytes], clients: int, duration: float) -> dict:
    """`clients` keep-alive connections send `requests` in turn until all are sent or `duration` has
    passed; the figures bench_http.py's httpx driver gives."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    sent = 0
    deadline = time.perf_counter() + duration

    async def worker() -> None:
        nonlocal sent
        reader = writer = None
        while sent < len(requests) and time.perf_counter() < deadline:
            request = requests[sent]
            sent += 1
            start = time.perf_counter()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                writer.write(request)
                close = await _read_answer(reader, check_json=sent % CHECK_EVERY == 0)
            except (BadAnswer, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError,
                    IndexError) as exc:
                key = str(exc) if isinstance(exc, BadAnswer) else type(exc).__name__
                errors[key] = errors.get(key, 0) + 1
                close = not isinstance(exc, BadAnswer) or key == "no Content-Length"
                if not close:
                    continue
            else:
                latencies.append(time.perf_counter() - start)
            if close and writer is not None:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    wall = time.perf_counter() - start
    return summary(sent, latencies, errors, wall)


def summary(sent: int, latencies: list[float], errors: dict, wall: float) -> dict:
    """What either client prints: requests, answers, errors, requests/s, p50/p95 of the answered ones."""
    ok = sorted(latencies)
    return {
        "requests": sent,
        "ok": len(ok),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "wall_s": round(wall, 1),
        "requests_per_s": round(len(ok) / wall, 1) if wall else 0.0,
        "p50_ms": round(1000 * statistics.median(ok), 1) if ok else None,
        "p95_ms": round(1000 * ok[min(len(ok) - 1, int(0.95 * len(ok)))], 1) if ok else None,
    }
