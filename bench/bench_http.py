"""The HTTP service under concurrent load on loopback: requests/s, p50/p95 latency, errors.

    .venv/bin/python bench/bench_http.py [--clients 32] [--duration 30] [--requests 2000]
                                         [--files N] [--workers 2] [--client raw|httpx|both]
                                         [--json-out PATH]

Builds a temporary UNEA_MANDATES_HOME, ingests part of the bundled corpus (the Chinese seed with
its Annex II table and N registry resolutions, every one by default) through labelling.ingest, starts
the real server (`unea-mandates serve --workers W`: W uvicorn worker processes, by default one per
core) on a free 127.0.0.1 port, then drives it with --clients
concurrent keep-alive connections, one endpoint after the other. The load generator is by default
`raw` (loopback_client.py: hand-written asyncio HTTP/1.1 over raw streams, requests encoded before
the clock starts, the answer read as status, Content-Length and body; wrk-like, since no wrk or ab is
installed here); `--client httpx` drives the same requests through httpx.AsyncClient (about 3 ms
client CPU per request on the same cores), `--client both` measures each endpoint with one then the
other against the same server, so the two can be compared within the same minute (the second meets
the caches the first warmed: compare client CPU per request):

- GET /v1/mandates: real English and Chinese queries, keyword and hybrid, some with filters;
- POST /v1/classify: real mandate texts taken from the index.

Each endpoint runs until --requests answers or --duration seconds, whichever comes first. The
server is stopped and the home removed at the end. Prints a table, then one line
`BENCH_JSON {...}` with the figures (bench/run_all.py reads it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from loopback_client import drive_raw, encode_request, summary  # noqa: E402

LOOPBACK = "127.0.0.1"

# What legal officers type: English and Chinese words, phrases, boolean queries.
QUERIES = [
    "marine litter",
    "microplastics",
    '"Executive Director" report',
    "plastic NOT marine",
    "chemicals AND waste",
    "monitor*",
    "lead paint",
    "capacity building developing countries",
    "微塑料",
    "海洋垃圾",
    "执行主任 报告",
    "化学品 废物",
    "空气质量",
    "含铅涂料",
]
FILTERS = [{}, {"actor": "unep"}, {"language": "zh"}, {"actor": "member_states", "language": "en"}]


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def build_home(home: Path, files: int) -> tuple[int, int, list[str]]:
    """Ingest the seed and `files` registry resolutions; (documents, mandates, sample texts)."""
    from corpus.registry import OriginalStore, bundled_paths
    from index import open_index
    from labelling.ingest import ingest_paths
    from models.embedders import get_default_embedder

    paths = bundled_paths()
    seed = [p for p in paths if p.suffix == ".txt"]
    registry = [p for p in paths if p.suffix == ".json"]
    chosen = seed + (registry if files <= 0 else registry[:: max(1, len(registry) // files)][:files])
    index = open_index(backend="sqlite", home=home, embedder=get_default_embedder())
    try:
        report = ingest_paths(chosen, index, classifier=None, store=OriginalStore(home))
        if report.errors:
            raise RuntimeError("ingest failed: " + "; ".join(f"{o.source}: {o.reason}" for o in report.errors))
        stats = index.stats()
        texts = [m.text for d in index.list_documents() for m in index.mandates_of(d.id)]
    finally:
        index.close()
    return stats.documents, stats.mandates, texts


def start_server(home: Path, port: int, log: Path, workers: int) -> subprocess.Popen:
    env = {**os.environ, "UNEA_MANDATES_HOME": str(home), "UNEA_MANDATES_BACKEND": "sqlite"}
    env.pop("UNEA_MANDATES_TOKEN", None)  # read-only: the bench never writes
    with open(log, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--host", LOOPBACK, "--port", str(port),
             "--workers", str(workers)],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # same process group as this bench: run_all.py's timeout kill takes the server down too


def wait_ready(base: str, server: subprocess.Popen, log: Path, timeout: float = 300) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                return time.monotonic() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server did not answer /health within {timeout} s:\n{log.read_text()[-3000:]}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # uvicorn shuts down gracefully on SIGTERM
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def tree_cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) used so far by process `pid` and its live descendants (the
    uvicorn workers), from /proc; None where there is no /proc."""
    try:
        tick = os.sysconf("SC_CLK_TCK")
        stats = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                stats[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)  # ppid, cpu
    except (OSError, ValueError, AttributeError):
        return None
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += stats.get(current, (0, 0.0))[1]
        todo.extend(child for child, (parent, _) in stats.items() if parent == current)
    return total


def measured(server: subprocess.Popen, run, client: str):  # type: ignore[no-untyped-def]
    """run()'s figures plus the CPU time per answered request of the server (all its workers) and of
    this client: on a shared 2-core machine these say more than requests/s, which the client and the
    other processes' load also decide."""
    server_before, client_before, load = tree_cpu_s(server.pid), time.process_time(), os.getloadavg()[0]
    figures = {"client": client, **run()}
    server_after, client_after = tree_cpu_s(server.pid), time.process_time()
    ok = max(1, figures["ok"])
    if server_before is not None and server_after is not None:
        figures["server_cpu_ms_per_request"] = round(1000 * (server_after - server_before) / ok, 2)
    figures["client_cpu_ms_per_request"] = round(1000 * (client_after - client_before) / ok, 2)
    figures["load_average_before"] = round(load, 2)
    return figures


