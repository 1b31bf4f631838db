"""Maintainers' corrections of mandate labels (actor, action area(s), with partners), kept beside the
stored originals so that `reindex`, a re-ingest and a retrained model never lose them.

Layout under `home/corrections/`:

    corrections.jsonl   one correction per line, oldest first; append-only (a later correction of the
                        same mandate is a new line, so every line is its history)
    .lock               flock'ed around every append (other processes too)

Durability: a line is written whole with one write() under the lock, then fsync'ed (and the folder
on creation). A line cut short by a kill midway has no newline; it is ignored when read and cut
off before the next append, so the file only ever holds whole lines.

Which mandate a correction belongs to (it must survive a re-extraction of the same bytes and a new
version of the same document):
  1. the same mandate id — the id is itself a hash of the document's content hash, the resolution,
     the locator (paragraph number and the mandate's ordinal in it) and the text, so re-ingest and
     re-index of the same bytes give the same id; or
  2. the same resolution, the same text (whitespace-normalised SHA-256) and the same addressee as
     the extractor read it (`actor_text`: one paragraph can hold several mandates with the same text
     and different addressees) — a new version of the document, or an extractor that now numbers the
     paragraph differently.
A correction that matches no indexed mandate is *orphaned*: kept, reported, exported, never dropped.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import uuid
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from corpus.registry import fsync_dir
from extractors.schema import Mandate

FILE_NAME = "corrections.jsonl"
# The labels a maintainer may correct (their allowed values: extractors.schema's label sets).
REVIEWABLE = ("actor", "action_area", "action_areas", "with_partners")


def review_text_hash(text: str) -> str:
    """The text's identity for matching: SHA-256 of the text with runs of whitespace made one space."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Correction:
    """One maintainer's change to one mandate's labels, with the labels it replaced."""

    mandate_id: str
    document: str  # Document.id: the SHA-256 of the original's bytes
    resolution: str  # Mandate.resolution (symbol, else number)
    paragraph: str | None
    text_hash: str  # review_text_hash(text)
    text: str
    language: str
    group: str  # resolution number ("4/6") where known: what grouped cross-validation groups by
    citation: str
    changes: dict[str, Any]  # REVIEWABLE field → new value
    previous: dict[str, Any]  # each changed field's value and *_source before this correction
    reviewer: str
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    note: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    actor_text: str | None = None  # the addressee as the extractor read it (not a label: never corrected)

    @property
    def target(self) -> tuple[str, str, str | None]:
        """What a correction is about, whatever the mandate id is today: (resolution, text, addressee)."""
        return (self.resolution, self.text_hash, self.actor_text)

    @classmethod
    def of(cls, mandate: Mandate, changes: dict[str, Any], reviewer: str, note: str | None = None) -> Correction:
        previous: dict[str, Any] = {}
        for name in changes:
            previous[name] = getattr(mandate, name, None)
            source = "action_area_source" if name == "action_areas" else f"{name}_source"
            previous[source] = getattr(mandate, source, None)
        return cls(
            mandate_id=mandate.id,
            document=mandate.document,
            resolution=mandate.resolution,
            paragraph=mandate.paragraph,
            text_hash=review_text_hash(mandate.text),
            text=mandate.text,
            actor_text=mandate.actor_text,
            language=mandate.language,
            group=mandate.resolution_number or mandate.resolution,
            citation=mandate.citation,
            changes=dict(changes),
            previous=previous,
            reviewer=reviewer,
            note=note,
        )


