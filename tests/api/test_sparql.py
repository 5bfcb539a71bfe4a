"""The SPARQL endpoint: protocol, result formats, dataset, refusals and limits."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from api.routers.pages import example_queries
from tests.api.conftest import BOTH_STORES, EXAMPLE_TTL, assert_problem, create, running, settings_for
from tests.security.harness import Tripwire

pytestmark = [pytest.mark.anyio, *BOTH_STORES]
MAX_RESULTS = 100  # more than the example graph holds, fewer than the whole store
HV = "https://w3id.org/hv-advisor/ontology#"
VMS = f"PREFIX hv: <{HV}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> " + (
    "SELECT ?label WHERE {{ GRAPH <{graph}> {{ ?vm a hv:VirtualMachine ; rdfs:label ?label }} }} ORDER BY ?label"
)


@pytest.fixture(scope="module")
async def sparql(
    tmp_path_factory: pytest.TempPathFactory, store_kind: str
) -> AsyncIterator[tuple[httpx.AsyncClient, dict]]:
    settings = settings_for(tmp_path_factory.mktemp("data"), sparql_max_results=MAX_RESULTS)
    async with running(settings) as client:
        environment = await create(client, EXAMPLE_TTL.read_bytes(), name="Branch")
        yield client, environment


def labels(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [row["label"]["value"] for row in response.json()["results"]["bindings"]]


EXPECTED_VMS = ["APP01", "DC01", "SQL01", "WEB01"]


async def test_get_form_and_direct_post_give_the_same_rows(sparql: tuple[httpx.AsyncClient, dict]) -> None:
    client, env = sparql
    query = VMS.format(graph=env["graph"])
    assert labels(await client.get("/v1/sparql", params={"query": query})) == EXPECTED_VMS
    assert labels(await client.post("/v1/sparql", data={"query": query})) == EXPECTED_VMS
    direct = await client.post("/v1/sparql", content=query, headers={"content-type": "application/sparql-query"})
    assert labels(direct) == EXPECTED_VMS


async def test_select_results_in_json_xml_csv_and_tsv(sparql: tuple[httpx.AsyncClient, dict]) -> None:
    client, env = sparql
    query = VMS.format(graph=env["graph"])
    answers = {}
    for media_type in (
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ):
        response = await client.get("/v1/sparql", params={"query": query}, headers={"accept": media_type})
        assert response.status_code == 200
        assert response.headers["content-type"].split(";")[0] == media_type
        answers[media_type] = response.text
    assert [row["label"] for row in csv.DictReader(io.StringIO(answers["text/csv"]))] == EXPECTED_VMS
    assert answers["text/tab-separated-values"].splitlines() == ["?label"] + [f'"{v}"' for v in EXPECTED_VMS]
    parsed = ox.parse_query_results(
        answers["application/sparql-results+xml"].encode(), format=ox.QueryResultsFormat.XML
    )
    assert [s["label"].value for s in parsed] == EXPECTED_VMS


async def test_construct_and_describe_as_turtle_or_json_ld(sparql: tuple[httpx.AsyncClient, dict]) -> None:
    client, env = sparql
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{env['graph']}> {{ ?s ?p ?o }} }}"
    stored = {str(q.triple) for q in ox.parse(EXAMPLE_TTL.read_bytes(), format=ox.RdfFormat.TURTLE)}
    for media_type, fmt in (("text/turtle", ox.RdfFormat.TURTLE), ("application/ld+json", ox.RdfFormat.JSON_LD)):
        response = await client.get("/v1/sparql", params={"query": construct}, headers={"accept": media_type})
        assert response.headers["content-type"].split(";")[0] == media_type
        assert {str(q.triple) for q in ox.parse(response.content, format=fmt)} == stored
    describe = await client.get("/v1/sparql", params={"query": "DESCRIBE <https://example.org/branch/web01>"})
    assert describe.headers["content-type"].startswith("text/turtle")
    assert "WEB01" in describe.text


async def test_ask(sparql: tuple[httpx.AsyncClient, dict]) -> None:
    client, env = sparql
    yes = await client.get("/v1/sparql", params={"query": f"ASK {{ GRAPH <{env['graph']}> {{ ?s ?p ?o }} }}"})
    assert yes.json() == {"head": {}, "boolean": True}


async def test_dataset_names_every_graph_and_unions_them_by_default(sparql: tuple[httpx.AsyncClient, dict]) -> None:
    client, env = sparql
    graphs = await client.get("/v1/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
    names = {row["g"]["value"] for row in graphs.json()["results"]["bindings"]}
    assert {
        env["graph"],
        env["findings_graph"],
        "urn:hv-advisor:metadata",
        "https://w3id.org/hv-advisor/ontology",
        "https://w3id.org/hv-advisor/shapes",
    } <= names
    # the default graph is the union: data and ontology join without GRAPH
    union = (
        f"PREFIX hv: <{HV}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT DISTINCT ?label WHERE { ?vm a/rdfs:subClassOf* hv:ComputerSystem ; rdfs:label ?label "
        "FILTER(?label = 'WEB01') }"
    )
    assert labels(await client.get("/v1/sparql", params={"query": union})) == ["WEB01"]


async def test_protocol_dataset_parameters_choose_the_graphs(sparql: tuple[httpx.AsyncClient, dict]) -> None:
    client, env = sparql
    query = (
        f"PREFIX hv: <{HV}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?label WHERE { ?vm a hv:VirtualMachine ; rdfs:label ?label } ORDER BY ?label"
    )
    only_ontology = await client.get(
        "/v1/sparql", params={"query": query, "default-graph-uri": "https://w3id.org/hv-advisor/ontology"}
    )
    assert labels(only_ontology) == []
    only_env = await client.post("/v1/sparql", data={"query": query, "default-graph-uri": env["graph"]})
    assert labels(only_env) == EXPECTED_VMS


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DROP ALL",
        "PREFIX ex: <https://example.org/> DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://127.0.0.1:9/graph.ttl>",
        "# a comment first\nclear default",
    ],
)
async def test_updates_are_refused_with_the_reason(sparql: tuple[httpx.AsyncClient, dict], query: str) -> None:
    client, env = sparql
    for response in (
        await client.get("/v1/sparql", params={"query": query}),
        await client.post("/v1/sparql", data={"query": query}),
        await client.post("/v1/sparql", data={"update": query}),
        await client.post("/v1/sparql", content=query, headers={"content-type": "application/sparql-update"}),
    ):
        body = assert_problem(response, 400, "query-refused")
        assert body["reason"] == "update" and "read-only" in body["detail"]
    assert labels(await client.get("/v1/sparql", params={"query": VMS.format(graph=env["graph"])})) == EXPECTED_VMS


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o . SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?x } }",
        "select * where { { select * where { service<http://127.0.0.1:9/>{ ?s ?p ?o } } } }",
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE ?endpoint { ?s ?p ?o } } }",
        "SELECT * WHERE { ?s ?p ?o } # harmless\nSERVICE",
        "SELECT * WHERE { ?s ?p '#' . SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "PREFIX service: <http://127.0.0.1:9/> SELECT * WHERE { SeRvIcE service: { ?s ?p ?o } }",
    ],
)
async def test_service_is_refused_anywhere(sparql: tuple[httpx.AsyncClient, dict], query: str) -> None:
    client, _ = sparql
    body = assert_problem(await client.get("/v1/sparql", params={"query": query}), 400, "query-refused")
    assert body["reason"] == "service" and "network" in body["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 # SERVICE <http://127.0.0.1:9/> is only mentioned in a comment",
        "SELECT ?s WHERE { ?s ?p 'SERVICE <http://127.0.0.1:9/>' } LIMIT 1",
        "PREFIX service: <http://example.org/> SELECT ?s WHERE { ?s service:p ?service } LIMIT 1",
        "SELECT ?s WHERE { ?s <http://example.org/SERVICE> ?o } LIMIT 1",
        'SELECT ?s WHERE { ?s ?p """multi\nline INSERT""" } LIMIT 1',
    ],
)
async def test_the_word_service_or_insert_elsewhere_is_fine(sparql: tuple[httpx.AsyncClient, dict], query: str) -> None:
    client, _ = sparql
    response = await client.get("/v1/sparql", params={"query": query})
    assert response.status_code == 200, response.text


async def test_syntax_error_is_400_with_line_and_column(sparql: tuple[httpx.AsyncClient, dict]) -> None:
    client, _ = sparql
    body = assert_problem(
        await client.get("/v1/sparql", params={"query": "SELECT *\nWHERE { ?s ?p }"}), 400, "query-syntax-error"
    )
    assert body["line"] == 2 and isinstance(body["column"], int)
    assert_problem(await client.get("/v1/sparql"), 400, "query-syntax-error")


async def test_result_limit_refuses_with_the_reason(sparql: tuple[httpx.AsyncClient, dict]) -> None:
    client, _ = sparql
    for query in ("SELECT * WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }"):
        body = assert_problem(await client.get("/v1/sparql", params={"query": query}), 422, "result-limit")
        assert body["limit"] == "sparql_max_results" and body["maximum"] == MAX_RESULTS
        assert str(MAX_RESULTS) in body["detail"] and "LIMIT" in body["detail"]
    exactly = await client.get("/v1/sparql", params={"query": f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_RESULTS}"})
    assert len(exactly.json()["results"]["bindings"]) == MAX_RESULTS


async def test_unacceptable_media_type_and_unknown_content_type(sparql: tuple[httpx.AsyncClient, dict]) -> None:
    client, _ = sparql
    response = await client.get("/v1/sparql", params={"query": "ASK {}"}, headers={"accept": "text/csv"})
    assert_problem(response, 406, "not-acceptable")
    response = await client.post("/v1/sparql", content="ASK {}", headers={"content-type": "text/plain"})
    assert_problem(response, 415, "unsupported-format")


async def test_timeout_kills_the_query_and_the_endpoint_keeps_working(tmp_path: Path, store_kind: str) -> None:
    async with running(settings_for(tmp_path / "data", sparql_timeout_seconds=0.5, max_concurrent_queries=1)) as client:
        pool = client.app.state.service.queries  # type: ignore[attr-defined]
        cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        assert (await client.get("/v1/sparql", params={"query": "ASK {}"})).status_code == 200
        before = {worker.process.pid for worker in pool._all}
        body = assert_problem(await client.get("/v1/sparql", params={"query": cartesian}), 503, "time-limit")
        assert body["limit"] == "sparql_timeout_seconds" and body["maximum"] == 0.5
        if store_kind == "embedded":  # a remote store evaluates it: the request is dropped, the store's limit stops it
            after = {worker.process.pid for worker in pool._all}
            assert before.isdisjoint(after)  # the worker that ran it was replaced
            for pid in before:
                assert not Path(f"/proc/{pid}").exists()  # and is gone
        assert (await client.get("/v1/sparql", params={"query": "ASK {}"})).json()["boolean"] is True


async def test_every_example_query_runs_and_finds_rows(sparql: tuple[httpx.AsyncClient, dict]) -> None:
    client, _ = sparql
    for example in example_queries():
        response = await client.post("/v1/sparql", data={"query": example.query})
        assert response.status_code == 200, (example.title, response.text)
        rows = json.loads(response.content)["results"]["bindings"]
        assert rows, example.title
        assert {row["environment"]["value"] for row in rows} == {"Branch"}, example.title


async def test_no_query_makes_the_store_reach_the_network(sparql: tuple[httpx.AsyncClient, dict]) -> None:
    """FROM, FROM NAMED and the protocol's dataset name graphs of the store: none is fetched, on either store
    (a remote store is where the settings point, whatever the request names)."""
    client, _ = sparql
    tripwire = Tripwire()
    try:
        graphs = f"FROM <{tripwire.url('/from')}> FROM NAMED <{tripwire.url('/named')}>"
        query = f"ASK {graphs} {{ GRAPH ?g {{ ?s ?p ?o }} }}"
        response = await client.get("/v1/sparql", params={"query": query})
        assert response.status_code == 200, response.text
        dataset = {"query": "ASK { ?s ?p ?o }", "default-graph-uri": tripwire.url("/default")}
        assert (await client.post("/v1/sparql", data=dataset)).json()["boolean"] is False
    finally:
        tripwire.close()
    assert tripwire.connections == []


async def test_from_chooses_the_dataset_as_the_protocol_parameters_do(sparql: tuple[httpx.AsyncClient, dict]) -> None:
    client, env = sparql
    where = f"PREFIX hv: <{HV}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    select = "SELECT ?label {from} WHERE {{ ?vm a hv:VirtualMachine ; rdfs:label ?label }} ORDER BY ?label"
    ontology = where + select.format(**{"from": "FROM <https://w3id.org/hv-advisor/ontology>"})
    assert labels(await client.get("/v1/sparql", params={"query": ontology})) == []
    environment = where + select.format(**{"from": f"FROM <{env['graph']}>"})
    assert labels(await client.get("/v1/sparql", params={"query": environment})) == EXPECTED_VMS
    prefixed = f"PREFIX env: <urn:hv-advisor:environment:> {where}" + select.format(
        **{"from": f"FROM env:{env['id']}"}
    )
    assert labels(await client.get("/v1/sparql", params={"query": prefixed})) == EXPECTED_VMS
    named_only = where + select.format(**{"from": f"FROM NAMED <{env['graph']}>"})
    assert labels(await client.get("/v1/sparql", params={"query": named_only})) == []
