"""Session-wide fixtures: the Elasticsearch-API server the Elasticsearch tests run on."""

from __future__ import annotations

import os

import pytest

from tests.elasticsearch_server import (
    ElasticsearchServer,
    is_stand_in,
    server_info,
    stand_in_binary,
    start_stand_in,
)

_started: list[ElasticsearchServer] = []


@pytest.fixture(scope="session")
def elasticsearch_server(tmp_path_factory) -> ElasticsearchServer:  # type: ignore[no-untyped-def]
    """$ELASTICSEARCH_URL's server if set (a real node), else the noida-db stand-in on a free
    loopback port for this session. Skipped only where the stand-in's binary cannot run."""
    url = os.environ.get("ELASTICSEARCH_URL")
    if url:
        yield ElasticsearchServer(url=url.rstrip("/"), stand_in=is_stand_in(server_info(url)))
        return
    binary, why = stand_in_binary()
    if binary is None:
        pytest.skip(f"no Elasticsearch-API server: {why}; set ELASTICSEARCH_URL to run these tests on a real node")
    server = start_stand_in(binary, tmp_path_factory.mktemp("noida-db"))
    _started.append(server)
    yield server
    server.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    """A failed test that ran on the stand-in shows the end of the stand-in's log (kept in full
    under pytest's temporary directory)."""
    report = yield
    if report.failed and _started and "elasticsearch_server" in getattr(item, "fixturenames", ()):
        server = _started[-1]
        report.sections.append((f"noida-db log ({server.log})", server.log_tail()))
    return report
