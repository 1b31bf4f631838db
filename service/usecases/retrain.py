"""Retrain the classifier from maintainers' reviewed labels, check it, and swap it in only if it is not worse.

A retrain (after `retrain_after` new corrections, or on demand) runs in a background thread of the server:
1. every reviewed label becomes a training row (service.usecases.reviews.reviewed_training_examples);
2. `models.train.train` fits the shipped recipe plus those rows into a new release directory and
   cross-validates it on the held folds (Annex II grouped CV, English guideline-set CV);
3. the release is promoted (models.releases: the pointer renamed over atomically) only when no held figure is
   worse than the serving release's by more than `retrain_tolerance`; the old release stays on disk, and
   every step is logged in `<home>/models/releases.jsonl`;
4. after a promotion the index is re-labelled by a re-index (each mandate's reviewed labels put back, the
   rebuild swapped in only when complete), so search shows the new model's labels.
One retrain at a time per home: a lock file, so a second server worker does not start its own.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from service.usecases.errors import RetrainRunning
from service.usecases.services import Services

log = logging.getLogger("unea_mandates.retrain")
_running = threading.Lock()  # in this process; the lock file covers the others


class ModelStatus(BaseModel):
    release: str | None = Field(description="the promoted release serving now; null: the shipped weights")
    figures: dict[str, Any] = Field(description="the serving release's held-fold figures")
    corrections: int = Field(description="corrections stored in this home")
    corrections_trained: int = Field(description="corrections the serving release was trained with")
    retrain_after: int = Field(description="a retrain starts after this many new corrections (0: on demand only)")
    running: bool
    history: list[dict[str, Any]] = Field(description="the last events of <home>/models/releases.jsonl")


def model_status(services: Services) -> ModelStatus:
    releases = services.releases
    name = releases.current()
    return ModelStatus(
        release=name, figures=serving_figures(services),
        corrections=len(services.corrections.all()), corrections_trained=int(releases.figures(name).get("corrections", 0)),
        retrain_after=services.settings.retrain_after, running=_is_running(services), history=releases.history(),
    )


def serving_figures(services: Services) -> dict[str, float]:
    """The serving classifier's held-fold figures, as its training measured them (models.train)."""
    classifier = services.classifier_or_none()
    return dict((classifier.meta.get("held_figures") or {}) if classifier is not None else {})


def _lock_path(services: Services) -> Path:
    return services.releases.root / "retrain.lock"


def _is_running(services: Services) -> bool:
    if _running.locked():
        return True
    path = _lock_path(services)
    if not path.exists():
        return False
    with open(path, "a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(f, fcntl.LOCK_UN)
    return False


def retrain(services: Services, reason: str = "on demand", relabel: bool = True) -> dict:
    """Train, judge and maybe promote a release, in this thread; the log entry of the outcome.
    RetrainRunning when another retrain holds this home."""
    if not _running.acquire(blocking=False):
        raise RetrainRunning("a retrain is already running; GET /v1/model says when it is done")
    try:
        releases = services.releases
        releases.root.mkdir(parents=True, exist_ok=True)
        with open(_lock_path(services), "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise RetrainRunning("another process is retraining this home's model") from None
            return _retrain_locked(services, reason, relabel)
    finally:
        _running.release()


def _retrain_locked(services: Services, reason: str, relabel: bool) -> dict:
    from models.classifiers import MandateClassifier
    from models.releases import not_worse
    from models.train import train
    from service.usecases.reviews import reviewed_training_examples

    releases = services.releases
    serving_name = releases.current()
    serving = serving_figures(services)
    corrections = len(services.corrections.all())
    reviewed = reviewed_training_examples(services)
    directory = releases.new_dir()
    releases.log("started", release=directory.name, reason=reason, reviewed_rows=len(reviewed),
                 corrections=corrections, serving=serving_name or "shipped")
    started = time.perf_counter()
    try:
        summary = train(weights_dir=directory, evaluate=True, report=False, embedder=services.embedder,
                        reviewed=reviewed)
    except Exception as exc:  # a failed fit leaves the serving release as it is
        log.exception("retrain failed")
        return releases.log("failed", release=directory.name, reason=f"{type(exc).__name__}: {exc}")
    figures = summary["confidence"].get("held_figures", {})
    releases.write_figures(directory, {**figures, "corrections": corrections, "reviewed_rows": len(reviewed)})
    seconds = round(time.perf_counter() - started, 1)
    ok, why = not_worse(figures, serving, services.settings.retrain_tolerance)
    if not ok:
        return releases.log("rejected", release=directory.name, serving=serving_name or "shipped", figures=figures,
                            why=why, seconds=seconds)
    releases.promote(directory.name)
    services.use_classifier(MandateClassifier.load(directory, services.embedder))
    entry = releases.log("promoted", release=directory.name, replaced=serving_name or "shipped", figures=figures,
                         why=why, seconds=seconds)
    if relabel:
        from service.usecases.documents import reindex_documents

        try:
            done = reindex_documents(services, allow_failures=True)
            releases.log("relabelled", release=directory.name, documents=done.documents, mandates=done.mandates,
                         index_version=done.version)
        except Exception as exc:  # the index keeps serving its old labels; the next re-index relabels
            log.exception("relabelling after the promotion failed")
            releases.log("relabel_failed", release=directory.name, reason=f"{type(exc).__name__}: {exc}")
    return entry


def start_retrain(services: Services, reason: str = "on demand") -> ModelStatus:
    """retrain() in a background thread; RetrainRunning when one runs already."""
    if _is_running(services):
        raise RetrainRunning("a retrain is already running; GET /v1/model says when it is done")

    def job() -> None:
        try:
            retrain(services, reason)
        except RetrainRunning:
            pass
        except Exception:  # pragma: no cover - logged, never kills the server
            log.exception("background retrain failed")

    threading.Thread(target=job, name="retrain", daemon=True).start()
    status = model_status(services)
    return status.model_copy(update={"running": True})


def corrections_last_tried(services: Services) -> int:
    """How many corrections the last retrain started with (promoted or not: a rejected release must not make
    every later correction start another retrain); those of the serving release when none is logged."""
    releases = services.releases
    for entry in reversed(releases.history(last=200)):
        if entry.get("event") == "started" and "corrections" in entry:
            return int(entry["corrections"])
    return int(releases.figures(releases.current()).get("corrections", 0))


def after_correction(services: Services) -> None:
    """Start a background retrain when `retrain_after` corrections have come in since the serving release
    was trained (the server only: services.background_jobs)."""
    every = services.settings.retrain_after
    if not every or not services.background_jobs or _is_running(services):
        return
    if len(services.corrections.all()) - corrections_last_tried(services) >= every:
        try:
            start_retrain(services, reason=f"{every} corrections since the serving release")
        except RetrainRunning:
            pass
