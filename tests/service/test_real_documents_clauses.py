"""Issue 24, item 5, through the service: a paragraph holding two mandates (bundled UNEP/EA.2/Res.11 para. 11:
"Requests the Executive Director … to assist Member States …; invites those in a position to do so to support
such action; …") gives two search hits, each with its own citation and clause, and the open addressee of
the second keeps actor none: the shipped model does not guess it (it had said UNEP, 99%)."""

from __future__ import annotations


def test_each_mandate_of_a_paragraph_is_its_own_hit(client) -> None:
    hits = client.get("/v1/mandates", params={"q": '"those in a position to do so"', "resolution": "UNEP/EA.2/Res.11",
                                              "limit": 50}).json()["hits"]
    para_11 = {h["citation"]: h["mandate"] for h in hits if h["mandate"]["paragraph"] == "11"}
    second = para_11["UNEP/EA.2/Res.11, para. 11, second mandate"]
    assert second["clause"] == "invites those in a position to do so to support such action"
    assert (second["actor"], second["actor_source"], second["actor_confidence"]) == (None, "none", None)
    assert second["text"].startswith("Requests the Executive Director")  # the whole paragraph is one click away
    first = client.get("/v1/mandates", params={"q": '"Executive Director" assist', "resolution": "UNEP/EA.2/Res.11",
                                               "limit": 50}).json()["hits"]
    [mine] = [h for h in first if h["citation"] == "UNEP/EA.2/Res.11, para. 11, first mandate"]
    assert mine["mandate"]["clause"].startswith("Requests the Executive Director, within available resources,")
    assert "invites those" not in mine["mandate"]["clause"]
    assert (mine["mandate"]["actor"], mine["mandate"]["actor_source"]) == ("unep", "rule")
