"""Issue 15: search a legal officer can rely on — through the API, on the bundled corpus of
tests/service/conftest.py (the Chinese seed UNEP/EA.4/3 with its Annex II, 2/11, 4/6, 5/14)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from index.fields import RELEVANCE_FLOOR
from service.usecases.browse import paragraph_key
from service.usecases.suggest import Vocabulary
from tests.service.conftest import BUNDLED, GA_PDFS, TOKEN


def _search(client, **params):
    response = client.get("/v1/mandates", params=params)
    assert response.status_code == 200, response.text
    return response.json()


# --- 1. no dead ends ---------------------------------------------------------------------------


def test_a_keyword_dead_end_offers_the_closest_mandates_by_meaning(client) -> None:
    body = _search(client, q="lead paint")
    assert body["total"] == 0 and body["hits"] == []
    related = body["related"]
    assert related, "no keyword hit must still lead somewhere"
    # the first is a lead-paint bullet (3/9's, or 1/5's "capacity-building on lead paint"), and 3/9 is there
    assert "含铅涂料" in related[0]["mandate"]["text"]
    assert "UNEP/EA.3/Res.9" in {h["mandate"]["resolution"] for h in related}
    assert all(h["score"] >= RELEVANCE_FLOOR for h in related)


def test_a_misspelt_word_gets_the_indexed_spelling(client) -> None:
    body = _search(client, q="plastik")
    assert body["total"] == 0
    assert "plastic" in body["suggestions"]
    assert _search(client, q=body["suggestions"][0])["total"] > 0  # a suggestion always finds something


def test_the_spelling_vocabulary_reads_a_bounded_share_of_a_large_index(index) -> None:
    """Issue 16: a 1M-mandate index spent 65 s on its first query that found nothing, reading every
    mandate for the spelling vocabulary. Past its cap it reads an even spread of whole documents,
    and the words it finds are the index's own."""
    read: list = []

    class Counting:  # the index, counting the mandates the vocabulary reads
        def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
            return getattr(index, name)

        def mandates_of(self, document_id: str):  # type: ignore[no-untyped-def]
            found = index.mandates_of(document_id)
            read.extend(found)
            return found

        def iter_mandates(self):  # type: ignore[no-untyped-def]
            for mandate in index.iter_mandates():
                read.append(mandate)
                yield mandate

    total = index.stats().mandates
    everything = Vocabulary(cap=total).words(Counting())
    assert len(read) == total and "plastic" in everything
    read.clear()
    cap = total // 4
    sampled = Vocabulary(cap=cap).words(Counting())
    largest = max(len(index.mandates_of(d.id)) for d in index.list_documents())
    assert 0 < len(read) < cap + largest, "the vocabulary read more than its cap and one document"
    assert set(sampled) <= set(everything) and len(sampled) > len(everything) / 4


def test_a_query_that_finds_something_has_no_suggestions(client) -> None:
    body = _search(client, q="plastic")
    assert body["total"] > 0 and body["suggestions"] == [] and body["related"] == []


# --- 2. counts that mean something ---------------------------------------------------------------


def test_semantic_total_counts_only_hits_above_the_floor(client) -> None:
    everything = _search(client, limit=0)["total"]
    body = _search(client, q="lead paint", mode="semantic", limit=100)
    assert body["relevance_floor"] == RELEVANCE_FLOOR and body["total_relation"] == "eq"
    assert 0 < body["total"] < everything
    assert body["total"] == len(body["hits"]) and all(h["score"] >= RELEVANCE_FLOOR for h in body["hits"])
    assert sum(body["facets"]["language"].values()) == body["total"]
    off_topic = _search(client, q="football match results tonight", mode="semantic")
    assert off_topic["total"] == 0


def test_hybrid_total_agrees_with_its_facets_under_a_filter(client) -> None:
    both = _search(client, q="marine plastic litter", mode="hybrid")
    chinese = _search(client, q="marine plastic litter", mode="hybrid", language="zh", limit=100)
    assert chinese["total"] == both["facets"]["language"]["zh"] == chinese["facets"]["language"]["zh"]
    assert chinese["total"] == len(chinese["hits"]) and chinese["total"] < both["total"]
    assert {h["mandate"]["language"] for h in chinese["hits"]} == {"zh"}


# --- 5. a resolution can be browsed -----------------------------------------------------------------


