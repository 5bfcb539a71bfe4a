"""No outbound connection, ever, from any input: each attack sent to the service, the loader and the CLI.

Every remote reference in these documents and queries points at a tripwire (a loopback listener that
records connections) or a canary (a named pipe that records opens); the service runs with an audit hook
in each of its processes that logs any network, program or file access outside its own files. A test
passes only if the answer is the precise refusal (or a plain report), the tripwire and the canary saw
nothing, the audit log is empty, and no answer carries what lies behind a reference.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from advisor.errors import AdvisorError, RefusedInputError
from advisor.loading import RdfFormat, parse_bytes
from advisor.report import Report
from advisor.validation import validate
from api.app import create_app
from tests.security import documents
from tests.security.conftest import assert_clean, assert_problem, start_server
from tests.security.harness import (
    AUDITED,
    PYTHON,
    Allowed,
    AuditedServer,
    Canary,
    Tripwire,
    allowed_paths,
    free_port,
    outbound_guard,
)

TURTLE, JSON_LD, RDF_XML = "text/turtle", "application/ld+json", "application/rdf+xml"
FORMATS = {TURTLE: RdfFormat.TURTLE, JSON_LD: RdfFormat.JSON_LD, RDF_XML: RdfFormat.RDF_XML}
AS_OF = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuditedServer]:
    server = start_server(tmp_path_factory)
    with server.client() as client:
        created = client.post(
            "/v1/environments", content=documents.ONE_VM_TURTLE, headers={"content-type": TURTLE}, params={"name": "B"}
        )
        assert created.status_code == 201, created.text
        server.baseline = created.json()["id"]  # type: ignore[attr-defined]
    try:
        yield server
        assert server.audit_entries() == []
    finally:
        server.stop()


def send_everywhere(service: AuditedServer, data: bytes, media_type: str) -> list[httpx.Response]:
    """The document to every route that takes a graph: validate, create, replace."""
    headers = {"content-type": media_type}
    with service.client() as client:
        return [
            client.post("/v1/validate", content=data, headers=headers),
            client.post("/v1/environments", content=data, headers=headers),
            client.put(f"/v1/environments/{service.baseline}", content=data, headers=headers),  # type: ignore[attr-defined]
        ]


def load_in_process(data: bytes, fmt: RdfFormat, engine: str = "fast") -> Report | AdvisorError:
    """Parse and validate in this process with the audit hook on; the outcome is a report or an input error."""
    with outbound_guard() as attempts:
        try:
            outcome: Report | AdvisorError = validate(parse_bytes(data, fmt), as_of=AS_OF, engine=engine)  # type: ignore[arg-type]
        except AdvisorError as error:
            outcome = error
    assert attempts == []
    return outcome


def assert_refused_everywhere(service: AuditedServer, data: bytes, media_type: str, names: str) -> None:
    """422 refused-input from every route and from the loader, each naming `names` (what was refused)."""
    for response in send_everywhere(service, data, media_type):
        body = assert_problem(response, 422, "refused-input", secret=Canary.SECRET)
        assert names in body["detail"], body
    outcome = load_in_process(data, FORMATS[media_type])
    assert isinstance(outcome, RefusedInputError), outcome
    assert names in outcome.message
    assert_clean(service)


# ---------------------------------------------------------------- JSON-LD contexts


def test_json_ld_remote_context_is_refused(service: AuditedServer, tripwire: Tripwire) -> None:
    url = tripwire.url("/context.jsonld")
    assert_refused_everywhere(service, documents.remote_context(url), JSON_LD, url)


def test_json_ld_remote_context_after_the_advisors_own_is_refused(service: AuditedServer, tripwire: Tripwire) -> None:
    url = tripwire.url("/second.jsonld")
    assert_refused_everywhere(service, documents.remote_context_after_ours(url), JSON_LD, url)


def test_json_ld_remote_context_in_a_nested_node_is_refused(service: AuditedServer, tripwire: Tripwire) -> None:
    url = tripwire.url("/nested.jsonld")
    assert_refused_everywhere(service, documents.remote_context_in_a_nested_node(url), JSON_LD, url)


def test_json_ld_remote_scoped_context_is_refused(service: AuditedServer, tripwire: Tripwire) -> None:
    url = tripwire.url("/scoped.jsonld")
    assert_refused_everywhere(service, documents.remote_scoped_context(url), JSON_LD, url)


def test_json_ld_context_import_is_refused(service: AuditedServer, tripwire: Tripwire) -> None:
    assert_refused_everywhere(service, documents.context_import(tripwire.url("/import.jsonld")), JSON_LD, "@import")


@pytest.mark.parametrize(
    "reference",
    ["file-iri", "absolute-path", "relative-reference", "parent-reference"],
)
def test_json_ld_local_file_context_is_refused(service: AuditedServer, canary: Canary, reference: str) -> None:
    context = {
        "file-iri": canary.uri,
        "absolute-path": str(canary.path),
        "relative-reference": "context.jsonld",
        "parent-reference": "../../../../etc/passwd",
    }[reference]
    assert_refused_everywhere(service, documents.remote_context(context), JSON_LD, context)


def test_a_refusal_tells_nothing_of_what_lies_behind_the_reference(
    service: AuditedServer, tripwire: Tripwire, canary: Canary
) -> None:
    """An existing file, a missing one and the canary; a listening port and a closed one: the same answer."""
    closed = f"http://127.0.0.1:{free_port()}/context.jsonld"
    groups = [
        [("file:///etc/passwd", JSON_LD), ("file:///etc/no-such-file", JSON_LD), (canary.uri, JSON_LD)],
        [(tripwire.url("/context.jsonld"), JSON_LD), (closed, JSON_LD)],
        [("file:///etc/passwd", RDF_XML), ("file:///etc/no-such-file", RDF_XML), (canary.uri, RDF_XML)],
        [(tripwire.url("/x.dtd"), RDF_XML), (closed, RDF_XML)],
    ]
    for group in groups:
        answers = set()
        for reference, media_type in group:
            data = (
                documents.remote_context(reference) if media_type == JSON_LD else documents.external_entity(reference)
            )
            with service.client() as client:
                response = client.post("/v1/validate", content=data, headers={"content-type": media_type})
            body = assert_problem(response, 422, "refused-input", secret=Canary.SECRET)
            answers.add(body["detail"].replace(reference, "<reference>"))
        assert len(answers) == 1, answers
    assert_clean(service)


def test_json_ld_base_iri_names_nodes_and_is_never_fetched(
    service: AuditedServer, tripwire: Tripwire, canary: Canary
) -> None:
    for base in (canary.uri, tripwire.url("/base/")):
        data = documents.base_iri(base)
        with service.client() as client:
            response = client.post("/v1/validate", content=data, headers={"content-type": JSON_LD})
        assert response.status_code == 200, response.text
        assert Canary.SECRET not in response.text
        assert isinstance(load_in_process(data, RdfFormat.JSON_LD), Report)
    assert_clean(service)


# ---------------------------------------------------------------- Turtle


def test_owl_imports_in_a_data_graph_are_never_followed(
    service: AuditedServer, tripwire: Tripwire, canary: Canary
) -> None:
    data = documents.owl_imports(tripwire.url("/ontology.ttl"), canary.uri)
    with service.client() as client:
        checked = client.post("/v1/validate", content=data, headers={"content-type": TURTLE})
        assert checked.status_code == 200, checked.text
        created = client.post("/v1/environments", content=data, headers={"content-type": TURTLE})
        assert created.status_code == 201, created.text
        stored = client.get(created.json()["links"]["self"], headers={"accept": "application/n-triples"})
        assert tripwire.url("/ontology.ttl") in stored.text  # kept as data, nothing more
        findings = client.get(f"{created.json()['links']['self']}/findings")
        assert findings.status_code == 200
    for engine in ("fast", "reference"):  # the reference engine is stock pySHACL, owl:imports switched off
        assert isinstance(load_in_process(data, RdfFormat.TURTLE, engine), Report)
    assert_clean(service)


def test_turtle_base_iri_names_nodes_and_is_never_fetched(
    service: AuditedServer, tripwire: Tripwire, canary: Canary
) -> None:
    for base in (canary.uri, tripwire.url("/base/"), "file:///etc/"):
        data = documents.turtle_base(base)
        with service.client() as client:
            response = client.post("/v1/validate", content=data, headers={"content-type": TURTLE})
        assert response.status_code == 200, response.text
        assert isinstance(load_in_process(data, RdfFormat.TURTLE), Report)
    assert_clean(service)


# ---------------------------------------------------------------- RDF/XML

DOCTYPE = "document type declaration"


def test_rdf_xml_external_entity_naming_a_file_is_refused(service: AuditedServer, canary: Canary) -> None:
    assert_refused_everywhere(service, documents.external_entity(canary.uri), RDF_XML, DOCTYPE)
    assert_refused_everywhere(service, documents.external_entity("file:///etc/passwd"), RDF_XML, DOCTYPE)


def test_rdf_xml_external_entity_naming_a_url_is_refused(service: AuditedServer, tripwire: Tripwire) -> None:
    assert_refused_everywhere(service, documents.external_entity(tripwire.url("/entity")), RDF_XML, DOCTYPE)


def test_rdf_xml_external_entity_in_utf16_is_refused(service: AuditedServer, canary: Canary) -> None:
    assert_refused_everywhere(service, documents.external_entity_utf16(canary.uri), RDF_XML, DOCTYPE)


def test_rdf_xml_external_dtd_is_refused(service: AuditedServer, tripwire: Tripwire) -> None:
    assert_refused_everywhere(service, documents.external_dtd(tripwire.url("/rdf.dtd")), RDF_XML, DOCTYPE)


def test_rdf_xml_parameter_entity_is_refused(service: AuditedServer, tripwire: Tripwire) -> None:
    assert_refused_everywhere(service, documents.parameter_entity(tripwire.url("/p.ent")), RDF_XML, DOCTYPE)


def test_rdf_xml_base_stylesheet_and_xinclude_are_never_fetched(
    service: AuditedServer, tripwire: Tripwire, canary: Canary
) -> None:
    for data in (
        documents.xml_base(canary.uri),
        documents.xml_base(tripwire.url("/base/")),
        documents.stylesheet_and_xinclude(tripwire.url("/style.xsl"), canary.uri),
    ):
        with service.client() as client:
            response = client.post("/v1/validate", content=data, headers={"content-type": RDF_XML})
        assert response.status_code in (200, 400), response.text  # read as plain data, or not RDF/XML at all
        assert Canary.SECRET not in response.text
        assert isinstance(load_in_process(data, RdfFormat.RDF_XML), Report | AdvisorError)
    assert_clean(service)


# ---------------------------------------------------------------- SPARQL


@pytest.mark.parametrize("spelling", list(documents.service_queries("http://x")))
def test_sparql_service_is_refused_wherever_it_stands(
    service: AuditedServer, tripwire: Tripwire, spelling: str
) -> None:
    query = documents.service_queries(tripwire.url("/sparql"))[spelling]
    with service.client() as client:
        for response in (
            client.get("/v1/sparql", params={"query": query}),
            client.post("/v1/sparql", data={"query": query}),
            client.post("/v1/sparql", content=query, headers={"content-type": "application/sparql-query"}),
        ):
            body = assert_problem(response, 400, "query-refused")
            assert body["reason"] == "service"
            assert "SERVICE" in body["detail"]
    assert_clean(service)


def test_sparql_dataset_iris_are_names_never_fetched(
    service: AuditedServer, tripwire: Tripwire, canary: Canary
) -> None:
    with service.client() as client:
        for query in documents.dataset_queries(tripwire.url("/graph"), canary.uri).values():
            response = client.get("/v1/sparql", params={"query": query}, headers={"accept": "text/csv, text/turtle"})
            assert response.status_code == 200, response.text
        for parameter in ("default-graph-uri", "named-graph-uri"):
            for iri in (tripwire.url("/graph"), canary.uri, "file:///etc/passwd"):
                response = client.get("/v1/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }", parameter: iri})
                assert response.status_code == 200, response.text
                assert response.json()["results"]["bindings"] == []
    assert_clean(service)


def test_sparql_dataset_parameter_that_is_not_an_iri_is_422(service: AuditedServer) -> None:
    with service.client() as client:
        for parameter in ("default-graph-uri", "named-graph-uri"):
            for value in ("not an iri", "relative/graph", "../../etc/passwd", ""):
                response = client.get("/v1/sparql", params={"query": "ASK { ?s ?p ?o }", parameter: value})
                body = assert_problem(response, 422, "invalid-input")
                assert parameter in body["detail"]
    assert_clean(service)


@pytest.mark.parametrize("spelling", list(documents.update_queries("http://x")))
def test_sparql_load_and_other_updates_are_refused(service: AuditedServer, tripwire: Tripwire, spelling: str) -> None:
    update = documents.update_queries(tripwire.url("/data.ttl"))[spelling]
    with service.client() as client:
        for response in (
            client.get("/v1/sparql", params={"query": update}),
            client.get("/v1/sparql", params={"update": update}),
            client.post("/v1/sparql", content=update, headers={"content-type": "application/sparql-update"}),
        ):
            assert assert_problem(response, 400, "query-refused")["reason"] == "update"
    assert_clean(service)


# ---------------------------------------------------------------- what a client may set and see


def test_the_service_does_not_name_its_software(service: AuditedServer) -> None:
    with service.client() as client:
        for response in (client.get("/healthz"), client.get("/nothing-here"), client.get("/")):
            assert "server" not in response.headers
            assert "x-powered-by" not in response.headers


def test_clients_cannot_choose_the_engine_or_its_flags() -> None:
    """pySHACL reads a string as a file name or URL and has flags that fetch (owl:imports): no route takes them."""
    from advisor.config import Settings

    schema = create_app(Settings(_env_file=None)).openapi()  # type: ignore[call-arg]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            names = {parameter["name"] for parameter in operation.get("parameters", [])}
            assert names <= {
                "as_of",
                "format",
                "name",
                "environment_id",
                "revision",  # a revision number (path)
                "from",  # revision numbers of a diff
                "to",
                "lose",  # a what-if's lost element, KIND:NODE, resolved in the graph itself
                "rule_id",
                "query",
                "default-graph-uri",
                "named-graph-uri",
            }, (method, path, names)


# ---------------------------------------------------------------- the command line


def audited_cli(work: Path, *arguments: str) -> tuple[int, str, list[str]]:
    """`advisor ARGUMENTS` with the audit hook on: exit status, output, attempts recorded."""
    log = work / "cli-audit.log"
    env = {
        "PYTHONPATH": str(AUDITED),
        "ADVISOR_TEST_AUDIT_LOG": str(log),
        "ADVISOR_TEST_AUDIT_ALLOW": Allowed.format(allowed_paths(work)),
        "PATH": "/usr/bin:/bin",
        "HOME": str(work),
    }
    done = subprocess.run(
        [PYTHON, "-m", "advisor.cli", *arguments], cwd=work, env=env, capture_output=True, text=True, timeout=300
    )
    entries = log.read_text().splitlines() if log.exists() else []
    return done.returncode, done.stdout + done.stderr, entries


def test_cli_validate_refuses_every_hostile_file_without_reaching_out(
    tmp_path: Path, tripwire: Tripwire, canary: Canary
) -> None:
    refused = {
        "remote-context.jsonld": documents.remote_context(tripwire.url("/c.jsonld")),
        "file-context.jsonld": documents.remote_context(canary.uri),
        "import.jsonld": documents.context_import(tripwire.url("/i.jsonld")),
        "entity.rdf": documents.external_entity(canary.uri),
        "dtd.rdf": documents.external_dtd(tripwire.url("/rdf.dtd")),
        "laughs.rdf": documents.billion_laughs(),
    }
    plain = {
        "imports.ttl": documents.owl_imports(tripwire.url("/o.ttl"), canary.uri),
        "base.ttl": documents.turtle_base(canary.uri),
    }
    for name, data in (refused | plain).items():
        (tmp_path / name).write_bytes(data)
    status, output, attempts = audited_cli(tmp_path, "validate", *sorted(refused | plain), "--format", "json", "-q")
    assert attempts == []
    assert status == 2, output  # input errors
    for name in refused:
        assert re.search(rf"error: {re.escape(name)}: .*refused", output), (name, output)
    for name in plain:
        assert f"error: {name}" not in output
    assert Canary.SECRET not in output


def test_cli_query_refuses_service_and_never_fetches_a_dataset_iri(
    tmp_path: Path, tripwire: Tripwire, canary: Canary
) -> None:
    """The command line runs the service's check (every spelling is tried against the service above)."""
    (tmp_path / "graph.ttl").write_bytes(documents.ONE_VM_TURTLE.encode())
    service = documents.service_queries(tripwire.url("/sparql"))
    for query in (service["sub-select"], service["exists"]):
        status, output, attempts = audited_cli(tmp_path, "query", "graph.ttl", query)
        assert (status, attempts) == (2, []), output
        assert "SERVICE" in output and "refused" in output
    dataset = documents.dataset_queries(tripwire.url("/graph"), canary.uri)
    status, output, attempts = audited_cli(tmp_path, "query", "graph.ttl", dataset["from-named"], "--format", "csv")
    assert (status, attempts) == (0, []), output
