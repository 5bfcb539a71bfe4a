"""`advisor validate`: exit statuses, --fail-on, the JSON contract, syntax errors, output files."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import tomllib
from pathlib import Path

import pytest

from advisor.batch import BatchOptions, FailOn, exit_status, validate_path
from advisor.config import Settings
from advisor.loading import parse_file
from advisor.pipeline import Options
from advisor.policy import Policy
from advisor.validation import validate
from tests.cli.conftest import ADVISOR, AS_OF, GAP_NODE, only_rule_policy
from tests.conftest import FIXED_AS_OF, RULE_FIXTURES


def test_exit_1_with_a_violation_and_the_json_contract(cli) -> None:
    path = RULE_FIXTURES / "COV-001" / "violation.ttl"
    run = cli("validate", path, "--format", "json", "--as-of", AS_OF)
    assert run.returncode == 1, run.stderr
    body = run.json()
    keys = {"conforms", "score", "systems", "findings", "blast_radius"}
    assert keys <= set(body) <= keys | {"errors"}
    assert body == validate(parse_file(path), as_of=FIXED_AS_OF, blast_radius=True).contract()
    assert body["conforms"] is False


def test_exit_0_when_no_finding_fails(cli, tmp_path: Path, clean_file: Path) -> None:
    policy = tmp_path / "only-cov001.toml"
    policy.write_text(only_rule_policy("COV-001"), encoding="utf-8")
    run = cli("validate", clean_file, "--policy", policy, "--format", "json")
    assert run.returncode == 0, run.stderr
    assert run.json() == {"conforms": True, "score": 100.0, "systems": 3, "findings": [], "blast_radius": []}


def test_text_report_names_the_resource(cli, gap_file: Path) -> None:
    run = cli("validate", gap_file, "--as-of", AS_OF)
    assert run.returncode == 1
    assert "COV-001" in run.stdout and "WEB01" in run.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "25.11.2026"], "--as-of must be a date"),
        (["--engine", "turbo"], "--engine must be fast or reference"),
        (["--format", "yaml"], "unknown report format 'yaml'"),
        (["--input-format", "n5"], "unknown RDF format"),
        (["--fail-on", "sometimes"], "sometimes"),
    ],
)
def test_usage_errors_exit_2_with_a_message(cli, gap_file: Path, args: list[str], message: str) -> None:
    run = cli("validate", gap_file, *args)
    assert run.returncode == 2
    assert message in run.stderr
    assert run.stdout == ""


def test_missing_file_exits_2(cli, tmp_path: Path) -> None:
    run = cli("validate", tmp_path / "nope.ttl")
    assert run.returncode == 2
    assert "nope.ttl" in run.stderr and "no such file" in run.stderr


def test_syntax_error_names_file_line_and_column(cli, tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text(
        "@prefix ex: <https://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e ex:f ex:g .\n",
        encoding="utf-8",
    )
    run = cli("validate", bad, "--format", "json")
    assert run.returncode == 2
    assert run.stdout == ""
    assert f"error: {bad}: syntax error at line 3, column " in run.stderr


def test_json_ld_syntax_error_names_file_line_and_column(cli, tmp_path: Path) -> None:
    bad = tmp_path / "broken.jsonld"
    bad.write_text('{\n  "@id": "https://example.org/a",\n  "label" "A"\n}\n', encoding="utf-8")
    run = cli("validate", bad)
    assert run.returncode == 2
    assert f"{bad}: syntax error at line 3, column 11" in run.stderr


# severity given to COV-001 by the policy, --fail-on, expected exit status
FAIL_ON_TABLE = [
    ("violation", "violation", 1),
    ("violation", "warning", 1),
    ("violation", "info", 1),
    ("violation", "never", 0),
    ("warning", "violation", 0),
    ("warning", "warning", 1),
    ("warning", "info", 1),
    ("warning", "never", 0),
    ("info", "violation", 0),
    ("info", "warning", 0),
    ("info", "info", 1),
    ("info", "never", 0),
]
# The boundaries, through the real command line (the whole table runs in-process below).
FAIL_ON_CLI = [FAIL_ON_TABLE[i] for i in (3, 4, 5, 9, 10)]


@pytest.mark.parametrize(("severity", "fail_on", "status"), FAIL_ON_CLI)
def test_fail_on(
    cli, tmp_path: Path, gap_file: Path, clean_file: Path, severity: str, fail_on: str, status: int
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(only_rule_policy("COV-001", f'severity = {{ COV-001 = "{severity}" }}\n'), encoding="utf-8")
    run = cli("validate", gap_file, clean_file, "--policy", policy, "--fail-on", fail_on, "--format", "json")
    assert run.returncode == status, run.stderr
    gap, clean = run.json()
    assert [(f["rule_id"], f["severity"], f["focus_node"]) for f in gap["findings"]] == [
        ("COV-001", severity, GAP_NODE)
    ]
    assert gap["conforms"] is (severity != "violation")
    assert clean["findings"] == []


def test_fail_on_table(gap_file: Path, clean_file: Path) -> None:
    for severity, fail_on, status in FAIL_ON_TABLE:
        policy = Policy.model_validate(
            tomllib.loads(only_rule_policy("COV-001", f'severity = {{ COV-001 = "{severity}" }}\n'))
        )
        options = BatchOptions(Options(as_of=FIXED_AS_OF, policy=policy), Settings(_env_file=None))  # type: ignore[call-arg]
        results = [validate_path(path, options) for path in (gap_file, clean_file)]
        assert exit_status(results, FailOn(fail_on)) == status, (severity, fail_on)


def test_fail_on_defaults_to_violation(cli, tmp_path: Path, gap_file: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(only_rule_policy("COV-001", 'severity = { COV-001 = "warning" }\n'), encoding="utf-8")
    assert cli("validate", gap_file, "--policy", policy).returncode == 0


@pytest.mark.parametrize("fail_on", ["violation", "never"])
def test_an_unreadable_file_exits_2_whatever_fail_on(cli, tmp_path: Path, clean_file: Path, fail_on: str) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    run = cli("validate", clean_file, bad, "--fail-on", fail_on, "--format", "json")
    assert run.returncode == 2
    clean, broken = run.json()
    assert clean["file"] == str(clean_file) and "findings" in clean
    assert broken["file"] == str(bad)
    assert broken["error"]["code"] == "syntax-error"
    assert broken["error"]["line"] == 1


def test_output_file_holds_the_batch_and_stdout_stays_empty(
    cli, tmp_path: Path, gap_file: Path, clean_file: Path
) -> None:
    target = tmp_path / "out" / "report.json"
    run = cli("validate", gap_file, clean_file, "--format", "json", "--output", target, "--as-of", AS_OF)
    assert run.returncode == 1
    assert run.stdout == ""
    items = json.loads(target.read_text(encoding="utf-8"))
    assert [item["file"] for item in items] == [str(gap_file), str(clean_file)]
    assert "Summary: 2 file(s)" in run.stderr
    assert "Validating" not in run.stderr  # no progress bar when stderr is not a terminal


def test_output_directory_gets_one_report_per_input(cli, tmp_path: Path) -> None:
    envs = tmp_path / "envs"
    (envs / "a").mkdir(parents=True)
    (envs / "b").mkdir()
    source = RULE_FIXTURES / "COV-001"
    (envs / "a" / "x.ttl").write_text((source / "violation.ttl").read_text(), encoding="utf-8")
    (envs / "b" / "x.ttl").write_text((source / "near-miss.ttl").read_text(), encoding="utf-8")
    out = tmp_path / "reports"
    run = cli("validate", envs, "--format", "json", "--output", f"{out}/", "--as-of", AS_OF)
    assert run.returncode == 1, run.stderr
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["a/x.ttl.json", "b/x.ttl.json"]
    for name in ("a", "b"):
        body = json.loads((out / name / "x.ttl.json").read_text(encoding="utf-8"))
        expected = validate(parse_file(envs / name / "x.ttl"), as_of=FIXED_AS_OF, blast_radius=True)
        assert body == expected.contract()


def test_output_directory_inside_the_inputs_is_not_read_back(cli, tmp_path: Path, gap_file: Path) -> None:
    out = tmp_path / "reports"
    first = cli("validate", tmp_path, "--format", "json", "--output", f"{out}/", "-q")
    second = cli("validate", tmp_path, "--format", "json", "--output", f"{out}/", "-q")
    assert first.returncode == second.returncode == 1
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == ["gap.ttl.json"]


def test_text_batch_ends_with_a_summary_on_stdout(cli, gap_file: Path, clean_file: Path) -> None:
    run = cli("validate", gap_file, clean_file)
    assert run.returncode == 1
    assert "Summary: 2 file(s)" in run.stdout
    assert "Slowest:" in run.stdout


def test_quiet_leaves_out_the_summary(cli, gap_file: Path, clean_file: Path) -> None:
    run = cli("validate", gap_file, clean_file, "--format", "json", "--quiet")
    assert "Summary" not in run.stderr and "Summary" not in run.stdout
    assert len(run.json()) == 2


def test_single_directory_with_one_file_still_gives_a_list(cli, tmp_path: Path) -> None:
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "env.ttl").write_text((RULE_FIXTURES / "COV-001" / "violation.ttl").read_text(), encoding="utf-8")
    run = cli("validate", folder, "--format", "json", "-q")
    assert [item["file"] for item in run.json()] == [str(folder / "env.ttl")]


def test_glob_pattern_selects_files(cli, tmp_path: Path, gap_file: Path, clean_file: Path) -> None:
    (tmp_path / "notes.txt").write_text("not RDF", encoding="utf-8")
    run = cli("validate", str(tmp_path / "*"), "--format", "json", "-q")
    assert sorted(item["file"] for item in run.json()) == sorted([str(gap_file), str(clean_file)])


def test_a_pattern_that_matches_nothing_is_an_error_entry(cli, tmp_path: Path, gap_file: Path) -> None:
    run = cli("validate", gap_file, str(tmp_path / "*.nt"), "--format", "json", "-q")
    assert run.returncode == 2
    items = run.json()
    assert items[1] == {
        "file": str(tmp_path / "*.nt"),
        "error": {"code": "not-found", "message": items[1]["error"]["message"]},
    }
    assert "matches" in items[1]["error"]["message"]


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_engine_option_still_works(cli, engine: str) -> None:
    run = cli(
        "validate", RULE_FIXTURES / "COV-001" / "violation.ttl", "--engine", engine, "-f", "json", "--as-of", AS_OF
    )
    assert run.returncode == 1
    assert {f["focus_node"] for f in run.json()["findings"] if f["rule_id"] == "COV-001"} == {
        "https://example.org/web01",
        "https://example.org/fs01",
    }


def test_progress_bar_only_on_a_terminal(tmp_path: Path, gap_file: Path, clean_file: Path) -> None:
    report = tmp_path / "report.json"
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [str(ADVISOR), "validate", str(tmp_path), "-f", "json", "-o", str(report)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=secondary,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 65536)
        except OSError:  # the terminal closed when the process ended
            break
        if not data:
            break
        chunks.append(data)
    os.close(primary)
    assert process.wait() == 1
    terminal = b"".join(chunks).decode("utf-8", errors="replace")
    assert "Validating" in terminal and "2/2" in terminal
    assert "Summary: 2 file(s)" in terminal
    assert len(json.loads(report.read_text(encoding="utf-8"))) == 2
