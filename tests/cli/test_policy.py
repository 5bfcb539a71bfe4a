"""Policies (advisor.toml, --policy) and waivers (in the policy or --waivers files)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from advisor.config import Settings
from advisor.policy import PolicyError, load_policy
from tests.cli.conftest import AS_OF, GAP_NODE, only_rule_policy
from tests.conftest import ROOT

WAIVER = f"""
[[waivers]]
rule = "COV-001"
focus_node = "{GAP_NODE}"
reason = "Web tier is rebuilt from the image pipeline"
accepted_by = "A. Admin"
expires = 2027-01-31
"""


def _policy(tmp_path: Path, text: str, name: str = "policy.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _cov001(run) -> list[dict]:
    return [f for f in run.json()["findings"] if f["rule_id"] == "COV-001"]


def test_waived_finding_is_reported_with_its_reason_and_fails_nothing(cli, tmp_path: Path, gap_file: Path) -> None:
    policy = _policy(tmp_path, only_rule_policy("COV-001") + WAIVER)
    run = cli("validate", gap_file, "--policy", policy, "--as-of", AS_OF, "-f", "json")
    assert run.returncode == 0, run.stderr
    body = run.json()
    assert body["conforms"] is True
    [finding] = _cov001(run)
    assert finding["focus_node"] == GAP_NODE
    assert finding["waiver"] == {
        "reason": "Web tier is rebuilt from the image pipeline",
        "accepted_by": "A. Admin",
        "expires": "2027-01-31",
        "expired": False,
    }
    assert "warning" not in run.stderr

    text = cli("validate", gap_file, "--policy", policy, "--as-of", AS_OF)
    assert text.returncode == 0
    assert "waived: Web tier is rebuilt from the image pipeline" in text.stdout


def test_waiver_is_valid_through_its_expiry_day(cli, tmp_path: Path, gap_file: Path) -> None:
    policy = _policy(tmp_path, only_rule_policy("COV-001") + WAIVER)
    assert cli("validate", gap_file, "--policy", policy, "--as-of", "2027-01-31").returncode == 0
    assert cli("validate", gap_file, "--policy", policy, "--as-of", "2027-02-01").returncode == 1


def test_expired_waiver_brings_the_finding_back_and_says_so(cli, tmp_path: Path, gap_file: Path) -> None:
    policy = _policy(tmp_path, only_rule_policy("COV-001") + WAIVER)
    run = cli("validate", gap_file, "--policy", policy, "--as-of", "2027-03-01", "-f", "json")
    assert run.returncode == 1
    assert run.json()["conforms"] is False
    [finding] = _cov001(run)
    assert finding["waiver"]["expired"] is True
    assert "expired on 2027-01-31" in run.stderr and "A. Admin" in run.stderr

    text = cli("validate", gap_file, "--policy", policy, "--as-of", "2027-03-01")
    assert "expired waiver: Web tier is rebuilt" in text.stdout


def test_waiver_naming_an_unknown_rule_is_a_warning(cli, tmp_path: Path, gap_file: Path) -> None:
    policy = _policy(tmp_path, only_rule_policy("COV-001") + WAIVER.replace('"COV-001"', '"COV-0001"'))
    run = cli("validate", gap_file, "--policy", policy, "--as-of", AS_OF, "-f", "json")
    assert run.returncode == 1  # the finding stands
    assert "warning: waiver for COV-0001" in run.stderr
    assert "COV-0001 is not a rule (did you mean COV-001?)" in run.stderr
    assert _cov001(run)[0].get("waiver") is None


def test_waiver_naming_an_unknown_node_is_a_warning(cli, tmp_path: Path, gap_file: Path) -> None:
    policy = _policy(tmp_path, only_rule_policy("COV-001") + WAIVER.replace(GAP_NODE, "https://example.org/web99"))
    run = cli("validate", gap_file, "--policy", policy, "--as-of", AS_OF, "-f", "json")
    assert run.returncode == 1
    assert "https://example.org/web99" in run.stderr and "does not occur in the input" in run.stderr


def test_waiver_that_matches_no_finding_is_reported_as_not_needed(cli, tmp_path: Path, clean_file: Path) -> None:
    policy = _policy(tmp_path, only_rule_policy("COV-001") + WAIVER)
    run = cli("validate", clean_file, "--policy", policy, "--as-of", AS_OF)
    assert run.returncode == 0
    assert "no longer needed" in run.stderr


def test_waivers_in_a_file_of_their_own(cli, tmp_path: Path, gap_file: Path) -> None:
    policy = _policy(tmp_path, only_rule_policy("COV-001"))
    waivers = _policy(tmp_path, WAIVER, "waivers.toml")
    run = cli("validate", gap_file, "--policy", policy, "--waivers", waivers, "--as-of", AS_OF, "-f", "json")
    assert run.returncode == 0, run.stderr
    assert _cov001(run)[0]["waiver"]["accepted_by"] == "A. Admin"


def test_advisor_toml_in_the_working_directory_is_found(cli, tmp_path: Path, gap_file: Path) -> None:
    _policy(tmp_path, only_rule_policy("COV-001") + WAIVER, "advisor.toml")
    assert cli("validate", gap_file, "--as-of", AS_OF).returncode == 0
    assert cli("validate", gap_file, "--as-of", AS_OF, "--no-policy").returncode == 1


def test_disabled_rule_is_removed_and_the_summary_says_so(
    cli, tmp_path: Path, gap_file: Path, clean_file: Path
) -> None:
    policy = _policy(tmp_path, '[rules]\ndisable = ["COV-001"]\n')
    run = cli("validate", gap_file, clean_file, "--policy", policy, "-f", "json", "--as-of", AS_OF)
    reports = run.json()
    assert len(reports) == 2  # both files were validated, so an empty listing is not mistaken for a pass
    assert all(f["rule_id"] != "COV-001" for item in reports for f in item["findings"])
    assert "Disabled by the policy (findings not reported): COV-001." in run.stderr
    single = cli("validate", gap_file, "--policy", policy, "--as-of", AS_OF)
    assert "disabled by the policy" in single.stderr and "COV-001" in single.stderr


def test_policy_naming_an_unknown_rule_is_a_warning(cli, tmp_path: Path, clean_file: Path) -> None:
    policy = _policy(tmp_path, '[rules]\ndisable = ["XYZ-123"]\nseverity = { ABC-001 = "info" }\n')
    run = cli("validate", clean_file, "--policy", policy, "--as-of", AS_OF, "-f", "json")
    assert run.returncode == 0, run.stderr  # a warning, not an error: the clean file still passes
    assert "disables XYZ-123, which is not a rule" in run.stderr
    assert "severity of ABC-001, which is not a rule" in run.stderr


MALFORMED = [
    ("[rules\ndisable = []\n", "not valid TOML"),
    ('[rules]\nseverity = { COV-001 = "fatal" }\n', "rules.severity.COV-001"),
    ("[rule]\ndisable = []\n", "rule: Extra inputs are not permitted"),
    ("[parameters]\nmax_age = 3\n", "unknown parameter 'max_age'"),
    (WAIVER.replace('accepted_by = "A. Admin"\n', ""), "waivers.0.accepted_by: Field required"),
    (WAIVER.replace("2027-01-31", '"next year"'), "waivers.0.expires"),
]


@pytest.mark.parametrize(("text", "message"), MALFORMED)
def test_malformed_policy_names_the_file_and_the_problem(tmp_path: Path, text: str, message: str) -> None:
    policy = _policy(tmp_path, text)
    with pytest.raises(PolicyError) as raised:
        load_policy(policy)
    assert str(policy) in raised.value.message and message in raised.value.message


def test_malformed_policy_exits_2(cli, tmp_path: Path, clean_file: Path) -> None:
    text, message = MALFORMED[1]
    policy = _policy(tmp_path, text)
    run = cli("validate", clean_file, "--policy", policy)
    assert run.returncode == 2
    assert f"error: {policy}: " in run.stderr and message in run.stderr
    assert run.stdout == ""


def test_missing_policy_file_exits_2(cli, tmp_path: Path, clean_file: Path) -> None:
    run = cli("validate", clean_file, "--policy", tmp_path / "absent.toml")
    assert run.returncode == 2 and "absent.toml: no such file" in run.stderr


def test_rule_parameters_come_from_the_policy(tmp_path: Path) -> None:
    policy = load_policy(_policy(tmp_path, "[parameters]\nmax_restore_test_age_days = 30\n"))
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert policy.rule_parameters(settings)["max_restore_test_age_days"] == 30
    default = load_policy(_policy(tmp_path, "", "empty.toml"))
    assert default.rule_parameters(settings) == {"max_restore_test_age_days": 90, "max_successful_run_age_days": 7}
    with pytest.raises(PolicyError, match="parameter max_restore_test_age_days must not be below 0, not -1"):
        load_policy(_policy(tmp_path, "[parameters]\nmax_restore_test_age_days = -1\n", "negative.toml"))


TST_002_JOB = """@prefix hv: <https://w3id.org/hv-advisor/ontology#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:vm a hv:VirtualMachine ; rdfs:label "VM01" .
ex:job a hv:BackupJob ; rdfs:label "Nightly" ; hv:protects ex:vm ;
    hv:lastRestoreTestDate "2026-10-01"^^xsd:date ; hv:lastRestoreTestOutcome hv:Succeeded .
