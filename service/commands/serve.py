"""`unea-mandates serve`: the API and the search page with uvicorn.

With --ingest-bundled, an empty index first receives the bundled corpus (what `make serve` runs).
"""

from __future__ import annotations

import argparse
import os
import sys

from service.settings import Settings
from service.usecases.documents import ingest_bundled_if_empty


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="serve the API (/v1, /docs) and the search page (/)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--ingest-bundled",
        action="store_true",
        help="if the index is empty, ingest the bundled corpus (corpus/bundled) first",
    )
    # uvicorn's default (5 s) races clients that reuse a keep-alive connection just as the server
    # closes it (seen as rare ReadErrors under load); keep idle connections longer than clients do
    parser.add_argument("--keep-alive", type=int, default=75, help="idle keep-alive timeout, s (default 75)")
    # Search and classify are CPU work under a per-process index lock: one worker process per core
    # serves them in parallel (each loads its own classifier and index arrays).
    parser.add_argument("--workers", type=int, default=1, help="server processes (default 1; one per core to use them all)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from service.app import create_app

    if settings.compute_threads is None:  # share the cores between the workers' BLAS threads
        threads = max(1, (os.cpu_count() or 1) // max(1, args.workers))
        os.environ["UNEA_MANDATES_COMPUTE_THREADS"] = str(threads)  # the workers read their settings anew
        for pool in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # read as each worker loads them
            os.environ.setdefault(pool, str(threads))
        settings = settings.model_copy(update={"compute_threads": threads})
    app = create_app(settings, freeze_after_start=True)
    if args.ingest_bundled:
        services = app.state.services
        report = ingest_bundled_if_empty(services, progress=True)
        if report is not None:
            print(report.summary(), file=sys.stderr)
            print(
                f"unea-mandates serve: {services.index.stats().documents} documents indexed", file=sys.stderr
            )
    if not settings.writes_enabled:
        print(
            "unea-mandates serve: writes are disabled (set UNEA_MANDATES_TOKEN to enable uploads)",
            file=sys.stderr,
        )
    print(f"unea-mandates serve: http://{args.host}:{args.port}/ (API docs at /docs)", file=sys.stderr)
    if args.workers <= 1:
        uvicorn.run(app, host=args.host, port=args.port, log_level="info", timeout_keep_alive=args.keep_alive)
        return 0
    app.state.services.close()  # each worker builds its own app from the same environment
    from service.workers import serve_workers

    serve_workers(args.host, args.port, args.workers, app="service.app:create_served_app", factory=True,
                  log_level="info", timeout_keep_alive=args.keep_alive)
    return 0
