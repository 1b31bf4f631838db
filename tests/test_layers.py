"""The architecture as a test: data flows extractors → models/corpus → index → service, never back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLOOR = {"extractors": 1, "models": 2, "corpus": 2, "index": 3, "service": 4}


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & FLOOR.keys()


@pytest.mark.parametrize("package", sorted(FLOOR))
def test_lower_layers_never_import_higher_ones(package: str) -> None:
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for imported in _imported_packages(path):
            if FLOOR[imported] > FLOOR[package]:
                offenders.append(f"{path.relative_to(ROOT)} imports {imported}")
    assert not offenders, offenders


def test_models_and_corpus_are_independent_siblings() -> None:
    # Same floor: neither may depend on the other, so either can be replaced alone.
    for a, b in (("models", "corpus"), ("corpus", "models")):
        for path in (ROOT / a).rglob("*.py"):
            assert b not in _imported_packages(path), f"{path.relative_to(ROOT)} imports {b}"


BACKENDS = ("index.sqlite", "index.elastic")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _is_in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


@pytest.mark.parametrize("backend", BACKENDS)
def test_backends_are_siblings(backend: str) -> None:
    # Each backend owns its store and query compiler; what they share lives in index.fields,
    # index.query, index.highlight and index.base — never in the other backend.
    package = ROOT.joinpath(*backend.split("."))
    assert package.is_dir(), f"{backend} is a package of its own"
    others = [b for b in BACKENDS if b != backend]
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted(package.rglob("*.py"))
        for module in _imported_modules(path)
        if any(_is_in(module, other) for other in others)
    ]
    assert not offenders, offenders


def test_shared_index_modules_import_no_backend() -> None:
    shared = [p for p in (ROOT / "index").glob("*.py") if p.name != "__init__.py"]  # open_index picks one
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted(shared)
        for module in _imported_modules(path)
        if any(_is_in(module, backend) for backend in BACKENDS)
    ]
    assert not offenders, offenders
