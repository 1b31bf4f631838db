"""Reviewers' corrections on real documents and the real (SQLite) index, through the API, the use
cases and the CLI: token-guarded PATCH, 400 on unknown values, reviewed labels shown in search, the
mandate page and classify, kept across re-index and re-ingest, orphans kept and reported, exported
as training rows that train a classifier.

The module has its own home (corrections store, originals, index): the corrections it makes must not
leak into the other service tests' index.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.schema import ACTION_AREAS, ACTORS
from tests.service.conftest import own_client

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "corpus" / "bundled"
TOKEN = "review-test-token"
# Two real English resolutions: marine plastic litter (4/6) and ending plastic pollution (5/14).
DOCUMENTS = (BUNDLED / "UNEP_EA.4_RES.6.json", BUNDLED / "UNEP_EA.5_RES.14.json")


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("review-home")


@pytest.fixture(scope="module")
def services(home, classifier):
    from service.settings import Settings
    from service.usecases.documents import ingest_files
    from service.usecases.services import Services

    services = Services(Settings(home=home, token=TOKEN, preload=False), classifier=classifier)
    report = ingest_files(services, DOCUMENTS)
    assert report.ok and report.mandates_indexed > 20, report.summary()
    yield services
    services.close()


@pytest.fixture(scope="module")
def client(services):
    with own_client(services) as client:
        yield client


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _model_labelled(services, resolution: str) -> list:
    """Mandates of `resolution` whose area the model chose (so a correction really changes it)."""
    hits = services.index.search(_query(resolution)).hits
    return [h.mandate for h in hits if h.mandate.action_area_source == "model"]


def _query(resolution: str):
    from index.base import SearchQuery

    return SearchQuery(filters={"resolution": [resolution]}, limit=1000)


def _other(values, current) -> str:
    return next(v for v in values if v != current)


def _lines(services) -> int:
    return len(services.corrections.all())


def test_writes_need_the_token(client, services, home) -> None:
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.settings import Settings

    mandate = _model_labelled(services, "UNEP/EA.4/Res.6")[0]
    body = {"action_area": _other(ACTION_AREAS, mandate.action_area), "reviewer": "tester"}
    before = _lines(services)
    assert client.patch(f"/v1/mandates/{mandate.id}", json=body).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert client.patch(f"/v1/mandates/{mandate.id}", json=body, headers=wrong).status_code == 401
    closed = create_app(Settings(home=home, token=None, preload=False), index=services.index,
                        classifier=services.classifier)
    with TestClient(closed, raise_server_exceptions=False) as c:
        refused = c.patch(f"/v1/mandates/{mandate.id}", json=body, headers=AUTH)
    assert refused.status_code == 403 and "UNEA_MANDATES_TOKEN" in refused.json()["error"]
    assert _lines(services) == before
    assert services.index.get(mandate.id).action_area == mandate.action_area


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [("actor", "martians", ACTORS), ("action_area", "outer space", ACTION_AREAS),
     ("action_areas", ["knowledge", "telepathy"], ACTION_AREAS), ("with_partners", "perhaps", ("true", "false"))],
)
def test_an_unknown_label_value_is_400_naming_the_allowed_values(client, services, field, value, allowed) -> None:
    mandate = _model_labelled(services, "UNEP/EA.4/Res.6")[0]
    before = _lines(services)
    r = client.patch(f"/v1/mandates/{mandate.id}", json={field: value, "reviewer": "tester"}, headers=AUTH)
    assert r.status_code == 400, r.text
    message = r.json()["error"]
    assert field in message and all(v in message for v in allowed), message
    assert _lines(services) == before  # nothing stored, nothing changed
    assert services.index.get(mandate.id) == mandate


def test_other_bad_corrections_are_refused(client, services) -> None:
    mandate = _model_labelled(services, "UNEP/EA.4/Res.6")[0]
    assert client.patch(f"/v1/mandates/{mandate.id}", json={"reviewer": "x"}, headers=AUTH).status_code == 422
    assert client.patch(f"/v1/mandates/{mandate.id}", json={"actor": "unep"}, headers=AUTH).status_code == 422
    r = client.patch("/v1/mandates/no-such-mandate", json={"actor": "unep", "reviewer": "x"}, headers=AUTH)
    assert r.status_code == 404


def test_a_correction_shows_in_the_page_search_and_classify(client, services, home, monkeypatch, capsys) -> None:
    mandate = _model_labelled(services, "UNEP/EA.5/Res.14")[0]
    area = _other(ACTION_AREAS, mandate.action_area)
    actor = _other(ACTORS, mandate.actor)
    also = _other(ACTION_AREAS, area)
    body = {"action_area": area, "action_areas": [also], "actor": actor, "with_partners": not mandate.with_partners,
            "reviewer": "A. Reviewer", "note": "reads as a request to UNEP"}
    r = client.patch(f"/v1/mandates/{mandate.id}", json=body, headers=AUTH)
    assert r.status_code == 200, r.text
    shown = r.json()["mandate"]
    assert (shown["action_area"], shown["action_area_source"]) == (area, "reviewed")
    assert (shown["actor"], shown["actor_source"]) == (actor, "reviewed")
    assert (shown["with_partners"], shown["with_partners_source"]) == (not mandate.with_partners, "reviewed")

    # the mandate page's API: the labels and who changed them when, from what
    detail = client.get(f"/v1/mandates/{mandate.id}").json()
    assert detail["mandate"]["action_area_source"] == "reviewed"
    [entry] = detail["history"]
    assert entry["reviewer"] == "A. Reviewer" and entry["at"] and entry["note"] == "reads as a request to UNEP"
    assert entry["changes"]["action_area"] == area and entry["changes"]["action_areas"] == [area, also]
    assert entry["previous"]["action_area"] == mandate.action_area
    assert entry["previous"]["action_area_source"] == "model"

    # search: the filter and the facet follow the reviewed label
    found = client.get("/v1/mandates", params={"resolution": "UNEP/EA.5/Res.14", "action_area": area,
                                               "limit": 100}).json()
    assert mandate.id in [h["mandate"]["id"] for h in found["hits"]]
    old = client.get("/v1/mandates", params={"resolution": "UNEP/EA.5/Res.14", "action_area": mandate.action_area,
                                             "limit": 100}).json()
    assert mandate.id not in [h["mandate"]["id"] for h in old["hits"]]

    # classify: the same paragraph text gets the reviewed labels (API and CLI); another text does not
    classified = client.post("/v1/classify", json={"text": mandate.text, "language": "en"}).json()["mandates"]
    assert [(m["action_area"], m["action_area_source"], m["actor"]) for m in classified] == [(area, "reviewed", actor)]
    monkeypatch.setenv("UNEA_MANDATES_HOME", str(home))
    from service.cli import main

    assert main(["classify", mandate.text, "--language", "en", "--format", "jsonl"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert [(m["action_area"], m["action_area_source"]) for m in record["mandates"]] == [(area, "reviewed")]
    other = _model_labelled(services, "UNEP/EA.4/Res.6")[1]
    plain = client.post("/v1/classify", json={"text": other.text, "language": "en"}).json()["mandates"]
    assert all(m["action_area_source"] != "reviewed" for m in plain)


def test_reviewed_labels_survive_reindex_and_reingest(client, services) -> None:
    mandate = _model_labelled(services, "UNEP/EA.4/Res.6")[2]
    area = _other(ACTION_AREAS, mandate.action_area)
    from service.usecases.labels import LABELS

    # the page's Chinese label names the area as well as its code does
    chinese = LABELS["action_area"]["zh"][area]
    r = client.patch(f"/v1/mandates/{mandate.id}", json={"action_area": chinese, "reviewer": "B"}, headers=AUTH)
    assert r.status_code == 200, r.text
    assert r.json()["history"][0]["changes"]["action_area"] == area

    rebuilt = client.post("/v1/reindex", headers=AUTH)
    assert rebuilt.status_code == 200, rebuilt.text
    after = services.index.get(mandate.id)
    assert (after.action_area, after.action_area_source) == (area, "reviewed")  # the model ran again; lost

    document = services.index.get_document(mandate.document)
    data = services.store.get_bytes(document.id)
    assert client.delete(f"/v1/documents/{document.id}", headers=AUTH).status_code == 200
    assert services.index.get(mandate.id) is None
    up = client.post("/v1/documents", files={"file": (document.source_file, data)}, headers=AUTH)
    assert up.status_code == 201, up.text
    again = services.index.get(mandate.id)
    assert (again.action_area, again.action_area_source) == (area, "reviewed")
    assert [e["reviewer"] for e in client.get(f"/v1/mandates/{mandate.id}").json()["history"]] == ["B"]


def test_an_orphaned_correction_is_kept_reported_and_exported(client, services, home, monkeypatch, capsys) -> None:
    from service.cli import main

    mandate = _model_labelled(services, "UNEP/EA.4/Res.6")[3]
    area = _other(ACTION_AREAS, mandate.action_area)
    assert client.patch(f"/v1/mandates/{mandate.id}", json={"action_area": area, "reviewer": "C"},
                        headers=AUTH).status_code == 200
    document = services.index.get_document(mandate.document)
    data = services.store.get_bytes(document.id)
    assert client.delete(f"/v1/documents/{document.id}", headers=AUTH).status_code == 200

    rebuilt = client.post("/v1/reindex", headers=AUTH).json()
    assert any(mandate.citation in line for line in rebuilt["orphaned_corrections"]), rebuilt
    assert "reviewed labels match no mandate" in rebuilt["summary"]
    assert any(c.mandate_id == mandate.id for c in services.corrections.all())  # kept

    monkeypatch.setenv("UNEA_MANDATES_HOME", str(home))
    assert main(["labels", "export", "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    row = next(r for r in rows if r["text"] == mandate.text)
    assert row["orphaned"] is True and row["action_area"] == area and row["origin"] == "reviewed"

    # the same document back: the correction finds its mandate again
    assert client.post("/v1/documents", files={"file": (document.source_file, data)}, headers=AUTH).status_code == 201
    assert services.index.get(mandate.id).action_area_source == "reviewed"
    assert main(["labels", "export", "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert not next(r for r in rows if r["text"] == mandate.text)["orphaned"]


def test_labels_export_round_trips_into_training(services, home, tmp_path, monkeypatch, capsys) -> None:
    """Exported rows read back as training rows (origin reviewed, weighted above guideline labels) and
    train a classifier that gives the reviewed area a higher probability on that text than before."""
    from models.classifiers import MandateClassifier, train_classifier
    from models.embedders import get_default_embedder
    from models.evaluate import prototype_texts, sample_weights
    from models.training_data import (
        REVIEWED_WEIGHT,
        annex_ii_examples,
        area_description_examples,
        en_pair_examples,
        read_reviewed,
    )
    from service.cli import main

    monkeypatch.setenv("UNEA_MANDATES_HOME", str(home))
    out = tmp_path / "reviewed.jsonl"
    assert main(["labels", "export", "--format", "jsonl", "-o", str(out)]) == 0
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    stored = {c.text for c in services.corrections.all()}
    assert exported and {r["text"] for r in exported} == stored
    reviewed = read_reviewed(out)
    assert len(reviewed) == len([r for r in exported if r["action_area"] or r["actor"]])
    by_text = {r["text"]: r for r in exported}
    for example in reviewed:
        row = by_text[example.text]
        assert (example.origin, example.action_area, example.actor, example.group) == (
            "reviewed", row["action_area"], row["actor"], row["group"])
    assert set(sample_weights(reviewed)) == {REVIEWED_WEIGHT} and REVIEWED_WEIGHT >= 1.0

    base = annex_ii_examples() + en_pair_examples() + area_description_examples()
    embedder = get_default_embedder()

    def fit(examples):
        return train_classifier(
            [e.text for e in examples], [e.action_area for e in examples], [e.actor for e in examples],
            prototype_texts(examples), embedder, sample_weight=sample_weights(examples),
        )

    target = next(e for e in reviewed if e.action_area)
    column = ACTION_AREAS.index(target.action_area)
    before = fit(base).area_proba([target.text])[0][column]
    model = fit(base + reviewed)
    model.save(tmp_path / "weights")
    after = MandateClassifier.load(tmp_path / "weights", embedder).area_proba([target.text])[0][column]
    assert after > before, (before, after)
