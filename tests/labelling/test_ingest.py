"""Ingest and re-index on real bundled documents, with the real extractor and document store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.registry import OriginalStore
from index.base import SearchQuery
from labelling.ingest import ingest_paths, reindex
from service.cli import main
from tests.index.backends import es_prefix, open_backend
from tests.index.real_mandates import BUNDLED, SEED

ENGLISH = BUNDLED / "UNEP_EA.4_RES.6.json"
FIXTURE_PDF = next((Path(__file__).resolve().parents[1] / "fixtures" / "un-ga-pdfs").glob("*.pdf"), None)


@pytest.fixture
def home(tmp_path) -> Path:
    return tmp_path


@pytest.fixture(params=["sqlite", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def backend(request) -> str:  # type: ignore[no-untyped-def]
    return request.param


@pytest.fixture
def server_url(request, backend) -> str | None:  # type: ignore[no-untyped-def]
    return request.getfixturevalue("elasticsearch_server").url if backend == "elasticsearch" else None


@pytest.fixture
def index(backend, home, server_url):  # type: ignore[no-untyped-def]
    index = open_backend(backend, home, url=server_url)
    yield index
    index.close()


@pytest.fixture
def cli_env(monkeypatch, backend, home, server_url) -> None:
    """The environment the CLI reads: the same store as the `index` fixture's."""
    monkeypatch.setenv("UNEA_MANDATES_HOME", str(home))
    monkeypatch.setenv("UNEA_MANDATES_BACKEND", backend)
    if server_url:
        monkeypatch.setenv("ELASTICSEARCH_URL", server_url)
        monkeypatch.setenv("UNEA_MANDATES_ES_PREFIX", es_prefix(home))


def _physical_versions(index, home: Path) -> list[str]:  # type: ignore[no-untyped-def]
    """The physical versions the store holds: SQLite files, or Elasticsearch indices."""
    if index.backend == "sqlite":
        return sorted(p.name for p in (home / "index").glob("mandates-v*.sqlite"))
    return sorted(index.es.indices.get(index=f"{index.alias}-v*").body)


def test_ingest_is_idempotent_by_content(index, home):
    store = OriginalStore(home)
    first = ingest_paths([SEED, ENGLISH], index, store=store)
    assert [o.status for o in first.outcomes] == ["added", "added"], first.summary()
    seed = first.outcomes[0]
    assert seed.mandates == 265 and index.stats().mandates == first.mandates_indexed
    assert len(store) == 2
    again = ingest_paths([SEED, ENGLISH], index, store=store)
    assert [o.status for o in again.outcomes] == ["unchanged", "unchanged"]
    assert again.mandates_indexed == 0 and index.stats().mandates == first.mandates_indexed
    assert index.search(SearchQuery(q="微塑料")).total == sum("微塑料" in m.text for m in index.mandates_of(seed.document_id))


