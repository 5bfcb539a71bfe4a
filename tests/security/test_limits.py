"""Resource limits: each abuse becomes a clear 4xx or 503 of the real service, never a hang, a crash or a
blow-up of its memory; the loader gives the same answer on the command line's path.

One service runs for the module (uvicorn over a loopback socket, its worker processes, the audit hook),
with limits small enough that the attacks stay small. Every test checks the answer's status, problem
code and limit, that the memory of the service's whole process group grew by less than
MEMORY_HEADROOM while it answered, that nothing was attempted outbound, and that the service is ready.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from advisor.config import Settings
from advisor.errors import LimitExceededError
from advisor.loading import RdfFormat, parse_bytes
from advisor.namespaces import CONTEXT_IRI
from tests.security import documents
from tests.security.conftest import MEMORY_HEADROOM, assert_clean, assert_problem, start_server
from tests.security.harness import AuditedServer, MemoryPeak, run_isolated

MAX_BODY = 2 * 1024 * 1024
LIMITS = {
    "max_body_bytes": MAX_BODY,
    "max_triples": 20_000,
    "max_literal_length": 10_000,
    "sparql_timeout_seconds": 2,
    "sparql_max_results": 500,
}
SETTINGS = Settings(_env_file=None, **LIMITS)  # type: ignore[arg-type]
DEPTH = SETTINGS.max_nesting_depth
TURTLE, NTRIPLES, JSON_LD, RDF_XML = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
)
FORMATS = {
    TURTLE: RdfFormat.TURTLE,
    NTRIPLES: RdfFormat.N_TRIPLES,
    JSON_LD: RdfFormat.JSON_LD,
    RDF_XML: RdfFormat.RDF_XML,
}
CHAIN = 2000  # nodes in a chain: (p|^p)* relates every pair, four million answers


def chain(nodes: int) -> bytes:
    return "".join(
        f"<https://example.org/n{i}> <https://example.org/p> <https://example.org/n{i + 1}> .\n" for i in range(nodes)
    ).encode()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuditedServer]:
    server = start_server(tmp_path_factory, **LIMITS)
    with server.client() as client:
        created = client.post("/v1/environments", content=chain(CHAIN), headers={"content-type": NTRIPLES})
        assert created.status_code == 201, created.text
    try:
        yield server
        assert server.audit_entries() == []
    finally:
        server.stop()


def sent(service: AuditedServer, request: Callable[[httpx.Client], httpx.Response]) -> httpx.Response:
    """The answer to one request, with the service's memory watched while it works on it."""
    with MemoryPeak(service) as memory, service.client() as client:
        before = service.resident_bytes()
        response = request(client)
    grown = memory.peak - before
    assert grown < MEMORY_HEADROOM, f"the service grew by {grown / 2**20:.0f} MiB"
    return response


def post(service: AuditedServer, data: bytes, media_type: str, path: str = "/v1/validate") -> httpx.Response:
    return sent(service, lambda client: client.post(path, content=data, headers={"content-type": media_type}))


def assert_limit(service: AuditedServer, data: bytes, media_type: str, limit: str, *, loader: bool = True) -> dict:
    """413 for this limit from the service (validate and create) and from the loader the command line uses
    (checked in this process unless the document would crash it should the check fail: see the isolated test)."""
    for path in ("/v1/validate", "/v1/environments"):
        body = assert_problem(post(service, data, media_type, path), 413, "limit-exceeded")
        assert body["limit"] == limit, body
    if loader:
        with pytest.raises(LimitExceededError) as caught:
            parse_bytes(data, FORMATS[media_type], settings=SETTINGS)
        assert caught.value.limit == limit
    assert_clean(service)
    return body


# ---------------------------------------------------------------- request bodies


