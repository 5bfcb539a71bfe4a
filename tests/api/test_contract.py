"""The OpenAPI contract, strict where it says so: `as_of` is exactly YYYY-MM-DD and `format` one of its enum
on every route that has them, every error an operation returns is declared as a problem, every answer's
media type is declared."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from advisor.loading import RdfFormat
from api.schemas import Problem
from tests.api.conftest import EXAMPLE_TTL, assert_problem, create, running, settings_for, store_state

pytestmark = pytest.mark.anyio
TURTLE = {"content-type": "text/turtle"}
# The routes with an as-of date when this was written; routes added later are found in the document too.
AS_OF_ROUTES = {
    "POST /v1/validate",
    "POST /v1/environments",
    "PUT /v1/environments/{environment_id}",
    "GET /v1/environments/{environment_id}/findings",
    "GET /v1/environments/{environment_id}/report",
    "POST /v1/environments/{environment_id}/validate",
}
FORMAT_ROUTES = {"POST /v1/validate", "POST /v1/environments", "PUT /v1/environments/{environment_id}"}
NOT_DATES = ["0", "2026-1-1", "20261201", "2026-12-01T00:00:00", "2026-02-30", "", "１２３４-12-01"]
PROBLEM_SCHEMA_KEYS = {"type", "title", "status", "detail", "code", "instance"}


@pytest.fixture(scope="module")
async def service(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with running(settings_for(tmp_path_factory.mktemp("data"))) as client:
        yield client


@pytest.fixture(scope="module")
async def environment_id(service: httpx.AsyncClient) -> str:
    return (await create(service, EXAMPLE_TTL.read_bytes(), name="Contract"))["id"]


@pytest.fixture(scope="module")
async def document(service: httpx.AsyncClient) -> dict:
    return (await service.get("/openapi.json")).json()


def operations(document: dict) -> Iterator[tuple[str, dict]]:
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def with_parameter(document: dict, name: str) -> set[str]:
    return {
        key
        for key, operation in operations(document)
        if any(p["name"] == name and p["in"] == "query" for p in operation.get("parameters", []))
    }


def request_for(route: str, environment_id: str) -> tuple[str, str, dict]:
    method, path = route.split(" ")
    body = {"content": EXAMPLE_TTL.read_bytes(), "headers": TURTLE} if method in ("POST", "PUT") else {}
    if route.endswith("/validate") and "{environment_id}" in path:
        body = {}
    return method, path.format(environment_id=environment_id), body


async def test_as_of_takes_exactly_an_iso_date_on_every_route(
    service: httpx.AsyncClient, document: dict, environment_id: str
) -> None:
    routes = with_parameter(document, "as_of")
    assert routes >= AS_OF_ROUTES
    for route, operation in operations(document):
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "as_of":
                assert {"type": "string", "format": "date"} in parameter["schema"]["anyOf"], route
    before = await store_state(service)
    for route in sorted(routes):
        method, path, body = request_for(route, environment_id)
        for text in NOT_DATES:
            response = await service.request(method, path, params={"as_of": text}, **body)
            problem = assert_problem(response, 422, "invalid-input")
            assert "query as_of: Input should be" in problem["detail"], (route, text, problem)
            assert "query as_of" in [error["where"] for error in problem["errors"]], (route, problem)
        assert await store_state(service) == before, route


async def test_an_iso_date_is_the_near_miss(service: httpx.AsyncClient, environment_id: str) -> None:
    for route in sorted(AS_OF_ROUTES):
        method, path, body = request_for(route, environment_id)
        response = await service.request(method, path, params={"as_of": "2026-12-01"}, **body)
        assert response.status_code in (200, 201), (route, response.text)
        if response.headers["content-type"].startswith("application/json"):
            answer = response.json()
            assert answer.get("as_of", "2026-12-01") == "2026-12-01", route


async def test_the_format_parameter_is_an_enum_and_refuses_other_names(
    service: httpx.AsyncClient, document: dict, environment_id: str
) -> None:
    routes = with_parameter(document, "format")
    assert routes >= FORMAT_ROUTES
    enum = document["components"]["schemas"]["RdfFormat"]["enum"]
    assert enum == [fmt.value for fmt in RdfFormat]
    for route, operation in operations(document):
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "format":
                assert {"$ref": "#/components/schemas/RdfFormat"} in parameter["schema"]["anyOf"], route
    before = await store_state(service)
    for route in sorted(routes):
        method, path, body = request_for(route, environment_id)
        for name in ("ttl", "yaml", "TURTLE"):
            problem = assert_problem(await service.request(method, path, params={"format": name}, **body), 422)
            assert "query format: Input should be 'turtle', 'json-ld', 'n-triples' or 'rdf-xml'" in problem["detail"]
    assert await store_state(service) == before
    for route in sorted(routes):
        method, path, body = request_for(route, environment_id)
        if route in FORMAT_ROUTES:
            accepted = await service.request(method, path, params={"format": "turtle"}, **body)
            assert accepted.status_code in (200, 201), (route, accepted.text)


async def test_a_format_that_contradicts_the_content_type_is_refused(
    service: httpx.AsyncClient, environment_id: str
) -> None:
    turtle = EXAMPLE_TTL.read_bytes()
    before = await store_state(service)
    for route in sorted(FORMAT_ROUTES):
        method, path, _ = request_for(route, environment_id)
        response = await service.request(method, path, params={"format": "json-ld"}, content=turtle, headers=TURTLE)
        problem = assert_problem(response, 422, "invalid-input")
        assert problem["detail"] == (
            "the parameter format=json-ld contradicts the Content-Type text/turtle (turtle): leave the parameter out, "
            "or make the two agree"
        )
        assert problem["parameter"] == "format"
    assert await store_state(service) == before
    for route in sorted(FORMAT_ROUTES):  # a generic Content-Type leaves the choice to the parameter
        method, path, _ = request_for(route, environment_id)
        for generic in ("text/plain", "application/octet-stream"):
            response = await service.request(
                method, path, params={"format": "turtle"}, content=turtle, headers={"content-type": generic}
            )
            assert response.status_code in (200, 201), (route, generic, response.text)


async def test_every_error_response_is_a_declared_problem(document: dict) -> None:
    problem = Problem.model_json_schema()
    assert set(problem["required"]) >= PROBLEM_SCHEMA_KEYS
    errors = 0
    for route, operation in operations(document):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert list(response["content"]) == ["application/problem+json"], (route, status)
                schema = response["content"]["application/problem+json"]["schema"]
                assert (schema["title"], schema["required"], set(schema["properties"])) == (
                    "Problem",
                    problem["required"],
                    set(problem["properties"]),
                ), (route, status)
                errors += 1
    assert errors > 50


async def test_every_answer_declares_its_media_types(document: dict) -> None:
    for route, operation in operations(document):
        for status, response in operation["responses"].items():
            if status != "204":
                assert response.get("content"), (route, status)


async def test_each_operation_declares_the_statuses_it_can_answer(document: dict) -> None:
    declared = {route: set(map(int, operation["responses"])) for route, operation in operations(document)}
    graph_writes = {400, 401, 406, 413, 415, 422, 503}
    assert declared["POST /v1/validate"] >= graph_writes - {401}
    assert declared["POST /v1/environments"] >= graph_writes
    assert declared["PUT /v1/environments/{environment_id}"] >= graph_writes | {404}
    for route in AS_OF_ROUTES:
        assert 422 in declared[route], route
    assert declared["GET /v1/environments/{environment_id}/findings"] >= {404, 406, 422, 503}
    assert declared["POST /v1/sparql"] >= {400, 406, 413, 415, 422, 503}
    assert declared["GET /v1/sparql"] >= {400, 406, 422, 503}
    assert 401 not in declared["GET /v1/rules"]  # reads are open unless protect_reads is set


async def test_protected_reads_declare_401(tmp_path_factory: pytest.TempPathFactory) -> None:
    settings = settings_for(tmp_path_factory.mktemp("data"), api_key="k" * 32, protect_reads=True)
    async with running(settings) as client:
        document = (await client.get("/openapi.json")).json()
        for route, operation in operations(document):
            if " /v1/" in route:
                assert "401" in operation["responses"], route
        for path in ("/v1/rules", "/v1/environments", "/v1/ontology"):
            assert_problem(await client.get(path), 401, "unauthorized")
        for route in ("GET /healthz", "GET /readyz", "GET /metrics"):
            assert "401" not in dict(operations(document))[route]["responses"], route
