"""Environments: create, list, read in four syntaxes, replace atomically, delete, findings and report."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from advisor.loading import RdfFormat, parse_bytes
from advisor.validation import validate
from tests.api.conftest import (
    BOTH_STORES,
    EXAMPLE_TTL,
    EXAMPLES,
    assert_problem,
    create,
    running,
    settings_for,
    store_content,
)
from tests.api.graphs import environment, unprotected

pytestmark = [pytest.mark.anyio, *BOTH_STORES]
RDF_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def triples_of(data: bytes, fmt: ox.RdfFormat) -> set[str]:
    return {str(q.triple) for q in ox.parse(data, format=fmt)}


def example_triples() -> set[str]:
    return triples_of(EXAMPLE_TTL.read_bytes(), ox.RdfFormat.TURTLE)


async def test_create_answers_201_with_location_and_summary(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/environments",
        content=EXAMPLE_TTL.read_bytes(),
        headers={"content-type": "text/turtle"},
        params={"name": "Branch office", "as_of": "2026-11-25"},
    )
    assert response.status_code == 201
    summary = response.json()
    assert response.headers["location"] == f"/v1/environments/{summary['id']}" == summary["links"]["self"]
    assert summary["id"].startswith("branch-office-")
    assert summary["name"] == "Branch office"
    assert summary["triples"] == len(example_triples())
    assert summary["graph"] == f"urn:hv-advisor:environment:{summary['id']}"
    report = validate(parse_bytes(EXAMPLE_TTL.read_bytes(), RdfFormat.TURTLE), as_of=dt.date(2026, 11, 25))
    assert summary["counts"] == report.counts()
    assert summary["conforms"] is report.conforms
    assert summary["as_of"] == "2026-11-25"


async def test_created_environment_is_listed(client: httpx.AsyncClient) -> None:
    created = await create(client, EXAMPLE_TTL.read_bytes(), name="Listed")
    listing = (await client.get("/v1/environments")).json()["environments"]
    entry = next(e for e in listing if e["id"] == created["id"])
    assert entry == created
    assert entry["last_validated"] is not None


async def test_upload_name_and_file_name_name_the_environment(client: httpx.AsyncClient) -> None:
    data = EXAMPLE_TTL.read_bytes()
    by_file = await client.post("/v1/environments", files={"file": ("datacenter-east.ttl", data)})
    assert by_file.status_code == 201 and by_file.json()["name"] == "datacenter-east"
    assert by_file.json()["source"] == "datacenter-east.ttl"
    by_field = await client.post("/v1/environments", files={"file": ("x.ttl", data)}, data={"name": "East"})
    assert by_field.status_code == 201 and by_field.json()["name"] == "East"


@pytest.mark.parametrize("media_type", list(RDF_TYPES))
async def test_graph_is_served_in_the_accepted_syntax(client: httpx.AsyncClient, media_type: str) -> None:
    created = await create(client, EXAMPLE_TTL.read_bytes())
    response = await client.get(created["links"]["self"], headers={"accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert triples_of(response.content, RDF_TYPES[media_type]) == example_triples()


async def test_graph_defaults_to_turtle(client: httpx.AsyncClient) -> None:
    created = await create(client, (EXAMPLES / "environment.jsonld").read_bytes(), "application/ld+json")
    response = await client.get(created["links"]["self"])
    assert response.headers["content-type"].startswith("text/turtle")
    assert triples_of(response.content, ox.RdfFormat.TURTLE) == example_triples()


async def test_put_replaces_graph_and_findings(client: httpx.AsyncClient) -> None:
    created = await create(client, environment(40, tag="-a"), name="Replace me")
    replaced = await client.put(
        created["links"]["self"], content=environment(60, tag="-b"), headers={"content-type": "text/turtle"}
    )
    assert replaced.status_code == 200
    summary = replaced.json()
    assert summary["id"] == created["id"] and summary["name"] == "Replace me"
    assert summary["created"] == created["created"]
    graph = await client.get(created["links"]["self"], headers={"accept": "application/n-triples"})
    assert triples_of(graph.content, ox.RdfFormat.N_TRIPLES) == triples_of(
        environment(60, tag="-b"), ox.RdfFormat.TURTLE
    )
    findings = await client.get(created["links"]["findings"])
    labels = {f["focus_label"] for f in findings.json()["findings"] if f["rule_id"] == "COV-001"}
    assert labels == unprotected(60, tag="-b")


async def test_put_can_rename(client: httpx.AsyncClient) -> None:
    created = await create(client, EXAMPLE_TTL.read_bytes(), name="Old")
    response = await client.put(
        created["links"]["self"],
        content=EXAMPLE_TTL.read_bytes(),
        headers={"content-type": "text/turtle"},
        params={"name": "New"},
    )
    assert response.json()["name"] == "New"


async def test_delete_removes_the_environment(client: httpx.AsyncClient) -> None:
    created = await create(client, EXAMPLE_TTL.read_bytes())
    response = await client.delete(created["links"]["self"])
    assert response.status_code == 204 and response.content == b""
    assert_problem(await client.get(created["links"]["self"]), 404)
    assert created["id"] not in {e["id"] for e in (await client.get("/v1/environments")).json()["environments"]}
    query = f"ASK {{ GRAPH <{created['graph']}> {{ ?s ?p ?o }} }}"
    assert (await client.get("/v1/sparql", params={"query": query})).json()["boolean"] is False
    query = f"ASK {{ GRAPH <{created['findings_graph']}> {{ ?s ?p ?o }} }}"
    assert (await client.get("/v1/sparql", params={"query": query})).json()["boolean"] is False


async def summary_of(client: httpx.AsyncClient, environment_id: str) -> dict:
    listing = (await client.get("/v1/environments")).json()["environments"]
    return next(e for e in listing if e["id"] == environment_id)


async def test_findings_validate_the_current_graph_as_of_a_date_and_record_nothing(
    client: httpx.AsyncClient,
) -> None:
    created = await create(client, EXAMPLE_TTL.read_bytes(), as_of="2026-02-01")
    graph = parse_bytes(EXAMPLE_TTL.read_bytes(), RdfFormat.TURTLE)
    before = store_content(client)
    for as_of in ("2026-02-01", "2027-06-01"):
        response = await client.get(created["links"]["findings"], params={"as_of": as_of})
        assert response.status_code == 200
        expected = validate(graph, as_of=dt.date.fromisoformat(as_of), blast_radius=True)  # JSON shows it
        assert response.json() == expected.contract()
    assert store_content(client) == before
    assert (await summary_of(client, created["id"]))["as_of"] == "2026-02-01"  # what create recorded


async def test_revalidation_records_the_findings_as_of_a_date(client: httpx.AsyncClient) -> None:
    created = await create(client, EXAMPLE_TTL.read_bytes(), as_of="2026-02-01")
    graph = parse_bytes(EXAMPLE_TTL.read_bytes(), RdfFormat.TURTLE)
    later = validate(graph, as_of=dt.date(2027, 6, 1), blast_radius=True)  # the JSON report shows it
    assert later.counts() != validate(graph, as_of=dt.date(2026, 2, 1)).counts()  # the date makes a difference
    response = await client.post(f"{created['links']['self']}/validate", params={"as_of": "2027-06-01"})
    assert response.status_code == 200, response.text
    assert response.json() == later.contract()
    latest = await summary_of(client, created["id"])
    assert (latest["as_of"], latest["counts"], latest["conforms"]) == ("2027-06-01", later.counts(), later.conforms)
    assert latest["last_validated"] >= created["last_validated"]  # stored to the second
    assert latest["modified"] == created["modified"]  # the graph is the same
    query = f"""PREFIX svc: <https://w3id.org/hv-advisor/service#>
        SELECT ?asOf WHERE {{ GRAPH <{created["findings_graph"]}> {{ ?findings svc:asOf ?asOf }} }}"""
    rows = (await client.get("/v1/sparql", params={"query": query})).json()["results"]["bindings"]
    assert [row["asOf"]["value"] for row in rows] == ["2027-06-01"]
    sarif = await client.post(f"{created['links']['self']}/validate", headers={"accept": "application/sarif+json"})
    assert sarif.status_code == 200
    assert sarif.json()["runs"][0]["artifacts"][0]["location"]["uri"] == created["links"]["self"]
    assert_problem(await client.post("/v1/environments/no-such-env/validate"), 404, "not-found")


@pytest.mark.parametrize("name", ["/etc/passwd", "../../x", "C:\\x", "file:///x", "environment.ttl"])
async def test_sarif_of_a_stored_environment_points_at_its_api_url_and_its_n_triples(
    client: httpx.AsyncClient, name: str
) -> None:
    created = await create(client, EXAMPLE_TTL.read_bytes(), name=name)
    assert created["name"] == name
    sarif = await client.get(created["links"]["findings"], headers={"accept": "application/sarif+json"})
    run = sarif.json()["runs"][0]
    assert run["artifacts"] == [{"location": {"uri": created["links"]["self"]}, "mimeType": "application/n-triples"}]
    assert "file:" not in sarif.text
    graph = await client.get(created["links"]["self"], headers={"accept": "application/n-triples"})
    lines = graph.text.splitlines()
    located = [r for r in run["results"] if "region" in r["locations"][0]["physicalLocation"]]
    named = [r for r in run["results"] if not r["properties"]["focusNode"].startswith("_:")]
    assert located and len(located) == len(named)  # every resource with an IRI is found in the N-Triples
    for result in located:
        region = result["locations"][0]["physicalLocation"]["region"]
        written = lines[region["startLine"] - 1][region["startColumn"] - 1 : region["endColumn"] - 1]
        assert written == f"<{result['properties']['focusNode']}>"


async def test_findings_in_other_formats_and_the_html_report(client: httpx.AsyncClient) -> None:
    created = await create(client, EXAMPLE_TTL.read_bytes(), name="Reported")
    csv = await client.get(created["links"]["findings"], headers={"accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv") and "COV-001" in csv.text
    report = await client.get(created["links"]["report"])
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "WEB01" in report.text and "Reported" in report.text


async def test_findings_graph_holds_a_shacl_report_joinable_with_the_data(client: httpx.AsyncClient) -> None:
    created = await create(client, EXAMPLE_TTL.read_bytes())
    query = f"""
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        PREFIX hvs: <https://w3id.org/hv-advisor/shapes#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX svc: <https://w3id.org/hv-advisor/service#>
        SELECT ?label WHERE {{
            GRAPH <{created["findings_graph"]}> {{
                ?findings svc:environment <{created["graph"]}> ; svc:report ?report .
                ?report a sh:ValidationReport ; sh:result ?r . ?r hvs:ruleId "COV-001" ; sh:focusNode ?node
            }}
            GRAPH <{created["graph"]}> {{ ?node rdfs:label ?label }}
        }}"""
    rows = (await client.get("/v1/sparql", params={"query": query})).json()["results"]["bindings"]
    assert [row["label"]["value"] for row in rows] == ["WEB01"]


async def test_concurrent_replaces_never_show_a_mix(client: httpx.AsyncClient) -> None:
    """Readers (graph GETs and SPARQL counts) run while two writers replace the graph again and again."""
    graphs = {tag: environment(30, tag=tag) for tag in ("-a", "-b", "-c")}
    expected = {tag: triples_of(data, ox.RdfFormat.TURTLE) for tag, data in graphs.items()}
    created = await create(client, graphs["-a"])
    count_query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{created['graph']}> {{ ?s ?p ?o }} }}"
    sizes = {len(t) for t in expected.values()}
    assert len(sizes) == 1  # same size: only the content can tell them apart
    seen_graphs: list[set[str]] = []
    counts: list[int] = []
    stop = asyncio.Event()

    async def writer(order: list[str]) -> None:
        for tag in order * 3:
            response = await client.put(
                created["links"]["self"], content=graphs[tag], headers={"content-type": "text/turtle"}
            )
            assert response.status_code == 200

    async def reader() -> None:
        while not stop.is_set():
            response = await client.get(created["links"]["self"], headers={"accept": "application/n-triples"})
            seen_graphs.append(triples_of(response.content, ox.RdfFormat.N_TRIPLES))
            result = await client.get("/v1/sparql", params={"query": count_query})
            counts.append(int(result.json()["results"]["bindings"][0]["n"]["value"]))

    readers = [asyncio.create_task(reader()) for _ in range(3)]
    await asyncio.gather(writer(["-b", "-c"]), writer(["-c", "-a"]))
    stop.set()
    await asyncio.gather(*readers)
    assert seen_graphs and counts
    for seen in seen_graphs:
        assert seen in expected.values()
    assert set(counts) == sizes
    final = await client.get(created["links"]["self"], headers={"accept": "application/n-triples"})
    assert triples_of(final.content, ox.RdfFormat.N_TRIPLES) in expected.values()
    summary = next(e for e in (await client.get("/v1/environments")).json()["environments"] if e["id"] == created["id"])
    assert summary["triples"] == len(expected["-a"])


async def test_bundled_samples_are_loaded_on_first_start_only(tmp_path: Path, example_samples: Path) -> None:
    settings = settings_for(tmp_path / "data", load_samples=True, samples_dir=example_samples)
    async with running(settings) as client:
        listing = (await client.get("/v1/environments")).json()["environments"]
        assert sorted(e["id"] for e in listing) == ["branch", "branch-copy"]
        assert {e["triples"] for e in listing} == {len(example_triples())}
        assert (await client.delete("/v1/environments/branch")).status_code == 204
    async with running(settings) as client:  # not loaded again: the store is not new
        listing = (await client.get("/v1/environments")).json()["environments"]
        assert [e["id"] for e in listing] == ["branch-copy"]


async def test_a_broken_sample_is_skipped_and_the_others_load(tmp_path: Path, example_samples: Path) -> None:
    (example_samples / "broken.ttl").write_text("@prefix : <urn:x> .\n:a :b", encoding="utf-8")
    (example_samples / "notes.txt").write_text("not a graph", encoding="utf-8")
    settings = settings_for(tmp_path / "data", load_samples=True, samples_dir=example_samples)
    async with running(settings) as client:
        listing = (await client.get("/v1/environments")).json()["environments"]
        assert sorted(e["id"] for e in listing) == ["branch", "branch-copy"]
        assert (await client.get("/readyz")).status_code == 200
