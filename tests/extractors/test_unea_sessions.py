"""Adoption dates by session: UNEA's sessions as data, and a registry record without a date dated
by its session (marked so), never a draft's or a report's."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from extractors.pipeline import extract_path, extract_raw
from extractors.raw import RawBlock, RawDocument
from extractors.unea_sessions import session_adoption_date, sessions, unea_session_of

BUNDLED = Path(__file__).resolve().parents[2] / "corpus" / "bundled"


def test_each_session_adopts_on_the_last_day_it_met() -> None:
    assert {n: s.adopted for n, s in sessions().items()} == {
        1: "2014-06-27",
        2: "2016-05-27",
        3: "2017-12-06",
        4: "2019-03-15",
        5: "2022-03-02",  # the resumed session in Nairobi, not the online first part of February 2021
        6: "2024-03-01",
        7: "2025-12-12",
    }
    assert sessions()[5].parts[0] == ("2021-02-22", "2021-02-23")
    for session in sessions().values():
        days = [day for part in session.parts for day in part]
        assert days == sorted(days)
    assert session_adoption_date(99) is None and session_adoption_date(None) is None


@pytest.mark.parametrize(
    ("key", "session"),
    [
        ("UNEP/EA.3/Res.7", 3),
        ("UNEP/EA.4/HLS.1", 4),
        ("UNEP/EA.1/L.13", None),  # a draft: not adopted as such
        ("UNEP/EA.4/3", None),  # a report
        ("A/RES/79/206", None),
        ("3/7", None),
        ("Marine litter", None),
        (None, None),
    ],
)
def test_only_an_adopted_unea_texts_symbol_names_its_session(key, session) -> None:
    assert unea_session_of(key) == session


@pytest.fixture(scope="module")
def registry_documents():
    return {p.name: extract_path(p).document for p in sorted(BUNDLED.glob("UNEP_EA.*.json"))}


def test_every_bundled_registry_record_has_a_date_and_says_where_it_came_from(registry_documents) -> None:
    sources = Counter(d.date_source for d in registry_documents.values())
    assert sources == {"document": 58, "session": 2, None: 1}
    for name, document in registry_documents.items():
        if document.date_source == "document":
            # what the records state agrees with the session data: the data is right
            assert document.date == session_adoption_date(document.session), name
    by_session = {
        n: (d.symbol, d.kind, d.date) for n, d in registry_documents.items() if d.date_source == "session"
    }
    assert by_session == {
        "UNEP_EA.4_HLS.1.json": ("UNEP/EA.4/HLS.1", "ministerial_declaration", "2019-03-15"),
        "UNEP_EA.6_RES.1.json": ("UNEP/EA.6/Res.1", "resolution", "2024-03-01"),
    }
    draft = registry_documents["UNEP_EA.1_L.13.json"]
    assert (draft.kind, draft.date, draft.date_source) == ("draft", None, None)


def test_a_draft_or_a_report_is_never_dated_by_a_session() -> None:
    blocks = [
        RawBlock("UNEP/EA.3/Res.7"),
        RawBlock("Resolution adopted by the United Nations Environment Assembly"),
        RawBlock("3/7. Marine litter and microplastics"),
        RawBlock("1. Requests the Executive Director to report on marine litter;"),
    ]
    adopted = extract_raw(
        RawDocument(
            source="UNEP_EA.3_RES.7.json",
            id="x",
            format="registry-json",
            blocks=blocks,
            metadata={"symbol": "UNEP/EA.3/Res.7"},
        )
    )
    assert (adopted.document.date, adopted.document.date_source) == ("2017-12-06", "session")
    draft = extract_raw(RawDocument(source="draft", id="y", format="text", blocks=blocks[2:]), draft=True)
    assert (draft.document.date, draft.document.date_source) == (None, None)
