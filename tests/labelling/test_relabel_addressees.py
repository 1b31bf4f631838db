"""An index built before the fifth actor and the named addressees keeps working; `reindex` re-labels it."""

from __future__ import annotations

import json

from corpus.registry import OriginalStore
from extractors.schema import Mandate
from index.base import SearchQuery
from labelling.ingest import ingest_paths, reindex
from tests.index.backends import open_backend
from tests.index.real_mandates import BUNDLED

# 4/6 para. 8: "Invites the Environment Management Group …" (labelled unep by the model before)
EMG_RESOLUTION = BUNDLED / "UNEP_EA.4_RES.6.json"


def _emg(mandates: list[Mandate]) -> Mandate:
    return next(m for m in mandates if m.paragraph == "8")


def test_an_old_index_keeps_working_and_reindex_relabels_it(tmp_path):
    index = open_backend("sqlite", tmp_path)
    try:
        store = OriginalStore(tmp_path)
        ingest_paths([EMG_RESOLUTION], index, store=store)
        [document] = index.list_documents()
        # what an index written before held: no addressee fields, and the model's guess of UNEP
        old_rows = []
        for m in index.mandates_of(document.id):
            row = json.loads(m.model_dump_json(exclude={"actor_entity", "actor_entities", "actor_confidence"}))
            if m.paragraph == "8":
                row.update(actor="unep", actor_source="model")
            old_rows.append(Mandate.model_validate_json(json.dumps(row)))  # old records still parse
        index.replace_document(document, old_rows)
        old = _emg(index.mandates_of(document.id))
        assert (old.actor, old.actor_source, old.actor_entity, old.actor_entities) == ("unep", "model", None, [])
        assert index.search(SearchQuery(q="Environment Management Group")).total >= 1

        report = reindex(index, store)
        assert not report.errors
        new = _emg(index.mandates_of(document.id))
        assert (new.actor, new.actor_source, new.actor_entity) == ("un_system", "rule", "Environment Management Group")
        hits = index.search(SearchQuery(filters={"actor": ["un_system"]})).hits
        assert any(h.mandate.id == new.id for h in hits)
    finally:
        index.close()
