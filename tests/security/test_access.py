"""Write protection, CORS and the security headers: the real app over httpx, one service per setting."""

from __future__ import annotations

import ast
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from api.headers import CONTENT_SECURITY_POLICY, SECURITY_HEADERS
from tests.api.conftest import ROOT, assert_problem, running, settings_for, store_content
from tests.security.documents import HV

pytestmark = pytest.mark.anyio
KEY = "s3cret-key-0123456789"
TURTLE = {"content-type": "text/turtle"}
HOSTILE_LABEL = '</script><script>alert("x")</script><img src=x onerror=alert(1)>'
GRAPH = f"""@prefix hv: <{HV}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/vm1> a hv:VirtualMachine ; rdfs:label \"\"\"{HOSTILE_LABEL}\"\"\" .
""".encode()
WRONG_KEYS = ["", "nope", KEY[:-1], KEY + "x", KEY.upper(), "ключ-ключ-ключ"]


@pytest.fixture(scope="module")
async def keyed(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with running(settings_for(tmp_path_factory.mktemp("data"), api_key=KEY)) as client:
        created = await client.post(
            "/v1/environments", content=GRAPH, headers={**TURTLE, "x-api-key": KEY}, params={"name": HOSTILE_LABEL}
        )
        assert created.status_code == 201, created.text
        client.environment = created.json()  # type: ignore[attr-defined]
        yield client


def writes(environment_id: str) -> list[tuple[str, str]]:
    return [
        ("POST", "/v1/environments"),
        ("PUT", f"/v1/environments/{environment_id}"),
        ("DELETE", f"/v1/environments/{environment_id}"),
        ("POST", f"/v1/environments/{environment_id}/validate"),  # records findings
    ]


def with_key(key: str) -> dict[str, bytes]:
    return {"x-api-key": key.encode("utf-8")}  # headers travel as bytes: a non-ASCII key arrives as UTF-8


async def test_every_write_needs_the_key_and_a_wrong_key_changes_nothing(keyed: httpx.AsyncClient) -> None:
    before = store_content(keyed)  # every quad: graphs, findings and metadata
    for method, path in writes(keyed.environment["id"]):  # type: ignore[attr-defined]
        for headers in [TURTLE] + [{**TURTLE, **with_key(key)} for key in WRONG_KEYS]:
            response = await keyed.request(method, path, content=GRAPH, headers=headers)
            assert_problem(response, 401, "unauthorized")
            assert response.headers["www-authenticate"].startswith("APIKey")
    assert store_content(keyed) == before


async def test_the_right_key_writes(keyed: httpx.AsyncClient) -> None:
    headers = {**TURTLE, "x-api-key": KEY}
    created = await keyed.post("/v1/environments", content=GRAPH, headers=headers)
    assert created.status_code == 201
    path = created.json()["links"]["self"]
    assert (await keyed.put(path, content=GRAPH, headers=headers)).status_code == 200
    assert (await keyed.post(f"{path}/validate", headers={"x-api-key": KEY})).status_code == 200
    assert (await keyed.delete(path, headers={"x-api-key": KEY})).status_code == 204


async def test_reads_stay_open_when_only_writes_are_protected(keyed: httpx.AsyncClient) -> None:
    environment = keyed.environment  # type: ignore[attr-defined]
    for path in ("/v1/environments", environment["links"]["self"], "/v1/rules", "/v1/ontology"):
        assert (await keyed.get(path)).status_code == 200, path
    assert (await keyed.get("/v1/sparql", params={"query": "ASK {}"})).status_code == 200
    assert (await keyed.post("/v1/validate", content=GRAPH, headers=TURTLE)).status_code == 200


async def test_reads_can_be_locked_too(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data", api_key=KEY, protect_reads=True)
    async with running(settings) as client:
        created = await client.post(
            "/v1/environments", content=GRAPH, headers={**TURTLE, "x-api-key": KEY}, params={"name": "Secret estate"}
        )
        path = created.json()["links"]["self"]
        reads = [
            client.get("/v1/environments"),
            client.get(path),
            client.get(f"{path}/findings"),
            client.get(f"{path}/report"),
            client.get("/v1/sparql", params={"query": "ASK {}"}),
            client.post("/v1/validate", content=GRAPH, headers=TURTLE),
            client.get("/v1/rules"),
        ]
        for read in reads:
            assert_problem(await read, 401, "unauthorized")
        assert (await client.get("/v1/environments", headers={"x-api-key": KEY})).status_code == 200
        landing = await client.get("/")  # a browser cannot send the key with a page: no names on it
        assert landing.status_code == 200
        assert "Secret estate" not in landing.text
        assert "X-API-Key" in landing.text
        for path in ("/healthz", "/readyz"):
            assert (await client.get(path)).status_code == 200


def test_the_key_is_compared_in_constant_time() -> None:
    """The check of api/deps.py compares with hmac.compare_digest (a comparison that stops early leaks it)."""
    tree = ast.parse((ROOT / "api" / "deps.py").read_text(encoding="utf-8"))
    check = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "check_api_key")
    calls = {ast.unparse(n.func) for n in ast.walk(check) if isinstance(n, ast.Call)}
    assert "hmac.compare_digest" in calls
    compared = [n for n in ast.walk(check) if isinstance(n, ast.Compare)]
    assert all(not isinstance(op, ast.Eq | ast.NotEq) for n in compared for op in n.ops)


# ---------------------------------------------------------------- CORS


async def test_cors_is_off_by_default(keyed: httpx.AsyncClient) -> None:
    origin = {"origin": "https://evil.example"}
    response = await keyed.get("/v1/environments", headers=origin)
    assert response.status_code == 200
    assert not any(name.startswith("access-control-") for name in response.headers)
    preflight = await keyed.options("/v1/environments", headers={**origin, "access-control-request-method": "DELETE"})
    assert preflight.status_code == 405
    assert not any(name.startswith("access-control-") for name in preflight.headers)


async def test_cors_allows_only_the_configured_origin_without_credentials(tmp_path: Path) -> None:
    allowed = "https://portal.example"
    async with running(settings_for(tmp_path / "data", cors_origins=[allowed], api_key=KEY)) as client:
        preflight = await client.options(
            "/v1/environments",
            headers={
                "origin": allowed,
                "access-control-request-method": "POST",
                "access-control-request-headers": "x-api-key, content-type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == allowed
        assert "access-control-allow-credentials" not in preflight.headers
        evil = await client.options(
            "/v1/environments", headers={"origin": "https://evil.example", "access-control-request-method": "POST"}
        )
        assert "access-control-allow-origin" not in evil.headers
        read = await client.get("/v1/rules", headers={"origin": "https://evil.example"})
        assert "access-control-allow-origin" not in read.headers


# ---------------------------------------------------------------- headers


async def test_every_answer_carries_the_security_headers(keyed: httpx.AsyncClient) -> None:
    environment = keyed.environment  # type: ignore[attr-defined]
    answers = [
        await keyed.get("/v1/rules"),
        await keyed.get(environment["links"]["self"]),
        await keyed.get("/v1/nothing-here"),  # a problem
        await keyed.post("/v1/validate", content=b"#" * (11 * 1024 * 1024), headers=TURTLE),  # 413 from middleware
        await keyed.get("/static/advisor.css"),
    ]
    for response in answers:
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (response.request.url, name)


async def test_pages_and_html_reports_carry_the_content_security_policy(keyed: httpx.AsyncClient) -> None:
    environment = keyed.environment  # type: ignore[attr-defined]
    html = [
        await keyed.get("/"),
        await keyed.get("/docs"),
        await keyed.get("/sparql"),
        await keyed.get(f"{environment['links']['self']}/report"),
        await keyed.post("/v1/validate", content=GRAPH, headers={**TURTLE, "accept": "text/html"}),
    ]
    for response in html:
        assert response.status_code == 200, response.request.url
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


async def test_a_hostile_label_is_escaped_in_every_html_answer(keyed: httpx.AsyncClient) -> None:
    environment = keyed.environment  # type: ignore[attr-defined]
    for response in (
        await keyed.get(f"{environment['links']['self']}/report"),
        await keyed.post("/v1/validate", content=GRAPH, headers={**TURTLE, "accept": "text/html"}),
        await keyed.get("/"),
    ):
        assert response.status_code == 200
        assert "<script>alert" not in response.text
        assert "<img src=x" not in response.text
        assert re.search(r"&lt;/script&gt;|\\u003c/script\\u003e", response.text), response.request.url
