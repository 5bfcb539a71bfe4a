"""`advisor validate --baseline`: only findings not in an earlier run's report count toward the exit status."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import AS_OF, GAP_NODE, GAP_TTL
from tests.test_render_sarif import _valid

NEW_GAP = GAP_TTL + 'ex:app01 a hv:VirtualMachine ; rdfs:label "APP01" ; hv:runsOn ex:hv01 .\n'
NEW_NODE = "https://example.org/app01"
# WEB01 fixed (the job now covers it), APP01 added without a job.
MOVED_GAP = NEW_GAP.replace("hv:protects ex:sql01", "hv:protects ex:sql01, ex:web01")


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def keys(findings: list[dict]) -> set[tuple[str, str]]:
    return {(f["rule_id"], f["focus_node"]) for f in findings}


def test_only_new_findings_fail_and_the_text_says_how_many_were_in_the_baseline(cli, tmp_path: Path) -> None:
    estate = write(tmp_path, "estate.ttl", GAP_TTL)
    first = cli("validate", estate, "--as-of", AS_OF, "-f", "json", "-o", "baseline.json")
    assert first.returncode == 1  # the estate has violations of its own
    known = json.loads((tmp_path / "baseline.json").read_text())["findings"]
    assert ("COV-001", GAP_NODE) in keys(known)

    same = cli("validate", estate, "--as-of", AS_OF, "--baseline", "baseline.json")
    assert same.returncode == 0, same.stdout + same.stderr
    assert f"{len(known)} finding(s) were in the baseline, 0 new, 0 fixed" in same.stdout

    write(tmp_path, "estate.ttl", NEW_GAP)
    grown = cli("validate", estate, "--as-of", AS_OF, "--baseline", "baseline.json")
    assert grown.returncode == 1
    now = cli("validate", estate, "--as-of", AS_OF, "-f", "json").json()["findings"]  # type: ignore[index]
    added = keys(now) - keys(known)
    assert ("COV-001", NEW_NODE) in added
    assert f"{len(known)} finding(s) were in the baseline, {len(added)} new, 0 fixed" in grown.stdout

    never = cli("validate", estate, "--as-of", AS_OF, "--baseline", "baseline.json", "--fail-on", "never")
    assert never.returncode == 0


def test_sarif_marks_every_result_new_unchanged_or_absent_and_validates(cli, tmp_path: Path) -> None:
    estate = write(tmp_path, "estate.ttl", GAP_TTL)
    assert cli("validate", estate, "--as-of", AS_OF, "-f", "sarif", "-o", "baseline.sarif").returncode == 1
    earlier = json.loads((tmp_path / "baseline.sarif").read_text())["runs"][0]["results"]
    before = {(r["ruleId"], r["properties"]["focusNode"]) for r in earlier}
    write(tmp_path, "estate.ttl", MOVED_GAP)
    run = cli("validate", estate, "--as-of", AS_OF, "-f", "sarif", "--baseline", "baseline.sarif")
    assert run.returncode == 1  # APP01 is new
    log = _valid(json.loads(run.stdout))
    results = log["runs"][0]["results"]
    assert all("baselineState" in r for r in results)
    states = {(r["ruleId"], r["properties"]["focusNode"]): r["baselineState"] for r in results}
    assert len(states) == len(results)
    assert states[("COV-001", NEW_NODE)] == "new"
    assert states[("COV-001", GAP_NODE)] == "absent"
    present = {k for k, state in states.items() if state != "absent"}
    assert {k for k, state in states.items() if state == "absent"} == before - present
    assert {k for k, state in states.items() if state == "unchanged"} == before & present
    assert {k for k, state in states.items() if state == "new"} == present - before
    absent = next(r for r in results if r["baselineState"] == "absent")
    assert log["runs"][0]["tool"]["driver"]["rules"][absent["ruleIndex"]]["id"] == absent["ruleId"]
    counted = f"{len(before & present)} finding(s) were in the baseline, {len(present - before)} new, "
    assert counted + f"{len(before - present)} fixed" in run.stderr  # stdout is the SARIF log

    again = cli("validate", estate, "--as-of", AS_OF, "-f", "sarif", "--baseline", "baseline.sarif", "-o", "now.sarif")
    assert len(json.loads((tmp_path / "now.sarif").read_text())["runs"][0]["results"]) == len(results)
    assert again.returncode == 1
    chained = cli("validate", estate, "--as-of", AS_OF, "--baseline", "now.sarif")  # absent results are not findings
    assert chained.returncode == 0
    assert "0 new, 0 fixed" in chained.stdout


def test_a_bad_baseline_is_a_usage_error_that_names_the_file_and_the_place(cli, tmp_path: Path) -> None:
    estate = write(tmp_path, "estate.ttl", GAP_TTL)
    write(tmp_path, "broken.json", '{"findings": [\n  {"rule_id": "COV-001",,}\n]}')
    broken = cli("validate", estate, "--baseline", "broken.json")
    assert broken.returncode == 2 and broken.stdout == ""
    assert "broken.json: not JSON at line 2" in broken.stderr
    write(tmp_path, "shapeless.json", '{"conforms": true}')
    shapeless = cli("validate", estate, "--baseline", "shapeless.json")
    assert shapeless.returncode == 2 and 'no "findings" list' in shapeless.stderr
    write(tmp_path, "odd.json", '{"findings": [{"rule_id": "COV-001", "severity": "fatal", "focus_node": "x"}]}')
    odd = cli("validate", estate, "--baseline", "odd.json")
    assert odd.returncode == 2 and "odd.json: findings[0].severity: 'fatal' is not violation" in odd.stderr
    missing = cli("validate", estate, "--baseline", "gone.json")
    assert missing.returncode == 2 and "gone.json: no such baseline file" in missing.stderr


def test_a_baseline_larger_than_the_input_limit_names_the_option(cli, tmp_path: Path) -> None:
    estate = write(tmp_path, "estate.ttl", GAP_TTL)
    assert cli("validate", estate, "-f", "json", "-o", "baseline.json").returncode == 1
    size = (tmp_path / "baseline.json").stat().st_size
    refused = cli("validate", estate, "--baseline", "baseline.json", "--max-bytes", str(size - 1))
    assert refused.returncode == 2 and refused.stdout == ""
    assert f"baseline.json: the report has {size} bytes, more than the limit of {size - 1} bytes" in refused.stderr
    assert "raise it with --max-bytes" in refused.stderr
    both = cli("diff", "baseline.json", "baseline.json", "--max-bytes", str(size - 1))
    assert both.returncode == 2 and "raise it with --max-bytes" in both.stderr
    assert cli("validate", estate, "--baseline", "baseline.json", "--max-bytes", str(size)).returncode == 0


def test_a_batchs_json_list_is_a_baseline_for_the_next_batch(cli, tmp_path: Path) -> None:
    estates = tmp_path / "estates"
    estates.mkdir()
    write(estates, "one.ttl", GAP_TTL)
    write(estates, "two.ttl", GAP_TTL.replace("https://example.org/", "https://example.org/two/"))
    write(estates, "broken.ttl", GAP_TTL + "ex:oops a .\n")
    first = cli("validate", estates, "--as-of", AS_OF, "-f", "json", "-o", "batch.json")
    assert first.returncode == 2  # one file does not parse: its entry is an error, not findings
    items = json.loads((tmp_path / "batch.json").read_text())
    assert [("error" in item) for item in items].count(True) == 1
    (estates / "broken.ttl").unlink()
    again = cli("validate", estates, "--as-of", AS_OF, "--baseline", "batch.json", "-q")
    assert again.returncode == 0, again.stdout + again.stderr
    known = sum(len(item.get("findings", [])) for item in items)
    assert f"{known} finding(s) were in the baseline, 0 new, 0 fixed" in again.stdout
