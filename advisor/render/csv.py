"""CSV report: one row per finding (RFC 4180, UTF-8), with the input file in the first column."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from advisor.render.common import file_label
from advisor.report import Finding, Report

COLUMNS = (
    "file",
    "severity",
    "rule_id",
    "category",
    "title",
    "focus_node",
    "focus_label",
    "path",
    "value",
    "message",
    "remediation",
    "waived",
    "waiver_reason",
    "waiver_expires",
)
# A spreadsheet runs a cell that starts with one of these as a formula; labels come from user graphs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str | None) -> str:
    """A cell's text, with a leading apostrophe where a spreadsheet would read a formula."""
    if value is None:
        return ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _row(file: str, finding: Finding) -> list[str]:
    waiver = finding.waiver
    return [
        cell(value)
        for value in (
            file,
            finding.severity.value,
            finding.rule_id,
            finding.category,
            finding.explanation.title,
            finding.focus_node,
            finding.focus_label,
            finding.path,
            finding.value,
            finding.message,
            finding.explanation.remediation,
            "true" if finding.waived else "false",
            waiver.reason if waiver else None,
            waiver.expires.isoformat() if waiver else None,
        )
    ]


def render_csv_many(reports: Sequence[Report], *, source_texts: dict[str, str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for index, report in enumerate(reports):
        file = file_label(report, index) if len(reports) > 1 else report.source or ""
        writer.writerows(_row(file, finding) for finding in report.findings)
    return buffer.getvalue().encode("utf-8")


def render_csv(report: Report, *, source_text: str | None = None) -> bytes:
    return render_csv_many([report])
