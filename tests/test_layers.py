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
