"""The service applies its policy file (setting policy_file) to every validation, as the CLI does."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.errors import AdvisorError
from api.service import AdvisorService
from tests.api.conftest import EXAMPLE_TTL, running, settings_for

pytestmark = pytest.mark.anyio

POLICY = """
[rules]
disable = ["DQ-005"]
severity = { "COV-010" = "info" }

[[waivers]]
rule = "COV-001"
focus_node = "https://example.org/branch/web01"
reason = "Web tier is rebuilt from the image pipeline"
accepted_by = "A. Admin"
expires = 2027-01-31
"""


async def _findings(tmp_path: Path, **overrides: object) -> list[dict]:
    async with running(settings_for(tmp_path / "data", **overrides)) as client:
        response = await client.post(
            "/v1/validate",
            content=EXAMPLE_TTL.read_bytes(),
            params={"as_of": "2026-11-25"},
            headers={"Content-Type": "text/turtle", "Accept": "application/json"},
        )
        assert response.status_code == 200, response.text
        return response.json()["findings"]


async def test_policy_disables_rules_changes_severities_and_waives(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY, encoding="utf-8")
    without = await _findings(tmp_path / "plain")
    with_policy = await _findings(tmp_path / "governed", policy_file=policy)

    assert "DQ-005" in {f["rule_id"] for f in without}
    assert "DQ-005" not in {f["rule_id"] for f in with_policy}
    assert {f["severity"] for f in without if f["rule_id"] == "COV-010"} == {"warning"}
    assert {f["severity"] for f in with_policy if f["rule_id"] == "COV-010"} == {"info"}
    (waived,) = [f for f in with_policy if f["rule_id"] == "COV-001"]
    assert waived["focus_node"] == "https://example.org/branch/web01"
    assert waived["waiver"]["reason"] == "Web tier is rebuilt from the image pipeline"
    assert waived["waiver"]["expired"] is False
    assert not next(f for f in without if f["rule_id"] == "COV-001").get("waiver")


def test_a_bad_policy_file_stops_the_service_from_starting(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('[rules]\ndisable = ["COV-0001"]\nseverity = { "COV-010" = "serious" }\n', encoding="utf-8")
    with pytest.raises(AdvisorError) as raised:
        AdvisorService(settings_for(tmp_path / "data", policy_file=policy))
    assert "policy.toml" in raised.value.message
