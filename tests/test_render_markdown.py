"""Markdown: parsed as CommonMark with tables, it shows the summary and every finding, escaped."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from advisor.render import render, render_many
from tests.test_render_common import INPUT_IDS, INPUTS, made_up_report, report_for


class _Tables(HTMLParser):
    """The text of every table cell, row by row, and every heading."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.headings: list[str] = []
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag.startswith("h") and tag[1:].isdigit() and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None

    def handle_data(self, data: str) -> None:
        for part in (self._cell, self._heading):
            if part is not None:
                part.append(data)


def _parsed(data: bytes) -> _Tables:
    html = MarkdownIt("commonmark").enable("table").render(data.decode("utf-8"))
    parser = _Tables()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("path", INPUTS, ids=INPUT_IDS)
def test_every_finding_is_in_the_table_and_has_a_section(path: Path) -> None:
    report = report_for(path)
    parsed = _parsed(render(report, "markdown"))
    finding_rows = [r for r in parsed.rows if len(r) == 5 and r[0].isdigit()]
    assert [(r[2], r[3], r[4]) for r in finding_rows] == [
        (f.rule_id, f.focus_label, " ".join(f.message.split())) for f in report.findings
    ]
    titles = [h for h in parsed.headings if h.split(". ", 1)[0].isdigit()]
    assert len(titles) == len(report.findings)
    for title, finding in zip(titles, report.findings, strict=True):
        assert finding.rule_id in title and finding.focus_label in title
    counts = report.counts()
    assert ["Violation", str(counts["violation"])] in parsed.rows


def test_markdown_characters_in_labels_are_shown_as_they_are() -> None:
    label = "web|01 *bold* [link](x) <b>tag</b> `tick` _u_"
    parsed = _parsed(render(made_up_report(label), "markdown"))
    row = next(r for r in parsed.rows if len(r) == 5 and r[0] == "1")
    assert row[3] == label
    assert any(label in h for h in parsed.headings)


def test_a_batch_has_a_section_per_file() -> None:
    reports = [report_for(p) for p in INPUTS[:5]]
    parsed = _parsed(render_many(reports, "markdown"))
    assert [h for h in parsed.headings if h in {str(p) for p in INPUTS[:5]}] == [str(p) for p in INPUTS[:5]]
    files = [r for r in parsed.rows if len(r) == 6 and r[0] in {str(p) for p in INPUTS[:5]}]
    assert [(r[0], r[2]) for r in files] == [
        (str(p), str(rep.counts()["violation"])) for p, rep in zip(INPUTS[:5], reports, strict=True)
    ]
