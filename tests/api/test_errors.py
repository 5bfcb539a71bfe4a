"""Every error is an RFC 9457 problem with the right status, and a failed request stores nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import BOTH_STORES, EXAMPLE_TTL, assert_problem, create, running, settings_for, store_state
from tests.api.graphs import environment

pytestmark = [pytest.mark.anyio, *BOTH_STORES]
MAX_BODY = 64 * 1024
MAX_TRIPLES = 1000
TURTLE = {"content-type": "text/turtle"}
BROKEN_TURTLE = b"""@prefix hv: <https://w3id.org/hv-advisor/ontology#> .
@prefix ex: <https://example.org/> .
ex:vm1 a hv:VirtualMachine ;
    hv:runsOn ex:hv01 ex:hv02 .
"""


@pytest.fixture(scope="module")
async def limited(tmp_path_factory: pytest.TempPathFactory, store_kind: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_for(
        tmp_path_factory.mktemp("data"), max_body_bytes=MAX_BODY, max_triples=MAX_TRIPLES, max_literal_length=100
    )
    async with running(settings) as client:
        await create(client, EXAMPLE_TTL.read_bytes(), name="Baseline")
        yield client


@pytest.fixture
async def baseline(limited: httpx.AsyncClient) -> AsyncIterator[str]:
    """The id of the stored environment; after the test the store must be exactly as before it."""
    before = await store_state(limited)
    yield before[0][0]
    assert await store_state(limited) == before


WRITES = ["POST /v1/environments", "PUT /v1/environments/{id}", "POST /v1/validate"]


def requests_for(baseline_id: str) -> Iterator[tuple[str, str]]:
    for write in WRITES:
        method, path = write.split(" ")
        yield method, path.format(id=baseline_id)


async def send(client: httpx.AsyncClient, method: str, path: str, **kwargs: object) -> httpx.Response:
    return await client.request(method, path, **kwargs)  # type: ignore[arg-type]


async def test_syntax_error_is_400_with_line_and_column(limited: httpx.AsyncClient, baseline: str) -> None:
    for method, path in requests_for(baseline):
        body = assert_problem(
            await send(limited, method, path, content=BROKEN_TURTLE, headers=TURTLE), 400, "syntax-error"
        )
        assert body["line"] == 4
        assert isinstance(body["column"], int)
        assert "line 4" in body["detail"]


async def test_json_syntax_error_is_400_with_line_and_column(limited: httpx.AsyncClient, baseline: str) -> None:
    document = b'{\n  "@context": {},\n  "@id": "x",,\n}'
    for method, path in requests_for(baseline):
        response = await send(limited, method, path, content=document, headers={"content-type": "application/ld+json"})
        body = assert_problem(response, 400, "syntax-error")
        assert (body["line"], body["column"]) == (3, 14)


async def test_unknown_environment_rule_and_route_are_404(limited: httpx.AsyncClient, baseline: str) -> None:
    for method, path in (
        ("GET", "/v1/environments/no-such-env"),
        ("PUT", "/v1/environments/no-such-env"),
        ("DELETE", "/v1/environments/no-such-env"),
        ("GET", "/v1/environments/no-such-env/findings"),
        ("GET", "/v1/environments/no-such-env/report"),
        ("GET", "/v1/environments/..%2F..%2Fetc"),
        ("GET", "/v1/rules/XYZ-999"),
        ("GET", "/v1/nothing-here"),
    ):
        response = await send(limited, method, path, content=EXAMPLE_TTL.read_bytes(), headers=TURTLE)
        assert_problem(response, 404, "not-found")


async def test_wrong_method_is_405_with_allow(limited: httpx.AsyncClient, baseline: str) -> None:
    body = assert_problem(await limited.patch("/v1/environments"), 405, "method-not-allowed")
    response = await limited.patch("/v1/environments")
    assert set(response.headers["allow"].split(", ")) == {"GET", "POST"}
    assert "GET, POST" in body["detail"]
    assert_problem(await limited.delete("/v1/validate"), 405, "method-not-allowed")
    assert_problem(await limited.put("/v1/sparql"), 405, "method-not-allowed")


async def test_unacceptable_accept_is_406(limited: httpx.AsyncClient, baseline: str) -> None:
    png = {"accept": "image/png"}
    for method, path in requests_for(baseline):
        response = await send(limited, method, path, content=EXAMPLE_TTL.read_bytes(), headers={**TURTLE, **png})
        assert_problem(response, 406, "not-acceptable")
    assert_problem(await limited.get(f"/v1/environments/{baseline}", headers={"accept": "text/html"}), 406)
    assert_problem(await limited.get(f"/v1/environments/{baseline}/findings", headers=png), 406)
    assert_problem(await limited.get("/v1/ontology", headers=png), 406)


async def test_body_over_the_limit_is_413_by_content_length(limited: httpx.AsyncClient, baseline: str) -> None:
    large = b"#" * (MAX_BODY + 1)
    for method, path in requests_for(baseline):
        body = assert_problem(await send(limited, method, path, content=large, headers=TURTLE), 413, "limit-exceeded")
        assert (body["limit"], body["maximum"]) == ("max_body_bytes", MAX_BODY)


async def test_streamed_body_over_the_limit_is_413_without_being_read_whole(
    limited: httpx.AsyncClient, baseline: str
) -> None:
    chunk = b"# " + b"x" * 8190 + b"\n"
    chunks = 200  # 1.6 MB, far over the limit

    for method, path in requests_for(baseline):
        sent = 0

        async def stream() -> AsyncIterator[bytes]:
            nonlocal sent
            for _ in range(chunks):
                sent += 1
                yield chunk

        response = await send(limited, method, path, content=stream(), headers=TURTLE)
        assert "content-length" not in response.request.headers
        assert_problem(response, 413, "limit-exceeded")
        assert sent <= MAX_BODY // len(chunk) + 2  # it stopped reading just past the limit


async def test_multipart_upload_over_the_limit_is_413(limited: httpx.AsyncClient, baseline: str) -> None:
    for method, path in requests_for(baseline):
        files = {"file": ("big.ttl", b"#" * (MAX_BODY + 1), "text/turtle")}
        assert_problem(await send(limited, method, path, files=files), 413, "limit-exceeded")


async def test_too_many_triples_or_too_long_a_literal_is_413(limited: httpx.AsyncClient, baseline: str) -> None:
    many = environment(400)  # more than MAX_TRIPLES triples, under MAX_BODY bytes
    assert len(many) < MAX_BODY
    long_literal = b'<https://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "' + b"x" * 101 + b'" .'
    for method, path in requests_for(baseline):
        body = assert_problem(await send(limited, method, path, content=many, headers=TURTLE), 413, "limit-exceeded")
        assert body["limit"] == "max_triples"
        response = await send(
            limited, method, path, content=long_literal, headers={"content-type": "application/n-triples"}
        )
        assert assert_problem(response, 413, "limit-exceeded")["limit"] == "max_literal_length"


async def test_unknown_format_is_415(limited: httpx.AsyncClient, baseline: str) -> None:
    for method, path in requests_for(baseline):
        pdf = await send(limited, method, path, content=b"%PDF-1.7", headers={"content-type": "application/pdf"})
        assert "text/turtle" in assert_problem(pdf, 415, "unsupported-format")["detail"]
        assert_problem(await send(limited, method, path, content=b"x"), 415, "unsupported-format")
        upload = await send(limited, method, path, files={"file": ("graph.docx", b"x", "application/octet-stream")})
        assert_problem(upload, 415, "unsupported-format")
        labelled = await send(
            limited, method, path, files={"file": ("graph", EXAMPLE_TTL.read_bytes())}, data={"format": "yaml"}
        )
        assert "'yaml'" in assert_problem(labelled, 415, "unsupported-format")["detail"]


async def test_unusable_input_is_422(limited: httpx.AsyncClient, baseline: str) -> None:
    remote_context = json.dumps({"@context": "https://example.org/context.jsonld", "@id": "x"}).encode()
    for method, path in requests_for(baseline):
        assert_problem(await send(limited, method, path, content=b"  \n", headers=TURTLE), 422, "invalid-input")
        bad_date = await send(
            limited, method, path, content=EXAMPLE_TTL.read_bytes(), headers=TURTLE, params={"as_of": "soon"}
        )
        assert "as_of" in assert_problem(bad_date, 422, "invalid-input")["detail"]
        bad_format = await send(  # the query parameter is an enum in the OpenAPI document
            limited, method, path, content=EXAMPLE_TTL.read_bytes(), headers=TURTLE, params={"format": "yaml"}
        )
        assert "query format" in assert_problem(bad_format, 422, "invalid-input")["detail"]
        refused = await send(
            limited, method, path, content=remote_context, headers={"content-type": "application/ld+json"}
        )
        assert_problem(refused, 422, "refused-input")
        no_file = await send(limited, method, path, files={"other": ("x.ttl", b"x")})
        assert_problem(no_file, 422, "invalid-input")
    long_name = await send(
        limited,
        "POST",
        "/v1/environments",
        content=EXAMPLE_TTL.read_bytes(),
        headers=TURTLE,
        params={"name": "n" * 201},
    )
    assert assert_problem(long_name, 422, "invalid-input")["limit"] == "max_name_length"


@pytest.fixture
async def hurried(tmp_path: Path, store_kind: str) -> AsyncIterator[httpx.AsyncClient]:
    """A service whose time limits are far shorter than any real parse, validation or query."""
    settings = settings_for(
        tmp_path / "data", parse_timeout_seconds=0.001, max_concurrent_validations=1, sparql_timeout_seconds=0.5
    )
    async with running(settings) as client:
        yield client


async def test_time_limits_are_503_and_store_nothing(hurried: httpx.AsyncClient) -> None:
    document = environment(10_000)  # about a megabyte: parsing it takes far longer than a millisecond
    for method, path in (("POST", "/v1/validate"), ("POST", "/v1/environments")):
        body = assert_problem(await send(hurried, method, path, content=document, headers=TURTLE), 503, "time-limit")
        assert body["limit"] == "parse_timeout_seconds"
        assert "stopped" in body["detail"]
    assert await store_state(hurried) == []
    cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    body = assert_problem(await hurried.get("/v1/sparql", params={"query": cartesian}), 503, "time-limit")
    assert body["limit"] == "sparql_timeout_seconds"


async def test_validation_time_limit_is_503(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data", validation_timeout_seconds=0.001, max_concurrent_validations=1)
    async with running(settings) as client:
        response = await client.post("/v1/environments", content=environment(500), headers=TURTLE)
        assert assert_problem(response, 503, "time-limit")["limit"] == "validation_timeout_seconds"
        assert await store_state(client) == []


async def test_writes_need_the_api_key_when_one_is_set(tmp_path: Path) -> None:
    async with running(settings_for(tmp_path / "data", api_key="s3cret")) as client:
        for method, path in (
            ("POST", "/v1/environments"),
            ("PUT", "/v1/environments/x"),
            ("DELETE", "/v1/environments/x"),
        ):
            response = await send(client, method, path, content=EXAMPLE_TTL.read_bytes(), headers=TURTLE)
            assert_problem(response, 401, "unauthorized")
            wrong = await send(
                client, method, path, content=EXAMPLE_TTL.read_bytes(), headers={**TURTLE, "x-api-key": "nope"}
            )
            assert_problem(wrong, 401, "unauthorized")
        assert await store_state(client) == []
        keyed = await client.post(
            "/v1/environments", content=EXAMPLE_TTL.read_bytes(), headers={**TURTLE, "x-api-key": "s3cret"}
        )
        assert keyed.status_code == 201
        assert (await client.get("/v1/environments")).status_code == 200  # reads stay open
        assert (await client.post("/v1/validate", content=EXAMPLE_TTL.read_bytes(), headers=TURTLE)).status_code == 200


async def test_reads_need_the_api_key_when_protected(tmp_path: Path) -> None:
    async with running(settings_for(tmp_path / "data", api_key="s3cret", protect_reads=True)) as client:
        assert_problem(await client.get("/v1/environments"), 401, "unauthorized")
        assert_problem(await client.get("/v1/sparql", params={"query": "ASK {}"}), 401, "unauthorized")
        assert (await client.get("/v1/environments", headers={"x-api-key": "s3cret"})).status_code == 200
        assert (await client.get("/healthz")).status_code == 200


async def test_broken_multipart_body_is_400(limited: httpx.AsyncClient, baseline: str) -> None:
    for method, path in requests_for(baseline):
        response = await send(
            limited, method, path, content=b"--b\r\nnot a part", headers={"content-type": "multipart/form-data"}
        )
        assert_problem(response, 400, "bad-request")