def test_a_symbol_or_number_opens_the_resolution_in_paragraph_order(client) -> None:
    browse = _search(client, resolution="UNEP/EA.4/Res.6", limit=0)
    for q in ("UNEP/EA.4/Res.6", "4/6", "unep/ea.4/res.6"):
        body = _search(client, q=q, limit=100)
        assert body["resolution"] == "UNEP/EA.4/Res.6" and body["sort"] == "paragraph"
        assert body["total"] == browse["total"] > 10
        assert {h["mandate"]["resolution"] for h in body["hits"]} == {"UNEP/EA.4/Res.6"}
        keys = [paragraph_key(h["mandate"]["paragraph"]) for h in body["hits"]]
        assert keys == sorted(keys)
        assert [h["mandate"]["paragraph"] for h in body["hits"][:3]] == ["1", "2(a)", "2(b)"]


def test_a_resolution_filter_can_be_read_in_paragraph_order_across_pages(client) -> None:
    pages = [_search(client, resolution="UNEP/EA.5/Res.14", sort="paragraph", limit=5, offset=o) for o in (0, 5, 10)]
    paragraphs = [h["mandate"]["paragraph"] for p in pages for h in p["hits"]]
    assert [paragraph_key(p) for p in paragraphs] == sorted(paragraph_key(p) for p in paragraphs)
    assert len(set(paragraphs)) == len(paragraphs) or len(paragraphs) == 15


def test_facets_list_every_value(client) -> None:
    facets = _search(client)["facets"]
    seen = {h["mandate"]["resolution"] for h in _search(client, q="含铅涂料 OR plastic", limit=100)["hits"]}
    assert set(facets["resolution"]) >= seen
    assert len(facets["resolution"]) > 12  # the page shows 12 and a "more" that opens the rest


# --- 6. sorting and dates ---------------------------------------------------------------------------


def test_sort_by_date_puts_the_newest_adopted_first(client) -> None:
    body = _search(client, q="plastic", sort="date", limit=100)
    dates = [h["adopted"] or "" for h in body["hits"]]
    assert dates == sorted(dates, reverse=True)
    assert dates[0].startswith("2022")  # 5/14 End plastic pollution, adopted 2 March 2022


def test_filter_by_year(client) -> None:
    body = _search(client, year=2019, limit=100)
    assert body["total"] > 0
    assert {h["adopted"][:4] for h in body["hits"]} == {"2019"}
    assert _search(client, year=1990)["total"] == 0


# --- 7. small things that cost trust -----------------------------------------------------------------


def test_actor_accepts_the_pages_labels_in_any_case(client) -> None:
    by_code = _search(client, actor="unep", limit=0)["total"]
    assert by_code > 0
    for value in ("UNEP", "Unep", "环境署"):
        assert _search(client, actor=value, limit=0)["total"] == by_code
    assert _search(client, actor="Member States", limit=0)["total"] == _search(client, actor="member_states", limit=0)["total"]
    response = client.get("/v1/mandates", params={"actor": "UNESCO"})
    assert response.status_code == 400
    assert "unep" in response.json()["error"] and "member_states" in response.json()["error"]


