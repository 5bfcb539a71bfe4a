"""Property-based fuzzing of the API from its OpenAPI document (Schemathesis): no 5xx, and every answer
conforms to what the document says (status, media type, headers, body schema).

The service under test is the real one (uvicorn over the loopback, its worker processes) with the audit
hook of tests/security: fuzzing must not make it reach out either.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from advisor.config import Settings
from api.app import create_app
from tests.fuzz.conftest import FUZZ, examples
from tests.security.harness import AuditedServer

# What the answers must be: never a 5xx, and each one as the document describes it (status, media type,
# headers, body). The checks on requests stay off: a graph or a query is a string to the schema, so most
# generated ones are rightly refused (positive_data_acceptance), and parameters are read leniently where
# that is harmless (as_of=0 is 1970-01-01: negative_data_rejection).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
for _text in ("text/turtle", "application/n-triples", "application/rdf+xml", "application/sparql-query"):
    schemathesis.serializer.alias(_text, "text/plain")  # documents and queries go as text, as the schema says


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuditedServer]:
    server = AuditedServer(tmp_path_factory.mktemp("service"), {"sparql_timeout_seconds": "5"})
    server.start()
    try:
        yield server
        assert server.audit_entries() == []
    finally:
        server.stop()


def openapi_document() -> dict:
    """The document the service serves at /openapi.json (built without starting anything)."""
    return create_app(Settings(_env_file=None)).openapi()  # type: ignore[call-arg]


schema = schemathesis.openapi.from_dict(openapi_document())


@schema.parametrize()
@settings(FUZZ, max_examples=examples(8))
def test_every_operation_conforms_to_the_openapi_document(case: schemathesis.Case, service: AuditedServer) -> None:
    case.call_and_validate(base_url=service.url, checks=CHECKS)
