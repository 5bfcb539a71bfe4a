"""Every rule has a graph that breaks it and a near miss that does not (tests/rules/<RULE-ID>/).

Each folder holds violation.ttl, near-miss.ttl and expected.json:
  {"as_of": "2026-11-25",                       # optional, default 2026-11-25
   "violation": [{"focus_node": IRI, "message_contains": [...], "message_lacks": [...], "severity": optional}],
   "near_miss": [{"focus_node": IRI, ...}]}      # usually empty
The findings of the folder's rule must be exactly the expected focus nodes, and each message must
contain every expected fragment (the resource's label and the offending detail) and none of the
fragments it must lack (wording that would be false of that focus node).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import RULE_FIXTURES, load_expected, validate_file

FOLDERS = sorted(p for p in RULE_FIXTURES.iterdir() if p.is_dir())
CASES = [(folder, case) for folder in FOLDERS for case in ("violation", "near-miss")]


@pytest.mark.parametrize(("folder", "case"), CASES, ids=[f"{f.name}-{c}" for f, c in CASES])
def test_rule_case(folder: Path, case: str) -> None:
    rule_id = folder.name
    expected = load_expected(folder)
    as_of = dt.date.fromisoformat(expected.get("as_of", "2026-11-25"))
    report = validate_file(folder / f"{case}.ttl", as_of=as_of)
    assert not report.errors, report.errors
    found = {f.focus_node: f for f in report.findings if f.rule_id == rule_id}
    wanted = expected["violation" if case == "violation" else "near_miss"]
    assert sorted(found) == sorted(item["focus_node"] for item in wanted), [f.message for f in found.values()]
    for item in wanted:
        finding = found[item["focus_node"]]
        for fragment in item.get("message_contains", []):
            assert fragment in finding.message, f"{fragment!r} not in {finding.message!r}"
        for fragment in item.get("message_lacks", []):
            assert fragment not in finding.message, f"{fragment!r} wrongly in {finding.message!r}"
        if "severity" in item:
            assert finding.severity.value == item["severity"]
        assert finding.explanation.rationale and finding.explanation.remediation and finding.explanation.impact


def test_every_rule_has_its_fixture_folder(kb) -> None:
    missing = []
    for rule_id in kb.catalog:
        folder = RULE_FIXTURES / rule_id
        for name in ("violation.ttl", "near-miss.ttl", "expected.json"):
            if not (folder / name).is_file():
                missing.append(f"{rule_id}/{name}")
    assert not missing, f"rules without fixtures: {missing}"


def test_every_fixture_folder_names_a_rule(kb) -> None:
    assert sorted(f.name for f in FOLDERS if f.name not in kb.catalog) == []


def test_each_violation_fixture_breaks_its_rule() -> None:
    for folder in FOLDERS:
        assert load_expected(folder)["violation"], f"{folder.name}: the violation case expects no finding"
