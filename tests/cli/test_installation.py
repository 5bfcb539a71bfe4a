"""Exit status 3: the advisor's own bundled knowledge base is broken (docs/ci.md).

The CLI runs from a copy of the package laid out as an installed wheel (advisor/_bundled/ontology and
shapes), whose bundled files the test then breaks; the input graph is fine, so only the installation is at fault.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import CLEAN_TTL
from tests.conftest import ROOT

EXIT_BROKEN_INSTALLATION = 3


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    """A copy of the advisor package with its data bundled inside it, as a wheel installs it."""
    site = tmp_path / "site"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "advisor", site / "advisor", ignore=ignore)
    for name in ("ontology", "shapes"):
        shutil.copytree(ROOT / name, site / "advisor" / "_bundled" / name, ignore=ignore)
    return site


def _run_copy(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_")}
    env |= {"PYTHONPATH": str(site), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "advisor.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_copy_runs_when_nothing_is_broken(installed: Path, tmp_path: Path) -> None:
    """The near miss: the same copy, unbroken, validates the graph and exits 0."""
    (tmp_path / "clean.ttl").write_text(CLEAN_TTL, encoding="utf-8")
    completed = _run_copy(installed, tmp_path, "validate", "clean.ttl", "--as-of", "2026-11-25", "--format", "json")
    assert completed.returncode == 0, completed.stderr


def test_a_broken_bundled_shape_exits_3_naming_the_file(installed: Path, tmp_path: Path) -> None:
    broken = installed / "advisor" / "_bundled" / "shapes" / "COV-001.ttl"
    broken.write_text(broken.read_text(encoding="utf-8") + "\nhvs:oops a [ .\n", encoding="utf-8")
    (tmp_path / "clean.ttl").write_text(CLEAN_TTL, encoding="utf-8")
    completed = _run_copy(installed, tmp_path, "validate", "clean.ttl", "--as-of", "2026-11-25")
    assert completed.returncode == EXIT_BROKEN_INSTALLATION, completed.stderr
    assert "Traceback" not in completed.stderr
    assert completed.stderr.startswith(f"error: the installation is broken: {broken} cannot be read (SyntaxError: ")
    assert completed.stderr.rstrip().endswith("reinstall the advisor")
    assert completed.stdout == ""


def test_a_missing_bundled_directory_exits_3(installed: Path, tmp_path: Path) -> None:
    shutil.rmtree(installed / "advisor" / "_bundled" / "shapes")
    completed = _run_copy(installed, tmp_path, "rules")
    assert completed.returncode == EXIT_BROKEN_INSTALLATION, completed.stderr
    assert completed.stderr == (
        "error: the installation is broken: bundled directory 'shapes' is missing from the installation; "
        "reinstall the advisor\n"
    )
