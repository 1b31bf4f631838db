"""The same request through the CLI and through the API gives the same answer (one use case behind
both), on the session's index of real bundled documents: classify, search and export."""

from __future__ import annotations

import json

import pytest

from service.cli import main

DRAFT = (
    "1. Requests the Executive Director to support countries in monitoring microplastics in rivers;\n"
    "2. Urges Member States, in cooperation with relevant stakeholders, to phase out lead paint by 2030;\n"
    "3. 敦促会员国制定、通过和执行消除含铅涂料的法律法规"
)


@pytest.fixture()
def cli_home(monkeypatch, service_home, backend, request):
    """The CLI reads the same home (originals) and the same index the API serves."""
    monkeypatch.setenv("UNEA_MANDATES_HOME", str(service_home))
    monkeypatch.setenv("UNEA_MANDATES_BACKEND", backend)
    if backend == "elasticsearch":
        from tests.index.backends import es_prefix

        monkeypatch.setenv("ELASTICSEARCH_URL", request.getfixturevalue("elasticsearch_server").url)
        monkeypatch.setenv("UNEA_MANDATES_ES_PREFIX", es_prefix(service_home))
    return service_home


def test_classify_cli_and_api_find_and_label_the_same_mandates(client, cli_home, capsys) -> None:
    assert main(["classify", DRAFT, "--format", "jsonl"]) == 0
    cli = json.loads(capsys.readouterr().out)["mandates"]
    api = client.post("/v1/classify", json={"text": DRAFT}).json()["mandates"]
    assert len(api) == len(cli) >= 3
    for from_api, from_cli in zip(api, cli, strict=True):
        assert from_api.pop("precedents"), from_api  # the API adds precedents from the index
        assert from_cli.pop("is_mandate") is True
        assert from_api == from_cli
    assert [m["actor"] for m in cli][:2] == ["unep", "member_states"]


@pytest.mark.parametrize(
    ("cli_args", "params"),
    [
        (["微塑料", "--actor", "unep"], {"q": "微塑料", "actor": "unep"}),
        (["plastic AND pollution", "--lang", "en"], {"q": "plastic AND pollution", "language": "en"}),
        (["marine litter", "--mode", "hybrid"], {"q": "marine litter", "mode": "hybrid"}),
        (["", "--area", "knowledge", "--with-partners", "true"], {"action_area": "knowledge", "with_partners": "1"}),
    ],
)
def test_search_cli_and_api_give_the_same_hits(client, cli_home, capsys, cli_args, params) -> None:
    assert main(["search", *cli_args, "--format", "jsonl", "--limit", "20"]) == 0
    cli = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    body = client.get("/v1/mandates", params={**params, "limit": 20}).json()
    api = [{**hit["mandate"], **{k: hit[k] for k in ("score", "highlight", "citation")}} for hit in body["hits"]]
    assert cli, "the search finds something in the bundled documents"
    assert cli == api


def test_search_cli_and_api_refuse_the_same_malformed_query(client, cli_home, capsys) -> None:
    assert main(["search", "plastic AND", "--format", "jsonl"]) == 2
    cli_error = capsys.readouterr().err
    api = client.get("/v1/mandates", params={"q": "plastic AND"})
    assert api.status_code == 400
    assert api.json()["error"].removeprefix("malformed query: ") in cli_error


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_cli_and_api_write_the_same_file(client, cli_home, tmp_path, capsys, fmt) -> None:
    out = tmp_path / f"export.{fmt}"
    assert main(["export", '"Executive Director"', "--lang", "en", "--format", fmt, "-o", str(out)]) == 0
    api = client.get("/v1/export", params={"q": '"Executive Director"', "language": "en", "format": fmt})
    assert api.status_code == 200
    assert out.read_bytes() == api.content
    if fmt == "json":
        rows = json.loads(api.content)
        assert len(rows) > 10 and all("Executive Director" in r["text"] for r in rows)
