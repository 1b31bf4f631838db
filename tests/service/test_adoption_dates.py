"""Adoption dates by session (issue 24, item 8): a resolution whose own document is not indexed (the
seed's Annex II rows on 3/x) or states no date is dated by its UNEA session's last day, and every
answer says the date was derived from the session, not read from a document."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from extractors.pipeline import extract_path
from extractors.tables import load_seed_annex_mandates
from service.usecases.browse import AdoptionDates
from service.usecases.export import export_mandates
from service.usecases.search import build_query, search_mandates

BUNDLED = Path(__file__).resolve().parents[2] / "corpus" / "bundled"


def test_the_seeds_annex_rows_are_dated_by_their_session_unless_their_resolution_is_indexed() -> None:
    seed = load_seed_annex_mandates()
    alone = AdoptionDates([])
    assert Counter((m.session, alone.of(m), alone.source_of(m)) for m in seed) == {
        (1, "2014-06-27", "session"): 38,
        (2, "2016-05-27", "session"): 81,
        (3, "2017-12-06", "session"): 146,
    }
    documents = [extract_path(p).document for p in sorted(BUNDLED.glob("UNEP_EA.*.json"))]
    dates = AdoptionDates(documents)
    # a row on a bundled resolution (2/x) takes its document's stated date; the others their session's
    stated = [m for m in seed if dates.source_of(m) == "document"]
    assert stated and all(m.session == 2 and dates.of(m) == "2016-05-27" for m in stated)
    assert all(dates.of(m) for m in seed)
    unea3 = dates.resolutions_in([2017], {m.resolution for m in seed})
    assert unea3 and all(r.startswith("UNEP/EA.3/Res.") for r in unea3)
    assert "UNEP/EA.6/Res.1" in dates.resolutions_in([2024])  # a record without a date, dated by its session


def test_year_2017_finds_unea_3_through_the_search_use_case(index) -> None:
    result = search_mandates(index, build_query(years=[2017], limit=1000))
    assert result.total == 146  # the seed's Annex II rows on resolutions 3/x (was 0)
    assert {(h.adopted, h.adopted_source) for h in result.hits} == {("2017-12-06", "session")}
    assert {h.mandate.resolution.split("/Res.")[0] for h in result.hits} == {"UNEP/EA.3"}
    with_words = search_mandates(index, build_query(q="plastic", years=[2017, 2019], limit=1000))
    assert {h.adopted for h in with_words.hits} <= {"2017-12-06", "2019-03-15"}


def test_sorting_by_date_places_session_dates_among_stated_ones(index) -> None:
    hits = search_mandates(index, build_query(sort="date", limit=1000)).hits
    dates = [h.adopted or "" for h in hits]
    assert dates == sorted(dates, reverse=True) and "" not in dates
    sources = [h.adopted_source for h in hits]
    assert (
        sources.index("session") < len(sources) - sources[::-1].index("document") - 1
    )  # interleaved, not last


def test_the_export_csv_fills_adopted_and_says_by_session(index) -> None:
    exported = export_mandates(index, build_query(limit=10), cap=10_000)
    rows = list(csv.DictReader(io.StringIO(exported.body.decode("utf-8-sig"))))
    assert rows and all(r["adopted"] for r in rows)
    by_source = Counter((r["resolution"].split("/Res.")[0], r["adopted_source"]) for r in rows)
    assert by_source[("UNEP/EA.3", "session")] == 146 and by_source[("UNEP/EA.3", "document")] == 0
    assert {r["adopted_source"] for r in rows if r["resolution"] == "UNEP/EA.4/Res.6"} == {"document"}


def test_the_api_and_a_resolution_page_say_adopted_by_session(client) -> None:
    body = client.get("/v1/mandates", params={"year": 2017, "limit": 3}).json()
    assert body["total"] == 146
    assert all((h["adopted"], h["adopted_source"]) == ("2017-12-06", "session") for h in body["hits"])
    stated = client.get("/v1/resolutions/UNEP/EA.4/Res.6").json()
    assert (stated["adopted"], stated["adopted_source"]) == ("2019-03-15", "document")
    derived = client.get("/v1/resolutions/3/9").json()
    assert (derived["adopted"], derived["adopted_source"], derived["document"]) == (
        "2017-12-06",
        "session",
        None,
    )
