"""No name a client chooses is ever opened: environments and uploads named like paths, through every route and
every report format of the audited service, and every renderer in this process.

The names are paths and file URIs of every kind (absolute, relative, Windows, file:), one of them an existing
file outside the service's directories (/etc/passwd) and two the canary, which counts every open by any
process. A test passes only if the audit log of every process of the service is empty (no file opened outside
the package and the data directory, no connection), the canary was never opened, no answer carries its secret,
and a stored environment's SARIF names its API URL, never a path.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator

import httpx
import pytest

from advisor.loading import RdfFormat, parse_bytes
from advisor.render import FORMATS, render, render_many
from advisor.report import Report
from advisor.validation import validate
from tests.api.test_reads import get_requests, path_values, query_values
from tests.security import documents
from tests.security.conftest import assert_clean, start_server
from tests.security.harness import AuditedServer, Canary, outbound_guard

PATH_NAMES = ["/etc/passwd", "../../x", "C:\\x", "file:///x", "../../../../../../etc/passwd", "~/.ssh/id_rsa"]
GRAPH = documents.ONE_VM_TURTLE.encode()
INVENTORY = json.dumps([{"Name": "VM1", "Id": "abc", "State": 2, "ProcessorCount": 2, "Generation": 2,
                         "ComputerName": "HV01"}]).encode()
TURTLE = "text/turtle"
SPARQL = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 5"
MULTIPART, SPARQL_QUERY = "multipart/form-data", "application/sparql-query"
AS_OF = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuditedServer]:
    server = start_server(tmp_path_factory)
    try:
        yield server
    finally:
        server.stop()


def every_name(canary: Canary) -> list[str]:
    return [*PATH_NAMES, str(canary.path), canary.uri]


def upload(name: str) -> dict:
    """A file upload named `name`; its format given in the form, since such a name has no extension."""
    return {"files": {"file": (name, GRAPH, TURTLE)}, "data": {"format": "turtle"}}


def report_media_types(schema: dict, path: str, method: str) -> list[str]:
    responses = schema["paths"][path][method]["responses"]
    return list(next((responses[s] for s in ("200", "201") if s in responses), {}).get("content", {}))


def template_of(schema: dict, path: str) -> str:
    """The OpenAPI path a request path was filled in from (itself for pages outside the document)."""
    for template in schema["paths"]:
        if re.fullmatch(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)), path):
            return template
    return path


def assert_names_no_path(response: httpx.Response, environment: dict, name: str) -> None:
    """A stored environment's report: its SARIF artifact is the API URL; nothing carries what a file holds."""
    assert response.status_code == 200, (response.request.url, response.text[:500])
    assert Canary.SECRET not in response.text and "root:x:0:0" not in response.text
    if response.headers["content-type"].startswith("application/sarif+json"):
        artifacts = json.loads(response.text)["runs"][0]["artifacts"]
        # the environment's own URL, or the URL of the revision under it that the findings are of
        uris = [a["location"]["uri"] for a in artifacts]
        own = environment["links"]["self"]
        assert len(uris) == 1 and (uris[0] == own or uris[0].startswith(own + "/revisions/")), (name, uris)
        assert "file:" not in json.dumps(artifacts)


def test_the_reproduction_opens_no_file(service: AuditedServer) -> None:
    """POST /v1/environments?name=/etc/passwd, then its findings as SARIF (issue 10, item 2)."""
    with service.client() as client:
        created = client.post(
            "/v1/environments", params={"name": "/etc/passwd"}, content=GRAPH, headers={"content-type": TURTLE}
        )
        assert created.status_code == 201, created.text
        environment = created.json()
        findings = client.get(environment["links"]["findings"], headers={"accept": "application/sarif+json"})
        assert_names_no_path(findings, environment, "/etc/passwd")
        assert findings.json()["runs"][0]["results"], "the graph has findings: the SARIF locates them"
    assert_clean(service)


def inventory_upload(name: str) -> dict:
    """An inventory (one VM's Get-VM export) uploaded under `name`, for the route that takes only inventories."""
    return {"files": {"inventory": (name, INVENTORY, "application/json")}}


