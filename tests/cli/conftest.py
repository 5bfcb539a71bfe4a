"""The command-line tests run the installed `advisor` script as a subprocess, in a scratch directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from advisor.knowledge import knowledge_base

ADVISOR = Path(sys.executable).parent / "advisor"
AS_OF = "2026-11-25"

# One VM that no job covers (a COV-001 violation) and one that a job covers.
GAP_TTL = """@prefix hv: <https://w3id.org/hv-advisor/ontology#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:hv01 a hv:HyperVHost ; rdfs:label "HV01" .
ex:web01 a hv:VirtualMachine ; rdfs:label "WEB01" ; hv:runsOn ex:hv01 .
ex:sql01 a hv:VirtualMachine ; rdfs:label "SQL01" ; hv:runsOn ex:hv01 .
ex:job a hv:BackupJob ; rdfs:label "Nightly" ; hv:protects ex:sql01 .
"""
CLEAN_TTL = GAP_TTL.replace("hv:protects ex:sql01", "hv:protects ex:sql01, ex:web01")
GAP_NODE = "https://example.org/web01"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> object:
        return json.loads(self.stdout)


def run_cli(*args: str | Path, cwd: Path, stdin: str | None = None, columns: int = 200) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_")}
    completed = subprocess.run(
        [str(ADVISOR), *map(str, args)],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        env=env | {"NO_COLOR": "1", "COLUMNS": str(columns)},
    )
    assert "Traceback" not in completed.stderr, completed.stderr
    return Run(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture
def cli(tmp_path: Path):
    """run_cli in the test's own directory (so that no advisor.toml is found by accident)."""

    def run(*args: str | Path, stdin: str | None = None) -> Run:
        return run_cli(*args, cwd=tmp_path, stdin=stdin)

    return run


def only_rule_policy(rule_id: str, extra: str = "") -> str:
    """A policy that disables every rule but one, so that an exit status depends on that rule alone."""
    others = [r for r in knowledge_base().catalog if r != rule_id]
    return f"[rules]\ndisable = {json.dumps(others)}\n{extra}"


@pytest.fixture
def gap_file(tmp_path: Path) -> Path:
    path = tmp_path / "gap.ttl"
    path.write_text(GAP_TTL, encoding="utf-8")
    return path


@pytest.fixture
def clean_file(tmp_path: Path) -> Path:
    path = tmp_path / "clean.ttl"
    path.write_text(CLEAN_TTL, encoding="utf-8")
    return path
