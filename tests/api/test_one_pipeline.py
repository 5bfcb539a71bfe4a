"""The CLI (one file, and a batch of files in worker processes) and the service run one pipeline: for the same
input and policy their JSON reports are the same."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.api.conftest import running, settings_for
from tests.cli.conftest import run_cli
from tests.conftest import ROOT

pytestmark = pytest.mark.anyio

AS_OF = "2026-11-25"
SAMPLES = sorted((ROOT / "sample_graphs").glob("*.ttl"))
POLICY = """
[rules]
disable = ["DQ-005"]
severity = { "COV-010" = "info", "TST-001" = "violation" }

[parameters]
max_restore_test_age_days = 20
max_successful_run_age_days = 1

[[waivers]]
rule = "COV-001"
focus_node = "https://example.org/small-office/lic01"
reason = "Web tier is rebuilt from the image pipeline"
accepted_by = "A. Admin"
expires = 2027-01-31
"""


def _comparable(report: dict) -> dict:
    """A JSON report without the name of its input (a path for the CLI, the upload's name for the service)."""
    return {key: value for key, value in report.items() if key not in ("file", "source")}


async def test_cli_batch_and_service_give_the_same_report_for_the_same_input_and_policy(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY, encoding="utf-8")
    common = ("--format", "json", "--as-of", AS_OF, "--policy", policy, "--fail-on", "never")
    batch = run_cli("validate", *SAMPLES, "--jobs", "2", *common, cwd=tmp_path)
    assert batch.returncode == 0, batch.stderr
    batch_reports = [_comparable(item) for item in json.loads(batch.stdout)]
    singles = []
    for sample in SAMPLES:
        single = run_cli("validate", sample, *common, cwd=tmp_path)
        assert single.returncode == 0, single.stderr
        singles.append(_comparable(json.loads(single.stdout)))

    async with running(settings_for(tmp_path / "data", policy_file=policy)) as client:
        served = []
        for sample in SAMPLES:
            response = await client.post(
                "/v1/validate",
                content=sample.read_bytes(),
                params={"as_of": AS_OF},
                headers={"Content-Type": "text/turtle", "Accept": "application/json"},
            )
            assert response.status_code == 200, response.text
            served.append(_comparable(response.json()))

    assert batch_reports == singles == served
    rules = {f["rule_id"] for report in served for f in report["findings"]}
    assert "DQ-005" not in rules  # the policy took effect, its parameters and its waiver too:
    messages = [f["message"] for report in served for f in report["findings"] if f["rule_id"] in ("TST-002", "REC-001")]
    assert messages and all(m.endswith(("at most 20 days.", "at most 1 days.")) for m in messages)
    waived = [f for report in served for f in report["findings"] if f.get("waiver")]
    assert [(f["rule_id"], f["focus_node"]) for f in waived] == [("COV-001", "https://example.org/small-office/lic01")]
