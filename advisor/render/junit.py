"""JUnit XML for CI dashboards: a test suite per input file, a test case per rule or finding.

Each standing finding is a failing test case (classname = rule id, name = the resource); a waived
finding is a skipped one; a rule that could not run is an error; every rule of the catalog without a
finding on the file is one passing test case, so a clean file still shows what was checked (the catalog is
the one the report was made with: Report.catalog).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence

from advisor.render.common import PRODUCT, InputError, file_label, strip_control
from advisor.render.explanation import BRIEF, Kind, Part, parts
from advisor.report import Finding, Report


def _details(finding: Finding) -> str:
    explanation = finding.explanation
    lines = [
        f"{finding.rule_id} {explanation.title} ({finding.severity.value}, {finding.category})",
        f"Resource: {finding.focus_label} <{finding.focus_node}>",
    ]
    if finding.path:
        lines.append(f"Property: {finding.path}" + (f" = {finding.value}" if finding.value else ""))
    lines += [finding.message, ""]
    lines += [_line(part) for part in parts(explanation, BRIEF) if part.kind is not Kind.REFERENCES]
    return "\n".join(lines)


def _line(part: Part) -> str:
    return f"{part.label}: " + (f"“{part.text}”" if part.kind is Kind.PAPER else part.text)


def _case_names(findings: Sequence[Finding]) -> list[str]:
    """The resource's label, with its IRI where two findings of one rule share a label."""
    seen = Counter((f.rule_id, f.focus_label) for f in findings)
    return [
        f.focus_label if seen[f.rule_id, f.focus_label] == 1 else f"{f.focus_label} <{f.focus_node}>" for f in findings
    ]


def _suite(report: Report, name: str) -> ET.Element:
    suite = ET.Element("testsuite", name=strip_control(name))
    properties = ET.SubElement(suite, "properties")
    for key, value in (
        ("as_of", report.as_of.isoformat()),
        ("engine", report.engine),
        ("triples", str(report.triples)),
        ("conforms", str(report.conforms).lower()),
        ("score", f"{report.score:g}"),
    ):
        ET.SubElement(properties, "property", name=key, value=value)
    tests = failures = errors = skipped = 0
    for finding, case_name in zip(report.findings, _case_names(report.findings), strict=True):
        case = ET.SubElement(suite, "testcase", classname=finding.rule_id, name=strip_control(case_name))
        if report.source:
            case.set("file", strip_control(report.source))
        if finding.waived and finding.waiver is not None:
            ET.SubElement(case, "skipped", message=strip_control(f"waived: {finding.waiver.reason}"))
            skipped += 1
        else:
            failure = ET.SubElement(
                case, "failure", message=strip_control(finding.message), type=finding.severity.value
            )
            failure.text = strip_control(_details(finding))
            failures += 1
        tests += 1
    broken = {error.rule_id for error in report.errors}
    for error in report.errors:
        case = ET.SubElement(suite, "testcase", classname=error.rule_id, name="rule could not run")
        ET.SubElement(case, "error", message=strip_control(error.message), type="rule-error")
        errors += 1
        tests += 1
    found = {finding.rule_id for finding in report.findings}
    for rule in report.catalog.values():
        if rule.id not in found and rule.id not in broken:
            ET.SubElement(suite, "testcase", classname=rule.id, name=f"{rule.title}: no finding")
            tests += 1
    for key, value in (("tests", tests), ("failures", failures), ("errors", errors), ("skipped", skipped)):
        suite.set(key, str(value))
    return suite


def _failed_suite(failed: InputError) -> ET.Element:
    """The suite of an input that produced no report: one test case in error, saying why."""
    suite = ET.Element("testsuite", name=strip_control(failed.file), tests="1", failures="0", errors="1", skipped="0")
    name = "input is readable and within the limits"
    case = ET.SubElement(suite, "testcase", classname="input", name=name, file=strip_control(failed.file))
    where = f" (line {failed.line}, column {failed.column})" if failed.line is not None else ""
    ET.SubElement(case, "error", message=strip_control(failed.message + where), type=failed.code)
    return suite


def render_junit_many(
    reports: Sequence[Report],
    *,
    source_texts: dict[str, str] | None = None,
    input_errors: Sequence[InputError] = (),
) -> bytes:
    root = ET.Element("testsuites", name=PRODUCT)
    suites = [_suite(report, file_label(report, i if len(reports) > 1 else None)) for i, report in enumerate(reports)]
    suites += [_failed_suite(failed) for failed in input_errors]
    root.extend(suites)
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(suite.get(key, "0")) for suite in suites)))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def render_junit(report: Report, *, source_text: str | None = None) -> bytes:
    return render_junit_many([report])
