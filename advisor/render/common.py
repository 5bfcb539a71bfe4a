"""What several renderers share: names, counts and the worst finding of each resource."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from advisor.report import Finding, Report, Rule, Severity

PRODUCT = "Hyper-V Backup Advisor"
SEVERITY_TITLES = {Severity.VIOLATION: "Violation", Severity.WARNING: "Warning", Severity.INFO: "Info"}
SEVERITY_PLURALS = {Severity.VIOLATION: "Violations", Severity.WARNING: "Warnings", Severity.INFO: "Information"}


def catalog_of(reports: Iterable[Report]) -> dict[str, Rule]:
    """The rules the reports were made with (each report's own catalog, joined in order): what renderers describe."""
    rules: dict[str, Rule] = {}
    for report in reports:
        for rule_id, rule in report.catalog.items():
            rules.setdefault(rule_id, rule)
    return rules


def file_label(report: Report, index: int | None = None) -> str:
    """How a report's input is named: its path, else 'input' (numbered in a batch)."""
    if report.source:
        return report.source
    return "input" if index is None else f"input {index + 1}"


def standing(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that count: those no current waiver covers."""
    return [f for f in findings if not f.waived]


def worst_by_node(findings: Iterable[Finding]) -> dict[str, Severity]:
    """The worst standing severity of each focus node."""
    worst: dict[str, Severity] = {}
    for finding in standing(findings):
        current = worst.get(finding.focus_node)
        if current is None or finding.severity.rank < current.rank:
            worst[finding.focus_node] = finding.severity
    return worst


def counts_by_category(report: Report) -> dict[str, dict[str, int]]:
    """Standing findings counted by category, then severity; categories in name order."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {s.value: 0 for s in Severity})
    for finding in standing(report.findings):
        counts[finding.category or "Uncategorised"][finding.severity.value] += 1
    return dict(sorted(counts.items()))


def verdict(report: Report) -> str:
    return "conforms" if report.conforms else "does not conform"


def counts_sentence(report: Report) -> str:
    counts = report.counts()
    waived = sum(1 for f in report.findings if f.waived)
    text = f"{counts['violation']} violation(s), {counts['warning']} warning(s), {counts['info']} info"
    return text + (f", {waived} waived" if waived else "")


def score_sentence(report: Report) -> str:
    """The posture score as the summaries state it."""
    return f"posture score {report.score:g}/100"


def strip_control(text: str) -> str:
    """Drop the control characters XML 1.0 cannot hold (keeping tab, newline and carriage return)."""
    if not any(c < " " or c in _NON_CHARACTERS for c in text):
        return text
    return "".join(c for c in text if (c >= " " or c in "\t\n\r") and c not in _NON_CHARACTERS)


_NON_CHARACTERS = frozenset("\ufffe\uffff")


@dataclass(frozen=True)
class InputError:
    """An input of a batch that produced no report (unreadable, unparseable, over a limit)."""

    file: str
    code: str
    message: str
    line: int | None = None
    column: int | None = None