def body_for(method: str, template: str, operation: dict, name: str) -> dict:
    """The request body of an operation: a graph (or an inventory) uploaded under `name`, a SPARQL query, or none."""
    content = operation.get("requestBody", {}).get("content", {})
    if MULTIPART in content and "file" not in content[MULTIPART]["schema"].get("properties", {}):
        return inventory_upload(name)
    if MULTIPART in content:
        return upload(name)
    if SPARQL_QUERY in content:
        return {"content": SPARQL, "headers": {"content-type": SPARQL_QUERY}}
    assert not content, f"no body for {method.upper()} {template} ({', '.join(content)}): add one to body_for"
    return {}


def writes_and_posts(schema: dict, environment: dict, name: str) -> list[tuple[str, str, dict]]:
    """(method, path, request options) for every operation but the GETs, with every parameter it takes and each
    media type it answers in; the deletes last."""
    paths = path_values(environment)
    queries = {**query_values(environment), "name": name, "format": "turtle", "lose": "system:VM1"}
    requests = []
    for template, item in schema["paths"].items():
        for method, operation in item.items():
            if method == "get":
                continue
            path, params = template, {}
            for parameter in operation.get("parameters", []):
                known = paths if parameter["in"] == "path" else queries
                assert parameter["name"] in known, f"no value for {parameter['name']} of {method.upper()} {template}"
                if parameter["in"] == "path":
                    path = path.replace("{" + parameter["name"] + "}", known[parameter["name"]])
                elif parameter["in"] == "query":
                    params[parameter["name"]] = known[parameter["name"]]
            body = body_for(method, template, operation, name)
            for media_type in report_media_types(schema, template, method) or [None]:
                headers = {**body.get("headers", {}), **({"accept": media_type} if media_type else {})}
                requests.append((method, path, {**body, "params": params, "headers": headers}))
    return sorted(requests, key=lambda request: request[0] == "delete")


def test_every_route_and_every_format_with_names_that_look_like_paths(service: AuditedServer, canary: Canary) -> None:
    with service.client() as client:
        schema = client.get("/openapi.json").json()
        answered: set[tuple[str, str]] = set()

        def call(method: str, path: str, environment: dict, name: str, **options: object) -> httpx.Response:
            response = client.request(method, path, **options)  # type: ignore[arg-type]
            assert response.status_code < 500, (method, path, response.text[:500])
            assert Canary.SECRET not in response.text
            if response.status_code < 300:
                answered.add((method.lower(), template_of(schema, path)))
            if path.startswith(environment["links"]["self"] + "/"):  # its findings, report, re-validation
                assert_names_no_path(response, environment, name)
            return response

        for name in every_name(canary):
            turtle = {"content-type": TURTLE}
            by_name = client.post("/v1/environments", params={"name": name}, content=GRAPH, headers=turtle).json()
            by_file = client.post("/v1/environments", **upload(name)).json()  # type: ignore[arg-type]
            assert by_name["name"] == name and by_file["source"]  # (the form parser drops a Windows folder)
            for environment in (by_name, by_file):
                for path, query, headers in get_requests(schema, environment):
                    call("GET", path, environment, name, params=query, headers=headers)
                for method, path, options in writes_and_posts(schema, environment, name):
                    call(method.upper(), path, environment, name, **options)
    operations = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert operations <= answered, operations - answered  # every operation was exercised, and answered
    assert_clean(service)
    assert canary.opens == 0


def _report_named(name: str) -> Report:
    report = validate(parse_bytes(GRAPH, RdfFormat.TURTLE), as_of=AS_OF)
    assert report.findings, "a report with findings: a renderer that locates them has something to look for"
    return report.model_copy(update={"source": name})


@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_no_renderer_opens_the_file_a_report_is_named_after(canary: Canary, format_name: str) -> None:
    reports = [_report_named(name) for name in every_name(canary)]
    with outbound_guard() as attempts:
        for report in reports:
            assert Canary.SECRET.encode() not in render(report, format_name)
        assert Canary.SECRET.encode() not in render_many(reports, format_name)
    assert attempts == []
    assert canary.opens == 0
