"""A batch run over a directory of 200 generated environments with two worker processes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from advisor.loading import parse_file
from advisor.validation import validate
from tests.cli.conftest import AS_OF, run_cli
from tests.cli.envgen import write_many

COUNT = 200
BAD_TURTLE = (
    "@prefix hv: <https://w3id.org/hv-advisor/ontology#> .\n"
    "<https://example.org/x> a hv:VirtualMachine ;\n"
    '  hv:memoryMB "8" "9" .\n'
)


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[Path, set[str]], Path]:
    root = tmp_path_factory.mktemp("batch")
    envs = root / "envs"
    truth = write_many(envs, COUNT)
    bad = envs / "region1" / "broken.ttl"
    bad.write_text(BAD_TURTLE, encoding="utf-8")
    (envs / "README.md").write_text("Generated environments.\n", encoding="utf-8")
    (envs / ".cache").mkdir()
    (envs / ".cache" / "stale.ttl").write_text("not turtle at all", encoding="utf-8")
    return envs, truth, bad


@pytest.fixture(scope="module")
def batch_run(estate):
    envs, _, _ = estate
    return run_cli("validate", envs, "--jobs", "2", "--format", "json", "--as-of", AS_OF, cwd=envs.parent)


def test_every_file_is_reported_once_with_the_bad_one_as_an_error(estate, batch_run) -> None:
    _, truth, bad = estate
    assert batch_run.returncode == 2, batch_run.stderr
    items = batch_run.json()
    files = [item["file"] for item in items]
    assert sorted(files) == sorted(str(p) for p in [*truth, bad])  # README.md and hidden folders are skipped
    assert files == sorted(files)  # the order of the inputs, not of completion
    broken = next(item for item in items if item["file"] == str(bad))
    assert set(broken) == {"file", "error"}
    assert broken["error"]["code"] == "syntax-error"
    assert broken["error"]["line"] == 3
    assert f"error: {bad}: syntax error at line 3" in batch_run.stderr


def test_per_file_results_match_the_generated_truth(estate, batch_run) -> None:
    _, truth, _ = estate
    by_file = {item["file"]: item for item in batch_run.json()}
    gaps = 0
    for path, expected in truth.items():
        item = by_file[str(path)]
        reported = {f["focus_node"] for f in item["findings"] if f["rule_id"] == "COV-001"}
        assert reported == expected, path
        gaps += len(expected)
    assert gaps > COUNT // 2  # the generated estate has a fair share of gaps


def test_per_file_results_equal_a_validation_in_this_process(estate, batch_run) -> None:
    _, truth, _ = estate
    by_file = {item["file"]: item for item in batch_run.json()}
    as_of = dt.date.fromisoformat(AS_OF)
    for path in truth:
        report = validate(parse_file(path), as_of=as_of, blast_radius=True)  # the JSON format shows it
        assert by_file[str(path)] == {"file": str(path), **report.contract()}


def test_summary_goes_to_stderr(batch_run) -> None:
    reports = [item for item in batch_run.json() if "findings" in item]
    violations = sum(1 for item in reports for f in item["findings"] if f["severity"] == "violation")
    nonconforming = sum(1 for item in reports if not item["conforms"])
    assert f"Summary: {COUNT + 1} file(s)" in batch_run.stderr
    assert f"{nonconforming} do not, 1 could not be validated" in batch_run.stderr
    assert f"Findings: {violations} violation(s)" in batch_run.stderr
    slowest = next(line for line in batch_run.stderr.splitlines() if line.startswith("Slowest: "))
    assert slowest.count(" s)") == 5
    assert "Could not validate" in batch_run.stderr and "broken.ttl" in batch_run.stderr


@pytest.mark.parametrize(("fail_on", "status"), [("violation", 1), ("never", 0)])
def test_exit_status_of_fail_on_without_the_bad_file(estate, fail_on: str, status: int) -> None:
    envs, _, _ = estate
    pattern = str(envs / "region0" / "**" / "*.ttl")
    run = run_cli("validate", pattern, "--jobs", "2", "--fail-on", fail_on, "-q", "-f", "json", cwd=envs.parent)
    assert run.returncode == status, run.stderr
    assert len(run.json()) > 20 and all("findings" in item for item in run.json())
