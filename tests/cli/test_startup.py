"""`advisor --help` starts fast: the help of every command imports none of the pipeline's heavy libraries.

Each check runs a fresh interpreter, as a user's shell does, and looks at what it imported: the installed
`advisor` script under `python -X importtime`, and the app itself called in-process in a subprocess.
The format names the help texts list (advisor/cli_options.py) are the registries' own, in their order.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from advisor.cli import app
from advisor.cli_options import DRIFT_FORMAT_NAMES, REPORT_FORMAT_NAMES, WHAT_IF_FORMAT_NAMES, FailOn
from tests.cli.conftest import ADVISOR, AS_OF, GAP_TTL, run_cli

HEAVY = frozenset({"rdflib", "pyoxigraph", "pyshacl", "jinja2", "fastapi"})
PIPELINE = frozenset({"advisor.knowledge", "advisor.batch", "advisor.pipeline", "advisor.render", "api"})
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]

_PROBE = """
import json, sys
from advisor.cli import cli_command
try:
    cli_command().main(sys.argv[1:], prog_name="advisor", standalone_mode=False)
except SystemExit:
    pass
sys.stdout.flush()
print("\\nMODULES=" + json.dumps(sorted(sys.modules)))
"""


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_")}
    return env | {"NO_COLOR": "1", "COLUMNS": "200"}


def _probe(*args: str, cwd: Path) -> tuple[str, set[str]]:
    """The output of `advisor ARGS` called in a fresh interpreter, and the modules it had imported at the end."""
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], cwd=cwd, env=_environment(), capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr
    output, _, modules = completed.stdout.rpartition("\nMODULES=")
    return output, set(json.loads(modules))


def _imported_by_script(*args: str, cwd: Path) -> tuple[str, set[str]]:
    """The output of the installed `advisor ARGS`, and every module `-X importtime` saw it import."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", str(ADVISOR), *args],
        cwd=cwd,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    rows = [line.split("|")[-1].strip() for line in completed.stderr.splitlines() if line.startswith("import time:")]
    return completed.stdout, set(rows[1:])  # the first row is the header


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def _pipeline(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m in PIPELINE or m.startswith(tuple(f"{p}." for p in PIPELINE)))


@pytest.mark.parametrize("args", [("--help",), ("validate", "--help")], ids=" ".join)
def test_the_installed_script_shows_help_without_the_pipeline(args: tuple[str, ...], tmp_path: Path) -> None:
    output, modules = _imported_by_script(*args, cwd=tmp_path)
    assert "Usage: advisor" in output
    assert "typer" in modules  # the probe sees imports at all
    assert _heavy(modules) == []
    assert _pipeline(modules) == []


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_help_imports_no_heavy_library(command: str, tmp_path: Path) -> None:
    output, modules = _probe(command, "--help", cwd=tmp_path)
    assert f"Usage: advisor {command}" in output
    assert "advisor.cli" in modules
    assert _heavy(modules) == []
    assert _pipeline(modules) == []


def test_the_root_help_lists_every_command_without_the_pipeline(tmp_path: Path) -> None:
    output, modules = _probe("--help", cwd=tmp_path)
    assert all(command in output for command in COMMANDS)
    assert _heavy(modules) == []
    assert _pipeline(modules) == []


def test_rules_loads_the_knowledge_base_but_not_the_renderers_or_the_service(tmp_path: Path) -> None:
    output, modules = _probe("rules", "--format", "json", cwd=tmp_path)
    assert any(rule["id"] == "COV-001" for rule in json.loads(output))
    assert "advisor.knowledge" in modules
    assert {"jinja2", "fastapi", "pyshacl", "advisor.batch", "advisor.pipeline", "advisor.render"} & modules == set()


def test_validate_still_runs_the_pipeline(tmp_path: Path) -> None:
    """The near miss: the lazy imports are there when a command needs them."""
    (tmp_path / "gap.ttl").write_text(GAP_TTL, encoding="utf-8")
    output, modules = _probe("validate", "gap.ttl", "--format", "json", "--as-of", AS_OF, cwd=tmp_path)
    assert "COV-001" in {finding["rule_id"] for finding in json.loads(output)["findings"]}
    assert {"pyoxigraph", "advisor.knowledge", "advisor.batch", "advisor.pipeline", "advisor.render"} <= modules


def test_the_report_format_names_are_the_registry_s() -> None:
    from advisor.render import FORMATS

    assert tuple(FORMATS) == REPORT_FORMAT_NAMES


def test_the_drift_format_names_are_the_registry_s() -> None:
    from advisor.render.drift import DRIFT_FORMATS

    assert tuple(DRIFT_FORMATS) == DRIFT_FORMAT_NAMES


def test_the_what_if_format_names_are_the_registry_s() -> None:
    from advisor.whatif.output import RENDERERS

    assert tuple(RENDERERS) == WHAT_IF_FORMAT_NAMES


def test_fail_on_names_the_severities() -> None:
    from advisor.report import Severity

    assert {f.value for f in FailOn} == {s.value for s in Severity} | {"never"}


@pytest.mark.parametrize(
    ("command", "names"),
    [("validate", REPORT_FORMAT_NAMES), ("diff", DRIFT_FORMAT_NAMES), ("what-if", WHAT_IF_FORMAT_NAMES)],
)
def test_the_help_lists_the_formats(command: str, names: tuple[str, ...], tmp_path: Path) -> None:
    run = run_cli(command, "--help", cwd=tmp_path, columns=2000)
    assert run.returncode == 0, run.stderr
    assert f"format: {', '.join(names)}." in run.stdout