"""


def test_tst002_maximum_age_follows_the_policy(cli, tmp_path: Path) -> None:
    job = tmp_path / "job.ttl"
    job.write_text(TST_002_JOB, encoding="utf-8")
    as_of = (dt.date(2026, 10, 1) + dt.timedelta(days=55)).isoformat()  # the test is 55 days old
    strict = _policy(tmp_path, only_rule_policy("TST-002", "[parameters]\nmax_restore_test_age_days = 30\n"))
    lenient = _policy(tmp_path, only_rule_policy("TST-002", "[parameters]\nmax_restore_test_age_days = 60\n"), "l.toml")
    for policy, expected in ((strict, ["TST-002"]), (lenient, [])):
        run = cli("validate", job, "--policy", policy, "--as-of", as_of, "-f", "json", "--fail-on", "never")
        assert [f["rule_id"] for f in run.json()["findings"] if f["rule_id"] == "TST-002"] == expected, run.stderr


REC_001_JOB = """@prefix hv: <https://w3id.org/hv-advisor/ontology#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:job a hv:BackupJob ; rdfs:label "Nightly" ; hv:lastSuccessfulRunAt "2026-11-21T23:30:00-02:00"^^xsd:dateTime .
"""


def test_rec001_maximum_age_follows_the_policy_and_the_settings(cli, tmp_path: Path) -> None:
    """The last run is on 2026-11-22 in UTC, 3 days before the as-of date (the default of 7 allows it)."""
    job = tmp_path / "job.ttl"
    job.write_text(REC_001_JOB, encoding="utf-8")
    strict = _policy(tmp_path, only_rule_policy("REC-001", "[parameters]\nmax_successful_run_age_days = 2\n"))
    exact = _policy(tmp_path, only_rule_policy("REC-001", "[parameters]\nmax_successful_run_age_days = 3\n"), "e.toml")
    default = _policy(tmp_path, only_rule_policy("REC-001"), "d.toml")
    args = ("--as-of", "2026-11-25", "-f", "json", "--fail-on", "never")
    for policy, expected in ((strict, ["REC-001"]), (exact, []), (default, [])):
        run = cli("validate", job, "--policy", policy, *args)
        assert [f["rule_id"] for f in run.json()["findings"]] == expected, run.stderr
    (finding,) = cli("validate", job, "--policy", strict, *args).json()["findings"]
    assert finding["message"] == (
        "Nightly last completed successfully at 2026-11-21T23:30:00-02:00, 3 days before 2026-11-25 "
        "(counted from the date in UTC); the policy allows at most 2 days."
    )
    (tmp_path / "advisor.env").write_text("ADVISOR_MAX_SUCCESSFUL_RUN_AGE_DAYS=1\n", encoding="utf-8")
    from_settings = cli("validate", job, "--policy", default, *args)  # the settings' default, from advisor.env
    assert [f["rule_id"] for f in from_settings.json()["findings"]] == ["REC-001"], from_settings.stderr


def test_example_policy_names_only_known_rules(kb) -> None:
    policy = load_policy(ROOT / "examples" / "advisor.toml")
    assert policy.problems(kb.catalog) == []
    assert policy.waivers and policy.rules.disable and policy.rules.severity and policy.parameters
