"""JUnit XML: a test suite per input file, a failing test case per standing finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from advisor.knowledge import knowledge_base
from advisor.render import render, render_many
from advisor.report import Report
from tests.test_render_common import INPUT_IDS, INPUTS, made_up_report, report_for


def _standing(report: Report) -> int:
    return sum(1 for f in report.findings if not f.waived)


def _check_suite(suite: ET.Element, report: Report) -> None:
    cases = suite.findall("testcase")
    failures = [c for c in cases if c.find("failure") is not None]
    assert int(suite.get("failures", "-1")) == len(failures) == _standing(report)
    assert int(suite.get("tests", "-1")) == len(cases)
    assert int(suite.get("errors", "-1")) == len(report.errors)
    standing = [f for f in report.findings if not f.waived]
    for case, finding in zip(failures, standing, strict=True):
        failure = case.find("failure")
        assert failure is not None
        assert case.get("classname") == finding.rule_id
        assert finding.focus_label in (case.get("name") or "")
        assert failure.get("message") == finding.message
        assert failure.get("type") == finding.severity.value
        assert finding.explanation.remediation in (failure.text or "")
    passing = {c.get("classname") for c in cases if len(c) == 0}
    assert passing == set(knowledge_base().catalog) - {f.rule_id for f in report.findings} - {
        e.rule_id for e in report.errors
    }


@pytest.mark.parametrize("path", INPUTS, ids=INPUT_IDS)
def test_one_suite_with_a_failure_per_finding(path: Path) -> None:
    report = report_for(path)
    root = ET.fromstring(render(report, "junit"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    assert suites[0].get("name") == str(path)
    assert int(root.get("failures", "-1")) == _standing(report)
    _check_suite(suites[0], report)


def test_a_batch_has_a_suite_per_file_and_adds_up() -> None:
    reports = [report_for(p) for p in INPUTS]
    root = ET.fromstring(render_many(reports, "junit"))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [str(p) for p in INPUTS]
    for suite, report in zip(suites, reports, strict=True):
        _check_suite(suite, report)
    assert int(root.get("failures", "-1")) == sum(_standing(r) for r in reports)
    assert int(root.get("tests", "-1")) == sum(int(s.get("tests", "0")) for s in suites)


def test_waived_findings_are_skipped_and_odd_text_stays_well_formed() -> None:
    report = made_up_report('<x> & "y" \x01', waived=True)
    root = ET.fromstring(render(report, "junit"))
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("skipped") == "1" and suite.get("failures") == "1"
    skipped = next(c for c in suite.findall("testcase") if c.find("skipped") is not None)
    assert skipped.get("name") == '<x> & "y" '
    assert "Decommissioned next week" in (skipped.find("skipped").get("message") or "")  # type: ignore[union-attr]
