"""Every limit the service answers names the setting that raises it, with its environment variable."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.api.conftest import EXAMPLE_TTL, assert_problem, create, running, settings_for
from tests.api.graphs import environment

pytestmark = pytest.mark.anyio
LIMITS = {
    "max_body_bytes": 64 * 1024,
    "max_triples": 1000,
    "max_literal_length": 100,
    "max_nesting_depth": 20,
    "max_name_length": 30,
    "sparql_max_query_length": 2000,
    "sparql_max_results": 3,
}
TURTLE = {"content-type": "text/turtle"}


def raised_by(setting: str) -> str:
    return f"raise it with the setting {setting} (ADVISOR_{setting.upper()})"


@pytest.fixture(scope="module")
async def limited(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with running(settings_for(tmp_path_factory.mktemp("data"), **LIMITS)) as client:
        await create(client, EXAMPLE_TTL.read_bytes(), name="Branch")
        yield client


async def test_the_body_size(limited: httpx.AsyncClient) -> None:
    maximum = LIMITS["max_body_bytes"]
    response = await limited.post("/v1/validate", content=b"#" * (maximum + 1), headers=TURTLE)
    body = assert_problem(response, 413, "limit-exceeded")
    assert body["detail"] == (
        f"the request body is {maximum + 1} bytes, more than the limit of {maximum} bytes; "
        + raised_by("max_body_bytes")
    )


async def test_the_body_size_of_a_stream(limited: httpx.AsyncClient) -> None:
    async def stream() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b"# " + b"x" * 8190 + b"\n"

    body = assert_problem(await limited.post("/v1/validate", content=stream(), headers=TURTLE), 413)
    assert body["detail"].endswith(raised_by("max_body_bytes"))


async def test_the_triples(limited: httpx.AsyncClient) -> None:
    body = assert_problem(await limited.post("/v1/validate", content=environment(400), headers=TURTLE), 413)
    assert body["detail"] == f"the graph has more than {LIMITS['max_triples']} triples; " + raised_by("max_triples")


async def test_a_literal(limited: httpx.AsyncClient) -> None:
    document = b'<https://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "' + b"x" * 101 + b'" .'
    response = await limited.post("/v1/validate", content=document, headers={"content-type": "application/n-triples"})
    body = assert_problem(response, 413, "limit-exceeded")
    assert body["detail"] == (
        "a literal of 101 characters is longer than the limit of 100; " + raised_by("max_literal_length")
    )


async def test_the_nesting(limited: httpx.AsyncClient) -> None:
    deep = b'{"@id": "https://example.org/a", "https://example.org/p": ' + b"[" * 30 + b"1" + b"]" * 30 + b"}"
    response = await limited.post("/v1/validate", content=deep, headers={"content-type": "application/ld+json"})
    body = assert_problem(response, 413, "limit-exceeded")
    assert body["detail"] == (
        "the JSON document is nested deeper than the limit of 20; " + raised_by("max_nesting_depth") + " (at most 500)"
    )


async def test_a_name(limited: httpx.AsyncClient) -> None:
    response = await limited.post(
        "/v1/environments", content=EXAMPLE_TTL.read_bytes(), headers=TURTLE, params={"name": "n" * 31}
    )
    body = assert_problem(response, 422, "invalid-input")
    assert body["detail"].endswith("more than the limit of 30; " + raised_by("max_name_length"))


async def test_a_query_and_its_results(limited: httpx.AsyncClient) -> None:
    long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 2000
    body = assert_problem(await limited.get("/v1/sparql", params={"query": long_query}), 413)
    assert body["detail"].endswith(raised_by("sparql_max_query_length"))
    many = await limited.get("/v1/sparql", params={"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"})
    body = assert_problem(many, 422, "result-limit")
    assert body["detail"].endswith("(the limit is the setting sparql_max_results (ADVISOR_SPARQL_MAX_RESULTS))")


async def test_under_every_limit_the_same_service_answers(limited: httpx.AsyncClient) -> None:
    """The near miss: a graph and a query within the limits are answered."""
    response = await limited.post("/v1/validate", content=EXAMPLE_TTL.read_bytes(), headers=TURTLE)
    assert response.status_code == 200, response.text
    ask = await limited.get("/v1/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert ask.status_code == 200, ask.text