def test_bad_files_are_reported_and_do_not_stop_the_batch(index, tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    corrupt = tmp_path / "broken.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    report = ingest_paths([empty, corrupt, tmp_path / "missing.docx", ENGLISH], index)
    statuses = {Path(o.source).name: o.status for o in report.outcomes}
    assert statuses == {"empty.pdf": "failed", "broken.pdf": "failed", "missing.docx": "failed", ENGLISH.name: "added"}
    assert all(o.reason for o in report.errors) and not report.ok
    assert index.stats().documents == 1
    assert "3 failed" in report.summary() and "empty" in report.summary()


def test_a_changed_file_replaces_its_old_mandates(index, tmp_path):
    original = json.loads(ENGLISH.read_text())
    target = tmp_path / "in" / ENGLISH.name
    target.parent.mkdir()
    target.write_text(json.dumps(original))
    first = ingest_paths([target], index).outcomes[0]
    # the maintainer removes the last operative paragraph and saves the file again
    last_mandate = index.mandates_of(first.document_id)[-1]
    changed = [p for p in original if p["text"].strip() != last_mandate.text.strip()]
    assert len(changed) == len(original) - 1
    target.write_text(json.dumps(changed))
    second = ingest_paths([target], index).outcomes[0]
    assert second.status == "replaced" and second.replaced == first.document_id
    assert not index.has_document(first.document_id)
    assert index.stats().documents == 1 and index.stats().mandates == second.mandates == first.mandates - 1


def test_reindex_rebuilds_from_stored_originals(index, home):
    store = OriginalStore(home)
    ingest_paths([SEED, ENGLISH], index, store=store)
    before = index.stats()
    totals = {q: index.search(SearchQuery(q=q)).total for q in ("微塑料", "microplastics")}
    report = reindex(index, store)
    assert report.version == before.version + 1 and not report.errors
    after = index.stats()
    assert (after.documents, after.mandates) == (before.documents, before.mandates)
    assert {q: index.search(SearchQuery(q=q)).total for q in totals} == totals


def test_reindex_keeps_only_the_newest_version_of_a_changed_file(index, home, tmp_path):
    """Both originals of a changed file are stored; the re-index (written in batches) indexes the
    older one and lets the newer replace it, as the ingest did."""
    store = OriginalStore(home)
    original = json.loads(ENGLISH.read_text())
    target = tmp_path / "in" / ENGLISH.name
    target.parent.mkdir()
    target.write_text(json.dumps(original))
    ingest_paths([SEED, target], index, store=store)
    target.write_text(json.dumps(original[:-1]))
    newer = ingest_paths([target], index, store=store).outcomes[0]
    assert newer.status == "replaced" and len(store.list()) == 3
    before = index.stats()
    report = reindex(index, store)
    assert not report.errors and not report.carried_over
    assert (report.documents, report.mandates) == (before.documents, before.mandates)
    indexed = {d.id for d in index.list_documents()}
    assert newer.document_id in indexed and newer.replaced not in indexed
    assert len(index.mandates_of(newer.document_id)) == newer.mandates


class _InterruptingClassifier:
    """Stands in for Ctrl-C arriving while the second document is being re-indexed."""

    def __init__(self) -> None:
        self.calls = 0

    def label(self, mandates):  # type: ignore[no-untyped-def]
        self.calls += 1
        if self.calls == 2:
            raise KeyboardInterrupt
        return mandates


def test_reindex_interrupted_leaves_the_old_version_and_no_leftovers(index, home):
    store = OriginalStore(home)
    ingest_paths([SEED, ENGLISH], index, store=store)
    before = index.stats()
    with pytest.raises(KeyboardInterrupt):
        reindex(index, store, classifier=_InterruptingClassifier())
    assert index.stats() == before
    assert len(_physical_versions(index, home)) == 1 and before.version == 1  # the partial v2 is gone
    assert reindex(index, store).version == 2  # the lock was released


def test_search_command_jsonl_and_malformed_query(index, cli_env, capsys):
    ingest_paths([SEED, ENGLISH], index)
    assert main(["search", "微塑料", "--actor", "unep", "--format", "jsonl", "--limit", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    for line in lines:
        hit = json.loads(line)
        assert hit["actor"] == "unep" and "<mark>微塑料</mark>" in hit["highlight"]
        assert {"id", "text", "resolution", "paragraph", "language", "score", "citation"} <= hit.keys()
    assert main(["search", '"microplastics', "--format", "jsonl"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "unbalanced quote" in captured.err
    assert main(["search", "microplastics", "--format", "table", "--lang", "en"]) == 0
    assert "UNEP/EA.4/Res.6" in capsys.readouterr().out


def test_ingest_command_reports_and_exits_non_zero_on_a_failed_file(home, backend, server_url, cli_env, capsys):
    broken = home / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["ingest", str(ENGLISH), str(broken), "--no-classify", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "1 added, 0 unchanged, 0 replaced, 1 failed" in err and "broken.docx" in err
    assert main(["ingest", str(ENGLISH), "--no-classify", "--no-progress"]) == 0
    assert "0 added, 1 unchanged" in capsys.readouterr().err
    assert (home / "documents").is_dir()
    assert (home / "index" / "CURRENT").is_file() == (backend == "sqlite")
    assert main(["reindex", "--no-classify", "--no-progress"]) == 0
    assert "re-index → version 2" in capsys.readouterr().err
    index = open_backend(backend, home, url=server_url)
    assert index.stats().version == 2 and index.stats().documents == 1
    index.close()


def test_unrelated_files_with_the_same_name_do_not_replace_each_other(index, tmp_path):
    other = BUNDLED / "UNEP_EA.6_RES.10.json"
    for folder, source in (("a", ENGLISH), ("b", other)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "resolution.json").write_bytes(source.read_bytes())
    report = ingest_paths([tmp_path / "a", tmp_path / "b"], index)
    assert [o.status for o in report.outcomes] == ["added", "added"]
    assert index.stats().documents == 2
