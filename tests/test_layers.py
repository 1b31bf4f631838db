"""The architecture as a test: data flows extractors → models/corpus → index → labelling → service, never back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLOOR = {"extractors": 1, "models": 2, "corpus": 2, "index": 3, "labelling": 4, "service": 5}


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


# --- one labelling floor: index/ stores and searches, labelling/ decides labels ------------------------

# index/ may not import models/: the embedder is passed into the backends (open_index(embedder=...)).
# An entry here names an import still allowed; the test fails on an entry that no longer matches anything.
INDEX_IMPORTS_OF_MODELS_LEFT: set[tuple[str, str]] = set()


def test_index_is_storage_and_search_only() -> None:
    # labelling (ingest, re-index, language versions) and the service sit above it; models decide labels
    imports = [
        (str(path.relative_to(ROOT)), module)
        for path in sorted((ROOT / "index").rglob("*.py"))
        for module in _imported_modules(path)
        if any(_is_in(module, package) for package in ("models", "labelling", "service"))
    ]

    def left(path: str, module: str) -> bool:
        return any(path == p and _is_in(module, m) for p, m in INDEX_IMPORTS_OF_MODELS_LEFT)

    offenders = [f"{path} imports {module}" for path, module in imports if not left(path, module)]
    assert not offenders, offenders
    stale = sorted((p, m) for p, m in INDEX_IMPORTS_OF_MODELS_LEFT
                   if not any(path == p and _is_in(module, m) for path, module in imports))
    assert not stale, f"no longer imported, remove from INDEX_IMPORTS_OF_MODELS_LEFT: {stale}"


def test_labelling_never_imports_the_service() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((ROOT / "labelling").rglob("*.py"))
        for module in _imported_modules(path)
        if _is_in(module, "service")
    ]
    assert not offenders, offenders


LABEL_DECISIONS = {"label": ("classifier",), "apply": ("reviewed", "ReviewedLabels")}


def _receiver_name(node: ast.expr) -> str:
    """The name a call's receiver goes by: `classifier`, `services.classifier` → classifier,
    `get_default_classifier()` → get_default_classifier, `Labeller(classifier)` → Labeller."""
    if isinstance(node, ast.Call):
        return _receiver_name(node.func)
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _label_decisions(path: Path) -> list[str]:
    """Calls of `.label(` on a classifier and `.apply(` on reviewed labels (a simple scan: the receiver's
    name says which: `classifier.label(`, `get_default_classifier().label(`, `reviewed.apply(`)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in LABEL_DECISIONS:
            receiver = _receiver_name(node.func.value).lower()
            if any(word.lower() in receiver for word in LABEL_DECISIONS[node.func.attr]):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node.func)}(")
    return found


@pytest.mark.parametrize("package", sorted(set(FLOOR) - {"labelling", "models"} | {"bench", "experiments"}))
def test_labels_are_decided_only_by_the_labeller(package: str) -> None:
    # One precedence for every path (ingest, upload, re-index, review, plan, extract, classify):
    # labelling.Labeller calls the classifier and then the reviewed labels; nobody else does (tests/ may:
    # they test the classifier and the reviewed labels themselves).
    offenders = [line for path in sorted((ROOT / package).rglob("*.py")) for line in _label_decisions(path)]
    assert not offenders, offenders


# --- research stays out of the product ------------------------------------------------------------


@pytest.mark.parametrize("package", sorted(FLOOR))
def test_the_product_never_imports_the_experiments(package: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for module in _imported_modules(path)
        if _is_in(module, "experiments")
    ]
    assert not offenders, offenders


def test_the_wheel_packages_the_floors_and_no_experiments() -> None:
    import tomllib

    from setuptools import find_packages

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found = config["tool"]["setuptools"]["packages"]["find"]
    packaged = set(find_packages(where=str(ROOT), include=found["include"], exclude=found.get("exclude", ())))
    tops = {name.split(".")[0] for name in packaged}
    assert tops == set(FLOOR), tops
    assert (ROOT / "experiments" / "__init__.py").is_file()  # it exists, and is left out
    assert not any(_is_in(name, "experiments") or ".experiments" in name for name in packaged)


# --- settings are read once, in service/ ----------------------------------------------------------


def _environment_reads(path: Path) -> list[int]:
    """Lines that read the process environment (os.environ.get / [...] / os.getenv); writes such as
    os.environ.setdefault(...) are not reads."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = node.func
            if target.attr == "getenv" or (
                target.attr == "get" and isinstance(target.value, ast.Attribute) and target.value.attr == "environ"
            ):
                lines.append(node.lineno)
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            if isinstance(node.value, ast.Attribute) and node.value.attr == "environ":
                lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("package", sorted(p for p, floor in FLOOR.items() if floor < FLOOR["service"]))
def test_lower_floors_read_no_environment(package: str) -> None:
    # service/settings.py reads it once and passes paths and URLs down as arguments
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for line in _environment_reads(path)
    ]
    assert not offenders, offenders


def test_the_service_reads_the_environment_only_in_settings() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "service").rglob("*.py"))
        if path.name != "settings.py"
        for line in _environment_reads(path)
    ]
    assert not offenders, offenders
