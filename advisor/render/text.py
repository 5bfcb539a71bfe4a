"""Text report for a person at a terminal: grouped by severity, coloured when it is a terminal."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding

from advisor.render.explanation import BRIEF, Kind, Part, parts
from advisor.report import Report, Severity

_STYLES = {Severity.VIOLATION: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold blue"}
_HEADINGS = {Severity.VIOLATION: "Violations", Severity.WARNING: "Warnings", Severity.INFO: "Information"}


def _indented(console: Console, markup: str) -> None:
    """A paragraph indented by four spaces, wrapped within the console width."""
    console.print(Padding(markup, (0, 0, 0, 4), expand=False))


def _part_markup(part: Part) -> str:
    if part.kind is Kind.PAPER:
        section = f" ({escape(part.section)})" if part.section else ""
        return f"[dim]{part.label}{section}:[/] “{escape(part.text)}”"
    return f"[dim]{part.label}:[/] {escape(part.text)}"


def render_text(report: Report, *, color: bool = False, width: int = 100) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False)
    counts = report.counts()
    source = f"{report.source}: " if report.source else ""
    verdict = "[green]conforms[/]" if report.conforms else "[red]does not conform[/]"
    console.print(
        f"{escape(source)}{verdict} — {counts['violation']} violation(s), {counts['warning']} warning(s), "
        f"{counts['info']} info, posture score {report.score:g}/100, as of {report.as_of.isoformat()}"
    )
    for severity in Severity:
        findings = [f for f in report.findings if f.severity is severity]
        if not findings:
            continue
        console.print(f"\n[{_STYLES[severity]}]{_HEADINGS[severity]} ({len(findings)})[/]")
        for finding in findings:
            explanation = finding.explanation
            waived = ""
            if finding.waiver is not None:
                state = "expired waiver" if finding.waiver.expired else "waived"
                waived = f" [dim]({state}: {escape(finding.waiver.reason)})[/]"
            console.print(
                f"\n  [{_STYLES[severity]}]{finding.rule_id}[/] {escape(explanation.title)} — "
                f"[bold]{escape(finding.focus_label)}[/]{waived}"
            )
            _indented(console, escape(finding.message))
            for part in parts(explanation, BRIEF):
                if part.kind is not Kind.REFERENCES:
                    _indented(console, _part_markup(part))
    for error in report.errors:
        console.print(f"\n[bold red]Rule {error.rule_id} could not run:[/] {escape(error.message)}")
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