class CorrectionStore:
    """The append-only JSONL file of corrections under `home/corrections/`."""

    def __init__(self, home: Path | str) -> None:
        self.dir = Path(home) / "corrections"
        self.path = self.dir / FILE_NAME
        self._lock_path = self.dir / ".lock"
        self._seen: tuple[int, int] | None = None  # (size, mtime) of the file last parsed
        self._cached: list[Correction] = []

    def all(self) -> list[Correction]:
        """Every correction, oldest first (a torn last line, left by a killed writer, is skipped).
        Parsed again only when the file changed (every page view and classify call reads them)."""
        try:
            stat = self.path.stat()
            key = (stat.st_size, stat.st_mtime_ns)
            if key == self._seen:
                return list(self._cached)
            raw = self.path.read_bytes()  # a line appended meanwhile changes the key: read again next time
        except FileNotFoundError:
            return []
        out = []
        for line in raw.split(b"\n"):
            if not line.strip():
                continue
            try:
                out.append(Correction(**json.loads(line)))
            except (ValueError, TypeError):
                continue  # only ever the unfinished last line: whole lines are written by one write()
        self._seen, self._cached = key, out
        return list(out)

    def add(self, correction: Correction) -> Correction:
        line = (json.dumps(asdict(correction), ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        with self._locked():
            new_file = not self.path.exists()
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
            try:
                _cut_torn_tail(fd)
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
            if new_file:
                fsync_dir(self.dir)
        return correction

    def withdraw(self, correction: Correction) -> bool:
        """Take back a correction whose index write was refused (busy, backend down), so a refused PATCH
        leaves no trace; its last occurrence is removed by writing the file anew and renaming it over."""
        line = (json.dumps(asdict(correction), ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        with self._locked():
            try:
                raw = self.path.read_bytes()
            except FileNotFoundError:
                return False
            at = raw.rfind(line)
            if at < 0 or (at > 0 and raw[at - 1 : at] != b"\n"):
                return False
            temporary = self.path.with_suffix(".tmp")
            with open(temporary, "wb") as f:
                f.write(raw[:at] + raw[at + len(line) :])
                f.flush()
                os.fsync(f.fileno())
            os.replace(temporary, self.path)
            fsync_dir(self.dir)
        return True

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.dir.mkdir(parents=True, exist_ok=True)
        with open(self._lock_path, "a+b") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def _cut_torn_tail(fd: int) -> None:
    """Drop a last line without its newline (a write cut by a kill), so the next line starts clean."""
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return
    keep = 0
    step = 4096
    end = size
    while end > 0:
        start = max(0, end - step)
        at = os.pread(fd, end - start, start).rfind(b"\n")
        if at >= 0:
            keep = start + at + 1
            break
        end = start
    os.ftruncate(fd, keep)


def fold(corrections: Iterable[Correction]) -> dict[str, Any]:
    """The labels a run of corrections leaves, oldest first: a later value of a field wins."""
    out: dict[str, Any] = {}
    for correction in corrections:
        out.update(correction.changes)
    return out


def apply_changes(mandate: Mandate, changes: dict[str, Any]) -> Mandate:
    """The mandate with reviewed labels in place, each marked *_source "reviewed"."""
    update: dict[str, Any] = {}
    if "actor" in changes:
        update.update(actor=changes["actor"], actor_source="reviewed")
    if "action_area" in changes:
        # a reviewer's area is neither a model's doubt nor a precedent's; a single reviewed area is the set
        update.update(action_area=changes["action_area"], action_area_source="reviewed",
                      action_area_precedent=None, action_areas=[changes["action_area"]])
    if "action_areas" in changes:
        update["action_areas"] = list(changes["action_areas"])
    if "action_area" in changes and "uncertain" in Mandate.model_fields:
        update["uncertain"] = False
    if "with_partners" in changes:
        update.update(with_partners=bool(changes["with_partners"]), with_partners_source="reviewed")
    return mandate.model_copy(update=update) if update else mandate


class ReviewedLabels:
    """Corrections looked up by mandate (id, else resolution + text) or by text alone; remembers
    which corrections found their mandate, so the rest can be reported as orphaned."""

    def __init__(self, corrections: Sequence[Correction]) -> None:
        self.corrections = list(corrections)
        self._position = {c.id: k for k, c in enumerate(self.corrections)}
        self._by_id: dict[str, list[Correction]] = {}
        self._by_target: dict[tuple[str, str, str | None], list[Correction]] = {}
        self._by_text: dict[tuple[str, str | None], list[Correction]] = {}
        for c in self.corrections:
            self._by_id.setdefault(c.mandate_id, []).append(c)
            self._by_target.setdefault(c.target, []).append(c)
            self._by_text.setdefault((c.text_hash, c.actor_text), []).append(c)
        self.attached: set[str] = set()

    def __len__(self) -> int:
        return len(self.corrections)

    def for_mandate(self, mandate: Mandate, present: Collection[str] = ()) -> list[Correction]:
        """This mandate's corrections, oldest first: those made on its id, and those made on the same
        resolution, text and addressee under an id that is not `present` (the ids of the mandates
        being labelled with it: the seed lists some bullets word for word under two areas, and a
        correction of one must not move its twin)."""
        found = {c.id: c for c in self._by_id.get(mandate.id, [])}
        target = (mandate.resolution, review_text_hash(mandate.text), mandate.actor_text)
        present = set(present) | {mandate.id}
        found.update({c.id: c for c in self._by_target.get(target, []) if c.mandate_id not in present})
        return sorted(found.values(), key=lambda c: self._position[c.id])

    def for_text(self, text: str, actor_text: str | None) -> list[Correction]:
        """Corrections of any mandate with exactly this text (whitespace aside) and addressee, oldest first."""
        return list(self._by_text.get((review_text_hash(text), actor_text), []))

    def apply(self, mandates: list[Mandate]) -> list[Mandate]:
        """The mandates with their reviewed labels (a no-op without corrections)."""
        if not self.corrections:
            return mandates
        out = []
        present = {m.id for m in mandates}
        for mandate in mandates:
            mine = self.for_mandate(mandate, present)
            self.attached.update(c.id for c in mine)
            out.append(apply_changes(mandate, fold(mine)).model_copy(update={"reviewed_at": mine[-1].at})
                       if mine else mandate)
        return out

    def unattached(self) -> list[Correction]:
        """Corrections that met no mandate in any apply() so far, oldest first."""
        return [c for c in self.corrections if c.id not in self.attached]

    def orphan_lines(self) -> list[str]:
        """One line per orphaned target (for the re-index report)."""
        seen: dict[tuple[str, str, str | None], Correction] = {}
        for c in self.unattached():
            seen[c.target] = c
        return [f"{c.citation} (mandate {c.mandate_id}, reviewed by {c.reviewer} at {c.at}): "
                f"{', '.join(sorted(fold(x for x in self.unattached() if x.target == c.target)))}"
                for c in seen.values()]