def test_export_csv_has_the_document_symbol_and_human_labels(client) -> None:
    response = client.get("/v1/export", params={"q": "含铅涂料", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows
    for row in rows:
        assert row["document_symbol"] == "UNEP/EA.4/3"
        assert row["actor_label"] in {"UNEP", "Member States", "UN system", "Stakeholders", "Intergovernmental bodies"}
        assert row["with_partners_label"] in {"yes", "no"}
        assert row["language_label"] == "Chinese"


# --- 3. every table row can be cited -------------------------------------------------------------------


def test_table_rows_are_cited_by_their_place_in_the_report(client) -> None:
    body = _search(client, q="含铅涂料", limit=100)
    table_hits = [h for h in body["hits"] if h["mandate"]["source"]["kind"] == "table"]
    assert table_hits
    for hit in table_hits:
        m = hit["mandate"]
        assert hit["citation"] == m["citation"]
        assert hit["citation"].startswith("UNEP/EA.4/3, annex II, row ")
        assert hit["citation"].endswith(f"(on resolution {m['resolution_number']})")
        assert m["source"]["section"].startswith("行动领域")
    lead = [h for h in table_hits if h["mandate"]["resolution_number"] == "3/9"]
    assert len({h["citation"] for h in lead}) == len(lead) > 1
    on_3_9 = _search(client, q="3/9", limit=100)  # a resolution known only from the table: in row order
    assert on_3_9["resolution"] == "UNEP/EA.3/Res.9" and on_3_9["total"] == len(on_3_9["hits"]) > 1
    places = [(h["mandate"]["source"]["row"], h["mandate"]["source"]["item"] or 0) for h in on_3_9["hits"]]
    assert places == sorted(places)


# --- 8. precedents that are precedents ----------------------------------------------------------------


@pytest.fixture(scope="module")
def chemicals_client(classifier, tmp_path_factory):
    """The seed plus the chemicals-and-waste resolutions (mercury, lead) and 4/6 (marine litter)."""
    from fastapi.testclient import TestClient

    from corpus.registry import OriginalStore
    from index import open_index
    from labelling.ingest import ingest_paths
    from models.embedders import get_default_embedder
    from service.app import create_app
    from service.settings import Settings

    home = tmp_path_factory.mktemp("precedents")
    index = open_index(backend="sqlite", home=home, embedder=get_default_embedder())
    names = ("UNEP_EA.4_3.zh.txt", "UNEP_EA.6_RES.9.json", "UNEP_EA.5_RES.7.json", "UNEP_EA.4_RES.6.json")
    ingest_paths([BUNDLED / n for n in names], index, classifier=classifier, store=OriginalStore(home))
    app = create_app(Settings(home=home, token=TOKEN, preload=False), index=index, classifier=classifier)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    index.close()


def _precedents(client, text: str) -> list[dict]:
    response = client.post("/v1/classify", json={"text": text})
    assert response.status_code == 200, response.text
    mandates = response.json()["mandates"]
    assert len(mandates) == 1
    return mandates[0]["precedents"]


@pytest.mark.parametrize(
    ("draft", "topic"),
    [
        ("Requests the Executive Director to support countries in reducing mercury emissions", r"mercury|汞"),
        ("Urges Member States to phase out lead in paint", r"\blead\b|含铅涂料|铅"),
        ("Calls upon Member States to prevent marine plastic litter from entering the oceans", r"plastic|塑料"),
    ],
)
def test_precedents_share_the_drafts_topic(chemicals_client, draft, topic) -> None:
    precedents = _precedents(chemicals_client, draft)
    assert 0 < len(precedents) <= 5
    assert any(re.search(topic, p["text"], re.I) for p in precedents[:3]), [p["text"][:60] for p in precedents]
    assert len({p["resolution"] for p in precedents}) == len(precedents)  # distinct resolutions
    for p in precedents:
        assert p["citation"] and p["why"]
        assert p["matched_words"] or (p["similarity"] is not None and p["similarity"] >= RELEVANCE_FLOOR)


# --- 4. documents that are not UNEA resolutions do not pass as UNEA ------------------------------------

AUTH = {"Authorization": f"Bearer {TOKEN}"}
MOON_DRAFT = (
    "Resolution 7/99. Protecting the lunar environment\n\n"
    "1. Requests the Executive Director to prepare a report on lunar dust.\n"
    "2. Urges Member States to reduce litter left on the Moon.\n"
)


def test_bundled_documents_say_their_body_and_kind(chemicals_client) -> None:
    docs = {d["document"]["symbol"]: d["document"] for d in chemicals_client.get("/v1/documents").json()["documents"]}
    assert (docs["UNEP/EA.4/3"]["body"], docs["UNEP/EA.4/3"]["kind"]) == ("unea", "report")
    assert (docs["UNEP/EA.6/Res.9"]["body"], docs["UNEP/EA.6/Res.9"]["kind"]) == ("unea", "resolution")
    assert all(d["official"] and not d["uploaded"] for d in docs.values())


def test_an_uploaded_ga_resolution_is_marked_and_is_no_unea_session(chemicals_client) -> None:
    pdf = GA_PDFS / "A_RES_79_212.pdf"
    r = chemicals_client.post("/v1/documents", headers=AUTH, files={"file": (pdf.name, pdf.read_bytes(), "application/pdf")})
    assert r.status_code == 201, r.text
    document = r.json()["document"]
    try:
        assert (document["symbol"], document["body"], document["kind"]) == ("A/RES/79/212", "unga", "resolution")
        assert document["official"] and document["uploaded"]
        sessions = _search(chemicals_client)["facets"]["session"]
        assert "79" not in sessions  # the session facet is UNEA's: no "UNEA-79"
        with_uploads = _search(chemicals_client, limit=0)["total"]
        without = _search(chemicals_client, uploaded="false", limit=0)["total"]
        assert with_uploads - without == r.json()["mandates_found"] > 0
        assert _search(chemicals_client, q="A/RES/79/212")["resolution"] == "A/RES/79/212"
        coverage = chemicals_client.get("/v1/documents").json()["coverage"]
        assert coverage["uploaded"] == 1 and coverage["by_body_session"]["UN General Assembly, session 79"] == 1
    finally:
        assert chemicals_client.delete(f"/v1/documents/{document['id']}", headers=AUTH).status_code == 200


def test_a_draft_numbered_like_a_resolution_gets_no_unea_symbol(chemicals_client) -> None:
    r = chemicals_client.post("/v1/documents", headers=AUTH, files={"file": ("moon.txt", MOON_DRAFT.encode(), "text/plain")})
    assert r.status_code == 201, r.text
    document = r.json()["document"]
    try:
        assert document["symbol"] is None and document["body"] is None and not document["official"]
        mandates = chemicals_client.get(f"/v1/documents/{document['id']}").json()["mandates"]
        assert mandates and all(not m["resolution"].startswith("UNEP/EA.") for m in mandates)
        assert {m["citation"] for m in mandates} == {"7/99, para. 1", "7/99, para. 2"}
        assert all(m["session"] is None for m in mandates)
    finally:
        chemicals_client.delete(f"/v1/documents/{document['id']}", headers=AUTH)


# --- 7. an HTML page is not a document -----------------------------------------------------------------


def test_an_html_page_is_refused_with_the_reason(chemicals_client) -> None:
    page = b"<!DOCTYPE html>\n<html><head><title>UNEA</title></head><body><p>Requests the Executive Director</p></body></html>"
    before = chemicals_client.get("/v1/documents").json()["total"]
    r = chemicals_client.post("/v1/documents", headers=AUTH, files={"file": ("resolution.pdf", page, "application/pdf")})
    assert r.status_code == 422
    assert "HTML" in r.json()["error"]
    assert chemicals_client.get("/v1/documents").json()["total"] == before


# --- 9. coverage -----------------------------------------------------------------------------------------


def test_documents_say_what_the_index_holds(client) -> None:
    body = client.get("/v1/documents").json()
    coverage = body["coverage"]
    assert coverage["documents"] == body["total"] == sum(coverage["by_body_session"].values())
    assert coverage["by_body_session"]["UNEA-4"] == 2 and coverage["by_body_session"]["UNEA-2"] == 1
    assert coverage["mandates_by_language"]["zh"] == 265
    assert coverage["mandates"] == _search(client, limit=0)["total"]
    assert coverage["by_kind"] == {"resolution": 3, "report": 1}


# --- 5. a resolution's page ----------------------------------------------------------------------------


def test_a_resolution_page_has_its_operative_part_adoption_date_and_official_link(client) -> None:
    for symbol in ("UNEP/EA.4/Res.6", "4/6"):
        r = client.get(f"/v1/resolutions/{symbol}")
        assert r.status_code == 200, r.text
        page = r.json()
        assert page["resolution"] == "UNEP/EA.4/Res.6" and page["adopted"] == "2019-03-15"
        assert page["official_url"] == "https://undocs.org/UNEP/EA.4/Res.6"
        assert page["title"].startswith("Marine plastic litter")
        numbers = [p["number"] for p in page["paragraphs"]]
        assert numbers[:3] == ["1", "2", "2(a)"] or numbers[0] == "1"
        assert [paragraph_key(n) for n in numbers] == sorted(paragraph_key(n) for n in numbers)
        marked = {i for p in page["paragraphs"] for i in p["mandates"]}
        assert marked == {m["id"] for m in page["mandates"]}  # every mandate sits in a paragraph shown
        assert any(not p["mandates"] for p in page["paragraphs"])  # operative paragraphs without one are shown too
        assert all(p["text"] for p in page["paragraphs"])


def test_a_resolution_known_from_the_table_shows_its_rows(client) -> None:
    page = client.get("/v1/resolutions/3/9").json()
    assert page["resolution"] == "UNEP/EA.3/Res.9" and page["document"] is None
    assert (page["adopted"], page["adopted_source"]) == ("2017-12-06", "session")  # UNEA-3's last day, not a document's
    assert page["mandates"] and all(m["citation"].endswith("(on resolution 3/9)") for m in page["mandates"])
    assert client.get("/v1/resolutions/9/999").status_code == 404


def test_the_cli_says_when_the_index_is_empty_and_where_it_looked(tmp_path, monkeypatch, capsys) -> None:
    from service.cli import main

    monkeypatch.setenv("UNEA_MANDATES_HOME", str(tmp_path))
    monkeypatch.setenv("UNEA_MANDATES_BACKEND", "sqlite")
    code = main(["search", "plastic"])
    err = capsys.readouterr().err
    assert code == 1
    assert "the index is empty" in err and str(tmp_path / "index") in err and "ingest" in err
