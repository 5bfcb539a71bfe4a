"""Reads never write: every GET route, in every media type it offers and with every parameter it takes, leaves
the whole store (every quad of every graph: environments, findings, metadata) as it was."""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import BOTH_STORES, EXAMPLE_TTL, create, store_content

pytestmark = [pytest.mark.anyio, *BOTH_STORES]
CREATED_AS_OF = "2026-02-01"
READ_AS_OF = "2027-06-01"  # far enough from the recorded date that its findings differ (TST-002 ages)
# Pages and files outside the OpenAPI document.
UNDOCUMENTED_GETS = ("/", "/docs", "/redoc", "/sparql", "/openapi.json", "/static/advisor.css")


def query_values(environment: dict) -> dict[str, str]:
    """A value for each query parameter a GET route may take."""
    return {
        "as_of": READ_AS_OF,
        "query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 5",
        "default-graph-uri": environment["graph"],
        "named-graph-uri": environment["findings_graph"],
        "from": "1",
        "to": "1",
    }


def path_values(environment: dict) -> dict[str, str]:
    return {"environment_id": environment["id"], "rule_id": "COV-001", "revision": "1"}


def get_requests(schema: dict, environment: dict) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    """(path, query, headers) for every GET operation: bare, with each parameter it takes, in each media type."""
    requests: list[tuple[str, dict[str, str], dict[str, str]]] = [(path, {}, {}) for path in UNDOCUMENTED_GETS]
    paths, queries = path_values(environment), query_values(environment)
    for template, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        path = template
        every_query: dict[str, str] = {}
        for parameter in operation.get("parameters", []):
            name = parameter["name"]
            if parameter["in"] == "path":
                assert name in paths, f"no value for the path parameter {name} of GET {template}: add one"
                path = path.replace("{" + name + "}", paths[name])
            elif parameter["in"] == "query":
                assert name in queries, f"no value for the query parameter {name} of GET {template}: add one"
                every_query[name] = queries[name]
        media_types = list(operation["responses"].get("200", {}).get("content", {}))
        requests.append((path, {}, {}))
        requests += [(path, {name: value}, {}) for name, value in every_query.items()]
        requests += [(path, every_query, {"accept": media_type}) for media_type in media_types]
    return requests


async def test_no_get_route_changes_the_store(client: httpx.AsyncClient) -> None:
    environment = await create(client, EXAMPLE_TTL.read_bytes(), name="Read only", as_of=CREATED_AS_OF)
    schema = (await client.get("/openapi.json")).json()
    requests = get_requests(schema, environment)
    assert {"/v1/environments/{environment_id}/findings", "/v1/environments/{environment_id}/report"} <= set(
        schema["paths"]
    )
    before = store_content(client)
    assert any(environment["findings_graph"] in quad for quad in before)  # the findings are in what is compared
    answered = set()
    for path, query, headers in requests:
        response = await client.get(path, params=query, headers=headers)
        assert response.status_code < 500, (path, query, headers, response.text[:500])
        assert store_content(client) == before, f"GET {path} {query} {headers} changed the store"
        if response.status_code == 200:
            answered.add(path)
    expected = {path for path, _, _ in requests}
    assert answered == expected, expected - answered  # each route answered at least once: nothing was skipped