def test_body_over_the_limit_by_content_length_is_413(service: AuditedServer) -> None:
    large = b"# padding\n" * (MAX_BODY // 10 + 1)
    body = assert_problem(post(service, large, TURTLE), 413, "limit-exceeded")
    assert (body["limit"], body["maximum"]) == ("max_body_bytes", MAX_BODY)
    assert_clean(service)


def test_chunked_body_without_content_length_is_413_while_it_streams(service: AuditedServer) -> None:
    """A check of Content-Length alone is bypassed by a chunked body: 100 MiB, fifty times the limit."""
    chunk = b"# " + b"x" * 65533 + b"\n"

    def stream() -> Iterator[bytes]:
        for _ in range(1600):
            yield chunk

    def request(client: httpx.Client) -> httpx.Response:
        return client.post("/v1/validate", content=stream(), headers={"content-type": TURTLE})

    response = sent(service, request)
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert assert_problem(response, 413, "limit-exceeded")["limit"] == "max_body_bytes"
    assert_clean(service)


def test_multipart_upload_over_the_limit_is_413(service: AuditedServer) -> None:
    files = {"file": ("big.ttl", b"#" * (MAX_BODY + 1), "text/turtle")}
    response = sent(service, lambda client: client.post("/v1/validate", files=files))
    assert assert_problem(response, 413, "limit-exceeded")["limit"] == "max_body_bytes"
    assert_clean(service)


# ---------------------------------------------------------------- graphs


def test_too_many_triples_is_413(service: AuditedServer) -> None:
    assert_limit(service, chain(LIMITS["max_triples"] + 1), NTRIPLES, "max_triples")


def test_too_long_a_literal_is_413(service: AuditedServer) -> None:
    literal = b'<https://example.org/a> <https://example.org/p> """' + b"x" * 10_001 + b'""" .\n'
    assert_limit(service, literal, TURTLE, "max_literal_length")


def test_json_nested_thousands_deep_is_413(service: AuditedServer) -> None:
    """Nested about 5,000 deep, JSON-LD crashes Oxigraph's parser; 30,000 deep, Python's JSON reader."""
    for depth in (DEPTH + 1, 5_000, 30_000):
        nested = b'{"@id": "https://example.org/a", "https://example.org/p": ' * depth + b"1" + b"}" * depth
        assert_limit(service, nested, JSON_LD, "max_nesting_depth", loader=depth == DEPTH + 1)
    arrays = b"[" * 100_000 + b"]" * 100_000
    assert_limit(service, arrays, JSON_LD, "max_nesting_depth")


def test_json_ld_context_named_over_and_over_is_413_in_bounded_memory(service: AuditedServer) -> None:
    """Each reference to the advisor's context becomes a 5 KiB copy: 2 MiB of references would be 200 MiB+."""
    references = MAX_BODY // 50
    data = json.dumps({"@context": [CONTEXT_IRI] * references, "@id": "https://example.org/a", "label": "a"})
    assert len(data) < MAX_BODY
    body = assert_limit(service, data.encode(), JSON_LD, "max_body_bytes")
    assert f"{references} times" in body["detail"]


def test_json_number_of_thousands_of_digits_is_422(service: AuditedServer) -> None:
    data = b'{"@id": "https://example.org/a", "https://example.org/p": ' + b"7" * 5000 + b"}"
    for path in ("/v1/validate", "/v1/environments"):
        assert "digits" in assert_problem(post(service, data, JSON_LD, path), 422, "invalid-input")["detail"]
    assert_clean(service)


def test_xml_entity_expansion_billion_laughs_is_refused_at_once(service: AuditedServer) -> None:
    """About 700 bytes kept rdflib's RDF/XML parser busy for more than 100 s: refused before any parsing."""
    laughs = documents.billion_laughs()
    assert len(laughs) < 1000
    for path in ("/v1/validate", "/v1/environments"):
        body = assert_problem(post(service, laughs, RDF_XML, path), 422, "refused-input")
        assert "document type declaration" in body["detail"]
    assert_clean(service)


def test_xml_elements_nested_thousands_deep_is_413(service: AuditedServer) -> None:
    """Oxigraph's RDF/XML parser slows with the square of the depth: 20,000 levels take many seconds."""
    nested = (
        f'<?xml version="1.0"?><rdf:RDF xmlns:rdf="{documents.RDF_NS}" xmlns:ex="https://example.org/">'
        '<rdf:Description rdf:about="https://example.org/a">'
        + "<ex:p><rdf:Description>" * 20_000
        + "</rdf:Description></ex:p>" * 20_000
        + "</rdf:Description></rdf:RDF>"
    ).encode()
    assert_limit(service, nested, RDF_XML, "max_nesting_depth")


PREFIX = b"@prefix ex: <https://example.org/> .\n"


def test_turtle_blank_nodes_nested_thousands_deep_is_413(service: AuditedServer) -> None:
    nested = PREFIX + b"ex:a ex:p " + b"[ ex:p " * 5_000 + b"ex:b" + b" ]" * 5_000 + b" .\n"
    assert_limit(service, nested, TURTLE, "max_nesting_depth")


def test_turtle_collections_nested_thousands_deep_is_413(service: AuditedServer) -> None:
    nested = PREFIX + b"ex:a ex:p " + b"( " * 5_000 + b")" * 5_000 + b" .\n"
    assert_limit(service, nested, TURTLE, "max_nesting_depth")


def test_triple_terms_nested_thousands_deep_are_413_not_a_crash(service: AuditedServer) -> None:
    """Triple terms nested 20,000 deep crash Oxigraph's Turtle and N-Triples parsers (a segmentation fault)."""
    term = b"<<( <https://example.org/a> <https://example.org/b> "
    ntriples = b"<https://example.org/s> <https://example.org/p> " + term * 20_000 + b"<https://example.org/c>"
    ntriples += b" )>>" * 20_000 + b" .\n"
    assert_limit(service, ntriples, NTRIPLES, "max_nesting_depth", loader=False)
    turtle = PREFIX + b"ex:s ex:p " + b"<< ex:a ex:b " * 20_000 + b"ex:c" + b" >>" * 20_000 + b" .\n"
    assert_limit(service, turtle, TURTLE, "max_nesting_depth", loader=False)


def test_nesting_within_the_limit_and_a_long_flat_collection_are_read(service: AuditedServer) -> None:
    nested = PREFIX + b"ex:a ex:p " + b"[ ex:p " * (DEPTH - 1) + b"ex:b" + b" ]" * (DEPTH - 1) + b" .\n"
    members = PREFIX + b"ex:a ex:p ( " + b"ex:m " * 5_000 + b") .\n"
    for data in (nested, members):
        response = post(service, data, TURTLE)
        assert response.status_code == 200, response.text
    assert_clean(service)


def test_the_loader_survives_what_crashes_the_parsers_without_its_checks() -> None:
    """Run in a fresh interpreter, where a crash would be a failed test rather than a lost test run."""
    code = """
from advisor.config import Settings
from advisor.errors import LimitExceededError
from advisor.loading import RdfFormat, parse_bytes
json_ld = b'{"@id": "https://e/a", "https://e/p": ' * 5000 + b"1" + b"}" * 5000
term = b"<<( <https://e/a> <https://e/b> "
ntriples = b"<https://e/s> <https://e/p> " + term * 30000 + b"<https://e/c>" + b" )>>" * 30000 + b" ."
for data, fmt in ((json_ld, RdfFormat.JSON_LD), (ntriples, RdfFormat.N_TRIPLES)):
    try:
        parse_bytes(data, fmt, settings=Settings(_env_file=None))
    except LimitExceededError as error:
        print(error.limit)
"""
    outcome = run_isolated(code)
    assert not outcome.crashed, outcome
    assert outcome.output.split() == ["max_nesting_depth", "max_nesting_depth"], outcome.output
    assert outcome.peak_bytes < MEMORY_HEADROOM


# ---------------------------------------------------------------- SPARQL


def query(service: AuditedServer, text: str, accept: str = "application/sparql-results+json") -> httpx.Response:
    return sent(
        service,
        lambda client: client.post(
            "/v1/sparql", content=text, headers={"content-type": "application/sparql-query", "accept": accept}
        ),
    )


def test_property_path_over_a_large_graph_is_cut_by_the_time_limit(service: AuditedServer) -> None:
    """(p|^p)* over a chain of 2,000 nodes relates four million pairs: minutes of work, stopped at 2 s."""
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?a (<https://example.org/p>|^<https://example.org/p>)* ?b }"
    body = assert_problem(query(service, text), 503, "time-limit")
    assert (body["limit"], body["maximum"]) == ("sparql_timeout_seconds", 2)
    assert_clean(service)


def test_cross_product_is_cut_by_the_time_limit(service: AuditedServer) -> None:
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    assert assert_problem(query(service, text), 503, "time-limit")["limit"] == "sparql_timeout_seconds"
    assert_clean(service)


def test_result_over_the_limit_is_422(service: AuditedServer) -> None:
    for text, accept in (
        ("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json"),
        ("SELECT * WHERE { ?s ?p ?o }", "text/csv"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle"),
    ):
        body = assert_problem(query(service, text, accept), 422, "result-limit")
        assert (body["limit"], body["maximum"]) == ("sparql_max_results", 500)
    assert_clean(service)


def test_query_over_the_length_limit_is_413(service: AuditedServer) -> None:
    text = "SELECT * WHERE { ?s ?p ?o } #" + "x" * SETTINGS.sparql_max_query_length
    body = assert_problem(query(service, text), 413, "limit-exceeded")
    assert body["limit"] == "sparql_max_query_length"
    assert_clean(service)


def test_query_nested_thousands_deep_is_413_not_a_crash(service: AuditedServer) -> None:
    """Groups nested 10,000 deep crash Oxigraph's query parser (and with it a worker): refused before it."""
    for text in (
        "SELECT * WHERE " + "{ " * 10_000 + "?s ?p ?o " + "} " * 10_000,
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 10_000 + "?o" + ")" * 10_000 + ") }",
        "SELECT * WHERE { ?s <https://example.org/p> "
        + "[ <https://example.org/p> " * 3_000
        + "?o"
        + " ]" * 3_000
        + " }",
    ):
        assert assert_problem(query(service, text), 413, "limit-exceeded")["limit"] == "max_nesting_depth"
    assert_clean(service)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * 30_000 + "?o) } LIMIT 1",
        "SELECT * WHERE { ?s ?p ?o " + "".join(f"BIND(?o AS ?v{i}) " for i in range(3_000)) + "} LIMIT 1",
        "SELECT * WHERE { " + "{ ?s ?p ?o } UNION " * 3_000 + "{ ?s ?p ?o } } LIMIT 1",
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "?o + " * 12_000 + "?o) } LIMIT 1",
    ],
    ids=["negations", "binds", "unions", "sums"],
)
def test_long_flat_query_is_answered_or_stopped_never_a_crash(service: AuditedServer, text: str) -> None:
    """Chains thousands long overflow the default stack of Oxigraph's recursive parser and evaluator."""
    response = query(service, text)
    if response.status_code == 503:
        assert_problem(response, 503, "time-limit")
    else:
        assert response.status_code == 200, response.text
    assert_clean(service)


# ---------------------------------------------------------------- the command line


def test_the_command_line_refuses_deep_input_and_survives_long_queries(tmp_path: Path) -> None:
    """`advisor validate` and `advisor query` on what crashed the parsers: a clean exit status, no crash."""
    (tmp_path / "graph.ttl").write_bytes(PREFIX + b"ex:a ex:p 1 .\n")
    term = b"<<( <https://example.org/a> <https://example.org/b> "
    (tmp_path / "deep.nt").write_bytes(
        b"<https://example.org/s> <https://example.org/p> "
        + term * 20_000
        + b"<https://example.org/c>"
        + b" )>>" * 20_000
        + b" .\n"
    )
    (tmp_path / "deep.rq").write_text("SELECT * WHERE " + "{ " * 10_000 + "?s ?p ?o " + "} " * 10_000)
    binds = "".join(f"BIND(?o AS ?v{i}) " for i in range(3_000))
    (tmp_path / "long.rq").write_text(f"SELECT * WHERE {{ ?s ?p ?o {binds}}} LIMIT 1")

    def advisor(*arguments: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "advisor.cli", *arguments]
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)

    deep_graph = advisor("validate", "deep.nt", "-q")
    assert deep_graph.returncode == 2, deep_graph.stderr
    assert "max_nesting_depth" in deep_graph.stderr
    deep_query = advisor("query", "graph.ttl", "@deep.rq")
    assert deep_query.returncode == 2, deep_query.stderr
    assert "max_nesting_depth" in deep_query.stderr
    long_query = advisor("query", "graph.ttl", "@long.rq", "--format", "csv")
    assert long_query.returncode == 0, long_query.stderr
    assert long_query.stdout.startswith("o,p,s,v0,")
