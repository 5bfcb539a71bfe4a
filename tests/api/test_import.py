"""POST /v1/import, and inventories in POST /v1/validate and /v1/environments (raw collector body, multipart)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from advisor.importers import Source, import_inventory
from tests.api.conftest import assert_problem
from tests.importers.conftest import DATA, SQL01, triples

pytestmark = pytest.mark.anyio
INVENTORY = "application/vnd.hv-advisor.inventory+json"
COLLECTOR = DATA / "collector" / "cluster.json"
RAW_51 = DATA / "raw-5.1"
AS_OF = {"as_of": "2026-11-25"}
EXPECTED = json.loads((DATA / "expected-findings.json").read_text(encoding="utf-8"))
EXPECTED_WITH_OVERLAY = json.loads((DATA / "expected-findings-overlay.json").read_text(encoding="utf-8"))
PROVENANCE = ("http://www.w3.org/ns/prov#", "shapes#producedBy", "urn:hv-advisor:source:")


def _findings(report: dict) -> list[list[str]]:
    return sorted([f["rule_id"], f["focus_node"], Path(f["focus_label"]).name] for f in report["findings"])


def _without_provenance(found: set[str]) -> set[str]:
    return {t for t in found if not any(marker in t for marker in PROVENANCE)}


def _raw_files(overlay: bool = False) -> list[tuple[str, tuple[str, bytes]]]:
    files = [("inventory", (p.name, p.read_bytes())) for p in sorted(RAW_51.iterdir())]
    if overlay:
        files.append(("overlay", ("site.toml", (DATA / "site.toml").read_bytes())))
    return files


async def test_import_the_collector_document_gives_its_graph_in_turtle(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/import", content=COLLECTOR.read_bytes(), headers={"content-type": INVENTORY})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/turtle")
    assert response.headers["x-import-warnings"] == "0"
    graph = {str(q.triple) for q in ox.parse(response.content, format=ox.RdfFormat.TURTLE)}
    expected = triples(import_inventory([Source("cluster.json", COLLECTOR.read_bytes())]))
    assert _without_provenance(graph) == _without_provenance(expected)
    assert '<urn:hv-advisor:source:inventory.json> <http://www.w3.org/2000/01/rdf-schema#label> "inventory.json"' \
        in graph


async def test_import_several_files_and_an_overlay_as_multipart(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/import", files=_raw_files(overlay=True),
                                 headers={"accept": "application/n-triples"})
    assert response.status_code == 200, response.text
    assert response.headers["x-import-warnings"] == "1"  # the overlay's DC*, which matches nothing
    graph = {str(q.triple) for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)}
    assert f"<{SQL01}> <https://w3id.org/hv-advisor/ontology#tier> <https://w3id.org/hv-advisor/ontology#Production>" \
        in graph


async def test_import_answers_json_ld_by_accept(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/import", content=COLLECTOR.read_bytes(),
                                 headers={"content-type": INVENTORY, "accept": "application/ld+json"})
    assert response.status_code == 200
    assert any(q.subject.value == SQL01 for q in ox.parse(response.content, format=ox.RdfFormat.JSON_LD))


async def test_import_of_a_document_breaking_the_schema_is_a_problem_naming_it(client: httpx.AsyncClient) -> None:
    document = json.loads(COLLECTOR.read_text(encoding="utf-8"))
    document["vms"][0]["State"] = 2
    response = await client.post("/v1/import", content=json.dumps(document, indent=2),
                                 headers={"content-type": INVENTORY})
    body = assert_problem(response, 422, "invalid-inventory")
    assert ".vms[0].State breaks the collector schema (inventory-1.schema.json): 2 is not of type 'string'" \
        in body["detail"]
    assert isinstance(body["line"], int)


async def test_import_of_an_unknown_document_kind_is_a_problem(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/import", files=[("inventory", ("svc.json", b'[{"Name": "Spooler"}]'))])
    body = assert_problem(response, 422, "invalid-inventory")
    assert body["detail"].startswith("svc.json, line 1, object 1: unknown document kind")


async def test_import_without_an_inventory_is_a_problem(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/import", content=b"<a> <b> <c> .", headers={"content-type": "text/turtle"})
    body = assert_problem(response, 422)
    assert "the request carries no inventory" in body["detail"]


async def test_validate_the_collector_document(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/validate", content=COLLECTOR.read_bytes(), params=AS_OF,
                                 headers={"content-type": INVENTORY})
    assert response.status_code == 200, response.text
    assert _findings(response.json()) == EXPECTED


async def test_validate_raw_exports_with_an_overlay_as_multipart(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/validate", files=_raw_files(overlay=True), params=AS_OF)
    assert response.status_code == 200, response.text
    assert _findings(response.json()) == EXPECTED_WITH_OVERLAY


async def test_validate_sarif_points_at_the_uploaded_inventory_file_and_line(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/validate", files=_raw_files(), params=AS_OF,
                                 headers={"accept": "application/sarif+json"})
    [result] = [r for r in response.json()["runs"][0]["results"] if r["ruleId"] == "COV-003"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "get-vm.json"
    lines = (RAW_51 / "get-vm.json").read_text(encoding="utf-8-sig").splitlines()
    assert '"Name":  "SQL01"' in lines[location["region"]["startLine"]]


async def test_an_environment_from_an_inventory(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/environments", content=COLLECTOR.read_bytes(), params=AS_OF,
                                 headers={"content-type": INVENTORY})
    assert response.status_code == 201, response.text
    location = response.headers["location"]
    findings = await client.get(f"{location}/findings", params=AS_OF)
    assert findings.status_code == 200, findings.text
    assert _findings(findings.json()) == EXPECTED


async def test_the_openapi_document_offers_the_inventory_forms(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    for path in ("/v1/validate", "/v1/environments", "/v1/import"):
        content = document["paths"][path]["post"]["requestBody"]["content"]
        assert INVENTORY in content and "multipart/form-data" in content
        assert content[INVENTORY]["example"]["format"] == "hv-advisor-inventory"
    form = document["paths"]["/v1/validate"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert {"file", "inventory", "overlay"} <= set(form["properties"])


async def test_an_inventory_body_that_is_no_json_object_or_array_is_a_problem(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/validate", content=b'"SQL01"', headers={"content-type": INVENTORY})
    body = assert_problem(response, 422, "invalid-inventory")
    assert "is a JSON object (the collector's document) or the JSON array of a cmdlet's export" in body["detail"]


async def test_validate_raw_exports_without_an_overlay(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/validate", files=_raw_files(), params=AS_OF)
    assert response.status_code == 200, response.text
    assert _findings(response.json()) == EXPECTED


async def test_validate_the_collector_file_with_the_overlay_as_multipart(client: httpx.AsyncClient) -> None:
    files = [("inventory", ("cluster.json", COLLECTOR.read_bytes())),
             ("overlay", ("site.toml", (DATA / "site.toml").read_bytes()))]
    response = await client.post("/v1/validate", files=files, params=AS_OF)
    assert response.status_code == 200, response.text
    assert _findings(response.json()) == EXPECTED_WITH_OVERLAY


async def test_more_files_than_max_inventory_files_is_a_limit_naming_the_setting(tmp_path) -> None:
    from tests.api.conftest import running, settings_for

    async with running(settings_for(tmp_path, max_inventory_files=2)) as small:
        response = await small.post("/v1/import", files=_raw_files()[:3])
    body = assert_problem(response, 413, "limit-exceeded")
    assert body["limit"] == "max_inventory_files" and "(max_inventory_files)" in body["detail"]


async def test_a_graph_upload_keeps_its_one_file_limit(client: httpx.AsyncClient) -> None:
    graph = b"<urn:a> <urn:b> <urn:c> ."
    files = [("file", ("a.nt", graph)), ("file", ("b.nt", graph))]
    response = await client.post("/v1/validate", files=files)
    body = assert_problem(response, 400)
    assert "Too many files. Maximum number of files is 1." in body["detail"]


async def test_a_form_with_both_a_graph_and_an_inventory_is_refused(client: httpx.AsyncClient) -> None:
    files = [("file", ("a.nt", b"<urn:a> <urn:b> <urn:c> .")), ("inventory", ("cluster.json", COLLECTOR.read_bytes()))]
    body = assert_problem(await client.post("/v1/validate", files=files), 422, "invalid-input")
    assert "holds both a graph ('file') and an inventory ('inventory')" in body["detail"]


@pytest.mark.parametrize("name", ["/etc/passwd", "../../x", "C:\\x", "file:///x", "~/.ssh/id_rsa"])
async def test_an_inventory_named_like_a_path_is_only_a_name(client: httpx.AsyncClient, name: str) -> None:
    vm = [{"Name": "VM1", "Id": "abc", "State": 2, "ProcessorCount": 2, "Generation": 2, "ComputerName": "HV01"}]
    response = await client.post("/v1/import", files={"inventory": (name, json.dumps(vm).encode(), "application/json")})
    assert response.status_code == 200, response.text
    assert "root:x:0:0" not in response.text
    assert "<urn:hv-advisor:vm:abc@hv01>" in response.text


async def test_an_import_over_parse_timeout_seconds_is_stopped_naming_the_setting(tmp_path) -> None:
    from bench.import_inventory import write_exports
    from tests.api.conftest import running, settings_for

    exports = tmp_path / "exports"
    exports.mkdir()
    write_exports(1000, exports)
    files = [("inventory", (p.name, p.read_bytes())) for p in sorted(exports.iterdir())]
    async with running(settings_for(tmp_path / "data", parse_timeout_seconds=0.05)) as slow:
        response = await slow.post("/v1/import", files=files)
        body = assert_problem(response, 503, "time-limit")
        assert body["limit"] == "parse_timeout_seconds" and "importing the inventory took longer" in body["detail"]
        assert (await slow.get("/healthz")).status_code == 200  # the worker was replaced; the service answers
