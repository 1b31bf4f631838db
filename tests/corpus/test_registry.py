"""The bundled corpus listing and the OriginalStore, on real bundled files and rendered originals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from corpus.registry import OriginalStore, bundled_dir, bundled_paths
from extractors.formats import format_of
from extractors.schema import content_hash

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "corpus" / "bundled" / "UNEP_EA.4_3.zh.txt"
RES_2_11 = REPO / "corpus" / "bundled" / "UNEP_EA.2_RES.11.json"
GA_PDF = next(iter(sorted((REPO / "tests" / "fixtures" / "un-ga-pdfs").glob("*.pdf"))))


# --- bundled corpus ---------------------------------------------------------------------


def test_bundled_paths_are_the_corpus_files_without_readme() -> None:
    paths = bundled_paths()
    names = [p.name for p in paths]
    assert all(p.parent == bundled_dir() for p in paths)
    assert "README.md" not in names
    assert "UNEP_EA.4_3.zh.txt" in names
    assert sum(n.endswith(".json") for n in names) == 61  # the registry resolutions
    assert names == sorted(names)
    assert len({content_hash(p.read_bytes()) for p in paths}) == len(paths)  # no duplicates


def test_sniff_format_reads_content_not_names(tmp_path: Path) -> None:
    assert format_of(SEED.read_bytes()) == "text"
    assert format_of(RES_2_11.read_bytes()) == "registry-json"
    assert format_of(GA_PDF.read_bytes()) == "pdf"
    from docx import Document

    doc = Document()
    doc.add_paragraph(json.loads(RES_2_11.read_text(encoding="utf-8"))[3]["text"])
    doc.save(tmp_path / "res.docx")
    assert format_of((tmp_path / "res.docx").read_bytes()) == "docx"
    assert format_of(b"PK\x03\x04 not really a zip") == "unknown"
    assert format_of(bytes(range(256)) * 4) == "unknown"


def test_the_store_and_the_reader_agree_on_formats(tmp_path: Path) -> None:
    """One sniffer: a GBK text and a PDF with bytes before its header are known to the store, as
    the reader reads them (they were "unknown" to the store's own sniffer before)."""
    from extractors.formats import read_bytes

    gbk = SEED.read_text(encoding="utf-8").encode("gb18030")
    padded_pdf = b"\r\n\r\n" + GA_PDF.read_bytes()
    for data, expected in ((gbk, "text"), (padded_pdf, "pdf")):
        assert format_of(data) == expected
        assert read_bytes(data, "sample").format == expected
        store = OriginalStore(tmp_path / expected)
        doc_id = store.add(data, "sample")
        assert store.get(doc_id).format == expected


# --- OriginalStore ----------------------------------------------------------------------


@pytest.fixture()
def store(tmp_path: Path) -> OriginalStore:
    return OriginalStore(tmp_path / "home")


def test_add_get_list_remove_on_real_files(store: OriginalStore) -> None:
    seed, res, pdf = SEED.read_bytes(), RES_2_11.read_bytes(), GA_PDF.read_bytes()
    ids = [store.add(seed, SEED.name), store.add(res, RES_2_11.name), store.add_path(GA_PDF)]
    assert ids == [content_hash(seed), content_hash(res), content_hash(pdf)]
    for doc_id, data in zip(ids, (seed, res, pdf), strict=True):
        assert doc_id in store
        assert store.get_bytes(doc_id) == data
        assert store.get_path(doc_id) == store.home / "documents" / doc_id
    listed = {d.id: d for d in store.list()}
    assert set(listed) == set(ids)
    assert (listed[ids[0]].source_name, listed[ids[0]].format, listed[ids[0]].size) == (
        SEED.name,
        "text",
        len(seed),
    )
    assert listed[ids[1]].format == "registry-json"
    assert listed[ids[2]].format == "pdf" and listed[ids[2]].source_name == GA_PDF.name

    store.remove(ids[1])
    assert ids[1] not in store
    assert not (store.home / "documents" / ids[1]).exists()
    with pytest.raises(KeyError):
        store.get_bytes(ids[1])
    with pytest.raises(KeyError):
        store.remove(ids[1])
    # a fresh object over the same folder sees the same documents
    assert {d.id for d in OriginalStore(store.home).list()} == {ids[0], ids[2]}


def test_add_is_idempotent(store: OriginalStore) -> None:
    data = SEED.read_bytes()
    first = store.add(data, "seed.txt")
    before = (store.home / "documents" / "manifest.json").read_bytes()
    assert store.add(data, "renamed-copy.txt") == first
    assert (store.home / "documents" / "manifest.json").read_bytes() == before
    assert [d.source_name for d in store.list()] == ["seed.txt"]


def test_list_keeps_the_order_of_adding_within_one_second(store: OriginalStore) -> None:
    """added_at has whole seconds: two versions of a file stored in the same second stay oldest first
    (a re-index replays them in this order, so the newer must come last), whatever their hashes."""
    versions = [json.dumps(json.loads(RES_2_11.read_text())[: n]).encode() for n in range(3, 12)]
    ids = [store.add(data, RES_2_11.name) for data in versions]
    listed = store.list()
    assert len({d.added_at for d in listed}) <= 2  # most share a second, so the hash would have decided
    assert [d.id for d in listed] == ids


def test_bad_input_is_refused_clearly(store: OriginalStore) -> None:
    with pytest.raises(ValueError, match="empty.txt: empty document"):
        store.add(b"", "empty.txt")
    with pytest.raises(TypeError):
        store.add("text, not bytes", "x.txt")  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        store.get_bytes("../../etc/passwd")
    assert store.list() == []


def test_corrupt_file_is_reported_not_returned(store: OriginalStore) -> None:
    doc_id = store.add(RES_2_11.read_bytes(), RES_2_11.name)
    path = store.get_path(doc_id)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(ValueError, match="corrupt"):
        store.get_bytes(doc_id)
    # adding the original again repairs it
    assert store.add(RES_2_11.read_bytes(), RES_2_11.name) == doc_id
    assert store.get_bytes(doc_id) == RES_2_11.read_bytes()


def test_leftover_temp_files_are_ignored_and_cleaned(store: OriginalStore) -> None:
    # what a writer killed before os.replace leaves: a half-written temp file (of the document
    # or of the manifest); it never carries a final name, so nobody sees it
    docs = store.home / "documents"
    half = SEED.read_bytes()[:5000]
    (docs / ".tmp-abc123").write_bytes(half)
    (docs / ".tmp-manifest").write_bytes(b'{"version": 1, "documents": {"')
    assert store.list() == []
    assert content_hash(half) not in store
    store.add(RES_2_11.read_bytes(), RES_2_11.name)  # the next writer, holding the lock, cleans
    assert not list(docs.glob(".tmp-*"))
    assert [d.source_name for d in store.list()] == [RES_2_11.name]


def _killed_writer(home: Path, data_path: Path, kill_at_replace: int) -> int:
    """Run store.add in a child process that SIGKILLs itself at its n-th os.replace."""
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from corpus.registry import OriginalStore
        calls = 0
        real_replace = os.replace
        def replace(src, dst):
            global calls
            calls += 1
            if calls == {kill_at_replace}:
                os.kill(os.getpid(), signal.SIGKILL)
            real_replace(src, dst)
        os.replace = replace
        OriginalStore(Path({str(home)!r})).add(Path({str(data_path)!r}).read_bytes(), "killed.txt")
        """
    )
    return subprocess.run([sys.executable, "-c", script], cwd=REPO, check=False).returncode


def test_kill_before_the_file_lands_leaves_nothing_visible(tmp_path: Path) -> None:
    home = tmp_path / "home"
    rc = _killed_writer(home, SEED, kill_at_replace=1)
    assert rc == -9
    docs = home / "documents"
    doc_id = content_hash(SEED.read_bytes())
    assert not (docs / doc_id).exists()  # the final name never holds a partial file
    assert list(docs.glob(".tmp-*"))  # the dead writer's temp file is still there...
    store = OriginalStore(home)
    assert doc_id not in store and store.list() == []
    assert store.add(SEED.read_bytes(), SEED.name) == doc_id
    assert not list(docs.glob(".tmp-*"))  # ...until the next writer cleans it
    assert store.get_bytes(doc_id) == SEED.read_bytes()


def test_kill_before_the_manifest_update_leaves_an_unlisted_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _killed_writer(home, SEED, kill_at_replace=2) == -9
    store = OriginalStore(home)
    doc_id = content_hash(SEED.read_bytes())
    assert (store.dir / doc_id).is_file()  # whole, but not listed
    assert doc_id not in store and store.list() == []
    assert store.add(SEED.read_bytes(), SEED.name) == doc_id  # adopted
    assert [d.id for d in store.list()] == [doc_id]
    # clean() removes unlisted files and temp leftovers, never listed documents
    orphan = content_hash(b"orphan")
    (store.dir / orphan).write_bytes(b"orphan")
    assert store.clean() == [orphan]
    assert store.get_bytes(doc_id) == SEED.read_bytes()


def _add_many(home: str, names: list[str]) -> list[str]:
    store = OriginalStore(Path(home))
    bundled = Path(__file__).resolve().parents[2] / "corpus" / "bundled"
    return [store.add((bundled / n).read_bytes(), n) for n in names]


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    names = sorted(p.name for p in bundled_paths() if p.suffix == ".json")[:24]
    chunks = [names[i::4] for i in range(4)]
    home = str(tmp_path / "home")
    with ProcessPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(_add_many, [home] * 4, chunks))
    store = OriginalStore(Path(home))
    listed = {d.id: d.source_name for d in store.list()}
    assert len(listed) == len(names)
    assert sorted(listed.values()) == names
    assert sorted(i for ids in results for i in ids) == sorted(listed)
    assert not list(store.dir.glob(".tmp-*"))
    assert os.path.exists(store.dir / "manifest.json")
