"""Property-based fuzzing of the API from its OpenAPI document (Schemathesis): no 5xx, every answer as the
document describes it (status, media type, headers, body schema), every request the document forbids refused,
and sequences of calls (create, read, replace, delete) that keep to it too.

Every check of Schemathesis runs but `positive_data_acceptance`: a graph or a query is a string to the schema,
and a string that is not RDF (or not SPARQL) is rightly a 400. The service under test is the real one (uvicorn
over the loopback, its worker processes) with the audit hook of tests/security: fuzzing must not make it reach
out either. ADVISOR_FUZZ_EXAMPLES raises the number of examples; docs/service.md has the longer command.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import settings
from schemathesis.config import SchemathesisConfig

from advisor.config import Settings
from api.app import create_app
from tests.fuzz import serializers  # registers the text serializers of graphs and queries
from tests.fuzz.conftest import FUZZ, examples
from tests.security.harness import AuditedServer

EXCLUDED_CHECKS = ["positive_data_acceptance"]
SCHEMATHESIS = [sys.executable, "-c", "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())"]
FUZZER_TIMEOUT = 600
CONFIG = SchemathesisConfig.from_dict({"checks": {name: {"enabled": False} for name in EXCLUDED_CHECKS}})


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


schema = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG)


@schema.parametrize()
@settings(FUZZ, max_examples=examples(8))
def test_every_operation_conforms_to_the_openapi_document(case: schemathesis.Case, service: AuditedServer) -> None:
    case.call_and_validate(base_url=service.url)


def fuzzer_command(url: str, max_examples: int) -> list[str]:
    """The command line of docs/service.md: every phase (stateful too), every check but one."""
    return [
        *SCHEMATHESIS,
        "run",
        f"{url}/openapi.json",
        "--max-examples",
        str(max_examples),
        "--checks",
        "all",
        "--exclude-checks",
        ",".join(EXCLUDED_CHECKS),
        "--workers",
        "1",
        "--no-color",
    ]


def test_the_fuzzer_command_finds_no_failure(service: AuditedServer, tmp_path: Path) -> None:
    """Schemathesis's own runner, as a user runs it: the examples, coverage, fuzzing and stateful phases (calls
    chained by what earlier answers returned: an environment's id, its Location)."""
    env = {**os.environ, "SCHEMATHESIS_HOOKS": serializers.__file__}
    run = subprocess.run(
        fuzzer_command(service.url, examples(6)),
        cwd=tmp_path,  # its cache (.schemathesis) goes there, not into the repository
        env=env,
        capture_output=True,
        text=True,
        timeout=FUZZER_TIMEOUT,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    phases = output[output.index("Test Phases:") :]
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in phases, output
    cases = re.search(r"Test cases:\s+(\d+) generated, (\d+) passed", output)
    assert cases is not None and int(cases[2]) > 100, output  # it really ran, and every case passed
