"""A re-index run in its own process, slowed down, for the contract test that SIGKILLs it midway.

    python -m tests.index.rebuild_worker BACKEND HOME
prints "copied <document id>" after each document it writes into the new version.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from tests.index.backends import open_backend


def main(backend: str, home: str) -> None:
    serving = open_backend(backend, Path(home))
    builder = serving.start_rebuild()
    for document in serving.list_documents():
        builder.replace_document(document, serving.mandates_of(document.id))
        print("copied", document.id, flush=True)
        time.sleep(1.0)  # leave the test time to kill us before the swap
    serving.finish_rebuild(builder)
    print("done", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:3])
