"""CSV: one row per finding, with the input file in the first column."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from advisor.render import render, render_many
from advisor.render.csv import COLUMNS
from tests.test_render_common import INPUT_IDS, INPUTS, made_up_report, report_for


def _rows(data: bytes) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


@pytest.mark.parametrize("path", INPUTS, ids=INPUT_IDS)
def test_one_row_per_finding(path: Path) -> None:
    report = report_for(path)
    rows = _rows(render(report, "csv"))
    assert len(rows) == len(report.findings)
    for row, finding in zip(rows, report.findings, strict=True):
        assert row["file"] == str(path)
        assert (row["rule_id"], row["severity"], row["focus_node"]) == (
            finding.rule_id,
            finding.severity.value,
            finding.focus_node,
        )
        assert row["message"].lstrip("'") == finding.message
        assert row["remediation"] == finding.explanation.remediation
        assert row["waived"] == ("true" if finding.waived else "false")


def test_a_batch_names_the_file_of_every_row() -> None:
    reports = [report_for(p) for p in INPUTS]
    rows = _rows(render_many(reports, "csv"))
    assert [r["file"] for r in rows] == [str(p) for p, rep in zip(INPUTS, reports, strict=True) for _ in rep.findings]


def test_cells_a_spreadsheet_would_run_are_defused_and_commas_quoted() -> None:
    report = made_up_report('=HYPERLINK("x"), "quoted", multi\nline', waived=True)
    rows = _rows(render(report, "csv"))
    assert rows[0]["focus_label"] == "'" + report.findings[0].focus_label
    assert rows[0]["waiver_reason"] == "Decommissioned next week"
    assert rows[0]["waiver_expires"] == "2027-01-01"
    assert rows[1]["path"] == "hv:runsOn" and rows[1]["value"] == "https://example.org/hv01"
    assert rows[0]["file"] == ""
