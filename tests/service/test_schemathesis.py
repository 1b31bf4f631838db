"""Schemathesis against the service's own OpenAPI schema, as a maintainer (token sent).

tests/service/test_api.py fuzzes every operation without credentials (no 5xx, errors are
{"error"}). This file sends the maintainer token, so uploads, deletes and re-index really run,
on an isolated home holding a small real corpus (the Chinese seed and one registry resolution,
ingested through labelling.ingest with the shipped classifier), and validates every response against
the schema: no 5xx, a documented status code, the documented content type and body schema.

Hypothesis is driven directly (schemathesis' pytest plugin does not run under pytest 9); examples
are bounded and derandomized so the run is short and repeatable.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.service.conftest import BUNDLED

TOKEN = "schemathesis-maintainer-token"
CORPUS = ("UNEP_EA.4_3.zh.txt", "UNEP_EA.4_RES.6.json")
EXAMPLES = 8


@pytest.fixture(scope="module")
def maintainer_app(tmp_path_factory, classifier):  # type: ignore[no-untyped-def]
    from corpus.registry import OriginalStore
    from index import open_index
    from labelling.ingest import ingest_paths
    from models.embedders import get_default_embedder
    from service.app import create_app
    from service.settings import Settings

    home: Path = tmp_path_factory.mktemp("schemathesis-home")
    index = open_index(backend="sqlite", home=home, embedder=get_default_embedder())
    report = ingest_paths([BUNDLED / name for name in CORPUS], index, classifier=classifier, store=OriginalStore(home))
    assert report.ok, report.summary()
    app = create_app(Settings(home=home, token=TOKEN, preload=False), index=index, classifier=classifier)
    yield app
    index.close()


def test_every_operation_conforms_to_its_schema_as_maintainer(maintainer_app):
    import schemathesis
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    schema = schemathesis.openapi.from_asgi("/openapi.json", maintainer_app)
    failures: dict[str, str] = {}
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
            database=None,
        )
        def check(case) -> None:  # type: ignore[no-untyped-def]
            headers = {"Authorization": f"Bearer {TOKEN}"}
            response = case.call(headers=headers)
            case.validate_response(response, checks=checks, headers=headers)

        try:
            check()
        except Exception as exc:  # collect every operation's failure, not only the first
            failures[label] = f"{type(exc).__name__}: {exc}"[:1500]
        checked.append(label)
    assert len(checked) >= 10, checked
    assert not failures, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())
