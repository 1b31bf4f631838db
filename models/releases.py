"""Model releases under a home: classifier weights retrained from maintainers' reviewed labels.

Layout (`<home>/models/`):
  r-20261207T221500Z/     one directory per release: classifier.json + .npz, MODEL_CARD.md, figures.json
  current.json            {"release": name, "promoted": ISO time}: the release the service uses; written to a
                          temporary file and renamed over, so a reader sees the old pointer or the new, never half
  releases.jsonl          the log: one line per event (trained, promoted, rejected), never rewritten
No current.json: the shipped weights (models/weights). Every release is kept; only the pointer moves.

A release is promoted only when it is not worse on the held folds than the release it would replace
(`not_worse`): the Annex II grouped CV (UNEP's own labels) and the English guideline-set CV, each within
`tolerance` of the serving release's figures.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

HELD_FIGURES = ("annex_ii_zh_macro_f1", "guideline_en_macro_f1")


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def not_worse(candidate: dict[str, float], serving: dict[str, float], tolerance: float) -> tuple[bool, str]:
    """Whether every held figure of the candidate (models.train's `held_figures`: out-of-fold macro-F1 on the
    Annex II rows and on the guideline rows) is at least the serving one minus `tolerance`, and why."""
    reasons = []
    ok = True
    for name in HELD_FIGURES:
        new, old = candidate.get(name), serving.get(name)
        if new is None:
            return False, f"{name}: not measured for the new release"
        if old is None:
            reasons.append(f"{name} {new:.3f} (serving: not measured)")
            continue
        if new < old - tolerance:
            ok = False
        reasons.append(f"{name} {old:.3f} → {new:.3f}")
    return ok, "; ".join(reasons) + f" (tolerance {tolerance})"


def _last_byte(path: Path) -> bytes:
    with open(path, "rb") as f:
        f.seek(-1, os.SEEK_END)
        return f.read(1)


class ModelReleases:
    """The releases under `<home>/models` (see the module's docstring)."""

    def __init__(self, home: Path):
        self.root = Path(home) / "models"
        self.pointer = self.root / "current.json"
        self.log_path = self.root / "releases.jsonl"

    def current(self) -> str | None:
        """The promoted release's name; None: the shipped weights."""
        try:
            name = json.loads(self.pointer.read_text(encoding="utf-8")).get("release")
        except (FileNotFoundError, json.JSONDecodeError, OSError):
            return None
        return name if name and (self.root / name / "classifier.json").is_file() else None

    def current_dir(self) -> Path | None:
        name = self.current()
        return self.root / name if name else None

    def pointer_stamp(self) -> int | None:
        """The pointer file's modification time (ns), to notice a promotion by another process cheaply."""
        try:
            return self.pointer.stat().st_mtime_ns
        except OSError:
            return None

    def new_dir(self) -> Path:
        name = "r-" + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.root / name
        path.mkdir(parents=True, exist_ok=False)
        return path

    def figures(self, name: str | None) -> dict:
        """A release's recorded held figures and trained-on corrections ({} when none were written)."""
        if name is None:
            return {}
        try:
            return json.loads((self.root / name / "figures.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError, OSError):
            return {}

    def write_figures(self, directory: Path, figures: dict) -> None:
        (directory / "figures.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")

    def promote(self, name: str) -> None:
        """Point the service at release `name`, atomically (temporary file + rename)."""
        temporary = self.pointer.with_suffix(".json.tmp")
        temporary.write_text(json.dumps({"release": name, "promoted": _now()}), encoding="utf-8")
        with open(temporary, "rb") as f:
            os.fsync(f.fileno())
        os.replace(temporary, self.pointer)

    def log(self, event: str, **fields: object) -> dict:
        self.root.mkdir(parents=True, exist_ok=True)
        entry = {"at": _now(), "event": event, **fields}
        line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
        with open(self.log_path, "ab") as f:
            if f.tell() and _last_byte(self.log_path) != b"\n":
                line = "\n" + line  # a line cut by a crash stays alone (history skips it), this one whole
            f.write(line.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        return entry

    def history(self, last: int = 20) -> list[dict]:
        try:
            lines = self.log_path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        out = []
        for line in lines[-last:]:
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:  # a line cut by a crash: the rest of the log still reads
                continue
        return out
