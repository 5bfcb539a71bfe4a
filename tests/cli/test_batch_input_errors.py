"""An input that cannot be validated shows in the CI formats too: a SARIF notification that points at the
file and line, and a JUnit test suite in error, next to the reports of the files that could be read."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.cli.conftest import AS_OF
from tests.test_render_sarif import _valid

BROKEN = (
    "@prefix hv: <https://w3id.org/hv-advisor/ontology#> .\n"
    "<https://example.org/x> a hv:VirtualMachine ;\n"
    '  hv:memoryMB "8" "9" .\n'
)


@pytest.fixture
def inputs(tmp_path: Path, gap_file: Path) -> tuple[Path, Path]:
    broken = tmp_path / "broken.ttl"
    broken.write_text(BROKEN, encoding="utf-8")
    return gap_file, broken


def test_sarif_names_the_unreadable_file_and_its_line(cli, inputs) -> None:
    gap, broken = inputs
    run = cli("validate", gap, broken, "--format", "sarif", "--as-of", AS_OF)
    assert run.returncode == 2, run.stderr
    log = _valid(json.loads(run.stdout))
    (sarif_run,) = log["runs"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif_run["results"]} == {
        gap.as_uri()
    }
    invocation = sarif_run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    (notice,) = [n for n in invocation["toolExecutionNotifications"] if n["descriptor"]["id"] == "syntax-error"]
    assert notice["level"] == "error"
    assert notice["message"]["text"].startswith(f"{broken}: not validated: ")
    assert "syntax error at line 3" in notice["message"]["text"]
    location = notice["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == broken.as_uri()
    assert location["region"]["startLine"] == 3
    assert broken.as_uri() in {a["location"]["uri"] for a in sarif_run["artifacts"]}


def test_junit_has_a_suite_in_error_for_the_unreadable_file(cli, inputs) -> None:
    gap, broken = inputs
    run = cli("validate", gap, broken, "--format", "junit", "--as-of", AS_OF)
    assert run.returncode == 2, run.stderr
    root = ET.fromstring(run.stdout.encode("utf-8"))
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert set(suites) == {str(gap), str(broken)}
    failed = suites[str(broken)]
    assert failed.get("errors") == "1" and failed.get("tests") == "1"
    (case,) = failed.iter("testcase")
    error = case.find("error")
    assert error is not None and error.get("type") == "syntax-error"
    assert "syntax error at line 3" in error.get("message", "")
    assert int(root.get("errors", "0")) >= 1
    assert int(suites[str(gap)].get("failures", "0")) >= 1
