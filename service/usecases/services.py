"""The lower floors a use case needs (index, classifier, embedder, store of originals), opened once.

The API builds one `Services` per app, the CLI one per command; both hand it to the use cases.
Heavy things are imported and loaded on first use (or at once by `preload`, for the server).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from index.base import MandateIndex
from service.settings import Settings

if TYPE_CHECKING:  # the classes only, for the types: importing them loads numpy/scipy
    from corpus.corrections import CorrectionStore, ReviewedLabels
    from corpus.registry import OriginalStore
    from labelling import Labeller
    from models.classifiers import MandateClassifier
    from models.embedders import Embedder
    from models.releases import ModelReleases

log = logging.getLogger("unea_mandates.service")

# A draft mandate in each UN language, read at start-up: the first English one imports spaCy (~10 s
# under load), the first French one compiles spaCy's French tokenizer exceptions (~5 s); a request
# that met them cold held up every request queued behind it (classify p95 11 s on 32 clients).
_WARM_UP = (
    "Requests the Executive Director to report to the Environment Assembly on the implementation of the resolution.",
    "请执行主任向环境大会报告本决议的执行情况。",
    "Prie le Directeur exécutif de faire rapport à l'Assemblée pour l'environnement sur l'application de la présente résolution.",
    "Pide al Director Ejecutivo que informe a la Asamblea sobre la aplicación de la presente resolución.",
    "Просит Директора-исполнителя представить Ассамблее доклад об осуществлении настоящей резолюции.",
    "يطلب إلى المدير التنفيذي أن يقدم إلى الجمعية تقريرا عن تنفيذ هذا القرار.",
)


def limit_compute_threads(threads: int | None) -> None:
    """At most `threads` BLAS/OpenMP threads in this process (None: leave the libraries' defaults).

    Why: a request's mat-vec over ~1k vectors takes 0.07 ms on one OpenBLAS thread and 0.2-1 ms on
    two (waking and spinning the second thread); with one server process per core, a second thread
    only competes with the other process for the same cores."""
    if threads is None:
        return
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads)


class Services:
    """Opened once, shared by every request (API) or by one command (CLI)."""

    def __init__(
        self,
        settings: Settings,
        index: MandateIndex | None = None,
        classifier: MandateClassifier | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.settings = settings
        self._index = index
        self._owns_index = index is None  # an injected index is its owner's to close
        self._classifier = classifier
        self._embedder = embedder
        self._store: OriginalStore | None = None
        self._corrections: CorrectionStore | None = None
        self._lock = threading.Lock()
        self._classifier_injected = classifier is not None
        self._release_stamp: int | None = None  # the release pointer's mtime when the classifier was loaded
        # Background jobs (the retrain after N corrections) run only where the process lives on: the server.
        self.background_jobs = False
        # Only one write (upload, delete, reindex) at a time: ingest is per document atomic, but
        # a reindex swapping versions under a concurrent upload would lose the upload.
        self.write_lock = threading.Lock()

    @property
    def index(self) -> MandateIndex:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    from index import open_index

                    settings = self.settings
                    self._index = open_index(
                        backend=settings.backend,
                        home=settings.home,
                        embedder=self.embedder,
                        elasticsearch_url=settings.elasticsearch_url,
                        elasticsearch_api_key=settings.elasticsearch_api_key,
                        es_prefix=settings.es_prefix,
                        es_zh_analyzer=settings.es_zh_analyzer,
                    )
        return self._index

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from models.embedders import get_default_embedder

            # one loaded encoder per process; its vectors cached on disk under the home
            self._embedder = get_default_embedder(self.settings.vector_cache)
        return self._embedder

    @property
    def releases(self) -> ModelReleases:
        """The home's retrained classifier releases (models.releases)."""
        from models.releases import ModelReleases

        return ModelReleases(self.settings.home)

    @property
    def classifier(self) -> MandateClassifier:
        """UNEA_MANDATES_MODEL's weights, else the home's promoted release, else the shipped weights. A release
        promoted by another process (another server worker) is picked up at the next use."""
        if (self._classifier is not None and not self._classifier_injected and self.settings.model is None
                and self.releases.pointer_stamp() != self._release_stamp):
            self._classifier = None
        if self._classifier is None:
            with self._lock:
                if self._classifier is None:
                    from models.classifiers import get_default_classifier

                    releases = self.releases
                    self._release_stamp = releases.pointer_stamp()
                    directory = self.settings.model or releases.current_dir()
                    self._classifier = get_default_classifier(directory)
        return self._classifier

    def use_classifier(self, classifier: MandateClassifier) -> None:
        """Serve this classifier from now on (a promoted release, loaded by the retrain)."""
        with self._lock:
            self._classifier = classifier
            self._classifier_injected = False
            self._release_stamp = self.releases.pointer_stamp()

    @property
    def classifier_loaded(self) -> bool:
        return self._classifier is not None

    def classifier_or_none(self) -> MandateClassifier | None:
        """The classifier, or None with a warning when it cannot load (index document-stated labels)."""
        try:
            return self.classifier
        except Exception as exc:  # e.g. weights missing: the batch goes on with the documents' labels
            log.warning("classifier unavailable (%s); document-stated labels only", exc)
            return None

    @property
    def store(self) -> OriginalStore:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    from corpus.registry import OriginalStore

                    self._store = OriginalStore(self.settings.home)
        return self._store

    @property
    def corrections(self) -> CorrectionStore:
        """Maintainers' reviewed labels, beside the stored originals (corpus.corrections)."""
        if self._corrections is None:
            from corpus.corrections import CorrectionStore

            self._corrections = CorrectionStore(self.settings.home)
        return self._corrections

    def reviewed_labels(self) -> ReviewedLabels:
        """Every stored correction, ready to put on mandates (corpus.corrections.ReviewedLabels)."""
        from corpus.corrections import ReviewedLabels

        return ReviewedLabels(self.corrections.all())

    def labeller(self, classify: bool = True, *, must_classify: bool = False) -> Labeller:
        """The one labelling path (labelling.Labeller): the configured classifier, then the home's reviewed
        labels on top. `classify=False`: document-stated and rule labels only (still reviewed); a classifier
        that cannot load is left out with a warning, unless `must_classify` (then its error is raised)."""
        from labelling import Labeller

        classifier = None
        if classify:
            classifier = self.classifier if must_classify else self.classifier_or_none()
        return Labeller(classifier, self.reviewed_labels())

    def preload(self) -> None:
        """Load everything a request may need, so no request pays for it."""
        from extractors.pipeline import extract_draft
        from service.usecases.search import warm_up_search

        # each language's tools (spaCy, langdetect's profiles, jieba) loaded before any request needs them
        for draft in _WARM_UP:
            extract_draft(draft)
        limit_compute_threads(self.settings.compute_threads)  # after the imports: they load the thread pools
        _ = self.classifier
        # Load the sentence encoder's weights now: a cached embedder wraps the real one as `inner`.
        getattr(self.embedder, "inner", self.embedder).encode(["warm-up"])
        try:
            self.index.stats()
            warm_up_search(self.index)  # e.g. the documents' list, the index's arrays and vectors
        except Exception as exc:  # e.g. Elasticsearch not up yet: serve anyway, /health says so
            log.warning("the index is not reachable at start-up: %s", exc)

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._index is not None and self._owns_index:
            try:
                self._index.close()
            except Exception:  # closing must never mask the shutdown
                log.exception("closing the index failed")
            self._index = None