def search_requests(rng: random.Random):  # type: ignore[no-untyped-def]
    while True:
        params = {"q": rng.choice(QUERIES), "mode": rng.choice(["keyword", "hybrid"]), "limit": 20}
        params.update(rng.choice(FILTERS))
        yield ("GET", "/v1/mandates", {"params": params})


def classify_requests(rng: random.Random, texts: list[str]):  # type: ignore[no-untyped-def]
    while True:
        yield ("POST", "/v1/classify", {"json": {"text": rng.choice(texts)}})


async def drive(base: str, requests, clients: int, max_requests: int, duration: float) -> dict:  # type: ignore[no-untyped-def]
    """`clients` workers send requests until `max_requests` are sent or `duration` has passed."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    sent = 0
    deadline = time.perf_counter() + duration

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal sent
        while sent < max_requests and time.perf_counter() < deadline:
            sent += 1
            method, path, kwargs = next(requests)
            start = time.perf_counter()
            try:
                response = await client.request(method, path, **kwargs)
                if response.status_code != 200:
                    key = f"HTTP {response.status_code}"
                    errors[key] = errors.get(key, 0) + 1
                    continue
            except httpx.HTTPError as exc:
                key = type(exc).__name__
                errors[key] = errors.get(key, 0) + 1
                continue
            latencies.append(time.perf_counter() - start)

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(clients)))
        wall = time.perf_counter() - start
    return summary(sent, latencies, errors, wall)


def prepare_client(client: str, port: int, requests, clients: int, max_requests: int, duration: float):  # type: ignore[no-untyped-def]
    """A call that measures one endpoint with the chosen load generator; the raw one's requests (at
    most `max_requests`) are encoded here, before the measured CPU and time."""
    if client == "httpx":
        return lambda: asyncio.run(drive(f"http://{LOOPBACK}:{port}", requests, clients, max_requests, duration))
    encoded = [encode_request(LOOPBACK, port, *next(requests)) for _ in range(max_requests)]
    return lambda: asyncio.run(drive_raw(LOOPBACK, port, encoded, clients, duration))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=30, help="seconds per endpoint, at most")
    parser.add_argument("--requests", type=int, default=2000, help="requests per endpoint, at most")
    parser.add_argument("--files", type=int, default=0, help="registry resolutions ingested beside the seed (0: all)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server worker processes")
    parser.add_argument("--client", choices=["raw", "httpx", "both"], default="raw",
                        help="load generator: raw (light, wrk-like; default), httpx, or both one after the other")
    parser.add_argument("--json-out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        home = Path(tmp) / "home"
        start = time.perf_counter()
        documents, mandates, texts = build_home(home, args.files)
        ingest_s = time.perf_counter() - start
        port = free_loopback_port()
        base = f"http://{LOOPBACK}:{port}"
        log = Path(tmp) / "server.log"
        server = start_server(home, port, log, args.workers)
        try:
            ready_s = wait_ready(base, server, log)
            # one request each first: the first classify loads the classifier if preload did not
            httpx.get(f"{base}/v1/mandates", params={"q": "plastic", "mode": "hybrid"}, timeout=120).raise_for_status()
            httpx.post(f"{base}/v1/classify", json={"text": texts[0]}, timeout=120).raise_for_status()
            figures = {
                "machine": f"{os.cpu_count()} CPUs, python {sys.version.split()[0]}",
                "clients": args.clients,
                "server_workers": args.workers,
                "index": {"documents": documents, "mandates": mandates, "ingest_s": round(ingest_s, 1)},
                "server_start_s": round(ready_s, 1),
            }
            for endpoint in ("search", "classify"):
                for client in ("raw", "httpx") if args.client == "both" else (args.client,):
                    # the same seeded request sequence for either client
                    rng = random.Random(7 if endpoint == "search" else 8)
                    requests = search_requests(rng) if endpoint == "search" else classify_requests(rng, texts)
                    key = f"{endpoint}_httpx" if client == "httpx" and args.client == "both" else endpoint
                    run = prepare_client(client, port, requests, args.clients, args.requests, args.duration)
                    figures[key] = measured(server, run, client)
        finally:
            stop_server(server)

    print(f"{figures['machine']}; {args.clients} clients on {LOOPBACK}, {args.workers} server workers; "
          f"index of {documents} documents, "
          f"{mandates} mandates; server ready in {figures['server_start_s']} s")
    print(f"{'endpoint':<22} {'client':>6} {'requests':>8} {'ok':>6} {'errors':>6} {'req/s':>8} {'p50 ms':>9} {'p95 ms':>9}"
          f" {'server CPU ms/req':>17} {'client CPU ms/req':>17} {'load':>5}")
    for name, path in (("search", "GET /v1/mandates"), ("search_httpx", "GET /v1/mandates"),
                       ("classify", "POST /v1/classify"), ("classify_httpx", "POST /v1/classify")):
        if name not in figures:
            continue
        f = figures[name]
        print(f"{path:<22} {f['client']:>6} {f['requests']:>8} {f['ok']:>6} {f['errors']:>6} {f['requests_per_s']:>8} "
              f"{f['p50_ms']!s:>9} {f['p95_ms']!s:>9} {f.get('server_cpu_ms_per_request')!s:>17} "
              f"{f['client_cpu_ms_per_request']!s:>17} {f['load_average_before']:>5}"
              + (f"  {f['error_kinds']}" if f["errors"] else ""))
    print("BENCH_JSON " + json.dumps(figures, ensure_ascii=False))
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n")
    return 1 if any(f["errors"] for k, f in figures.items() if k.startswith(("search", "classify"))) else 0


if __name__ == "__main__":
    raise SystemExit(main())
