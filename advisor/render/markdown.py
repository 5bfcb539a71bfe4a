"""Markdown report (CommonMark with GitHub tables), for tickets and wikis."""

from __future__ import annotations

import re
from collections.abc import Sequence

from advisor.inventory import NodeKind
from advisor.render.common import (
    SEVERITY_PLURALS,
    SEVERITY_TITLES,
    counts_by_category,
    counts_sentence,
    file_label,
    score_sentence,
    verdict,
)
from advisor.render.explanation import REPORT, Kind, Part, parts
from advisor.report import Finding, Report, Severity
from advisor.score import scope_scores

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!])")
_LISTED_UNPROTECTED = 50
_LISTED_UNRECOVERABLE = 50


def text(value: str) -> str:
    """Inline text with every character Markdown would act on escaped, on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(value.split()))


def code(value: str) -> str:
    """An inline code span that holds any text (the fence is longer than any run of backticks in it)."""
    value = " ".join(value.split())
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or not value.strip() else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _anchor_title(index: int, finding: Finding) -> str:
    return f"{index}. {finding.rule_id} {text(finding.explanation.title)} — {text(finding.focus_label)}"


def _summary(report: Report, level: str) -> list[str]:
    counts = report.counts()
    lines = [f"{level} Summary", "", "| Severity | Findings |", "| --- | ---: |"]
    lines += [f"| {SEVERITY_TITLES[s]} | {counts[s.value]} |" for s in Severity]
    waived = sum(1 for f in report.findings if f.waived)
    if waived:
        lines.append(f"| Waived | {waived} |")
    lines += ["", f"Posture score: **{report.score:g}** / 100 ({report.systems} computer system(s))."]
    lines += _scope_scores(report)
    by_category = counts_by_category(report)
    if by_category:
        lines += ["", "| Category | Violations | Warnings | Info |", "| --- | ---: | ---: | ---: |"]
        lines += [
            f"| {text(category)} | {c['violation']} | {c['warning']} | {c['info']} |"
            for category, c in by_category.items()
        ]
    systems = report.inventory.of_kind(NodeKind.HOST, NodeKind.VM, NodeKind.SERVER)
    if systems:
        protection = report.inventory.protection()
        lines += [
            "",
            f"Computer systems: {len(systems)} — {protection['protected']} protected by a backup job, "
            f"{protection['unprotected']} not protected, {protection['excluded']} excluded with a stated reason.",
        ]
        unprotected = [n.label for n in systems if not n.protected and not n.excluded]
        if unprotected:
            shown = ", ".join(text(label) for label in unprotected[:_LISTED_UNPROTECTED])
            more = len(unprotected) - _LISTED_UNPROTECTED
            lines += ["", f"Not protected: {shown}" + (f" and {more} more." if more > 0 else ".")]
    return lines


def _scope_scores(report: Report) -> list[str]:
    """A table of the score of each site and each cluster, where the report has an inventory."""
    rows = [
        (title, scope)
        for title, kind in (("Site", NodeKind.SITE), ("Cluster", NodeKind.CLUSTER))
        for scope in scope_scores(report.findings, report.inventory, kind)
    ]
    if not rows:
        return []
    lines = ["", "| Scope | Name | Systems | Findings | Score |", "| --- | --- | ---: | ---: | ---: |"]
    lines += [f"| {title} | {text(s.label)} | {s.systems} | {s.findings} | {s.score:g} |" for title, s in rows]
    return lines


def _part(part: Part) -> list[str]:
    """One part of the explanation, and the blank line after it."""
    if part.kind is Kind.PAPER:
        attribution = [">", f"> — *{text(part.section)}*"] if part.section else []
        return [f"> “{text(part.text)}”", *attribution, ""]
    if part.kind is Kind.REFERENCES:
        return [f"{part.label}: " + ", ".join(f"<{reference}>" for reference in part.references), ""]
    return [f"**{part.label}.** {text(part.text)}", ""]


def _finding(index: int, finding: Finding, level: str) -> list[str]:
    lines = [f"{level} {_anchor_title(index, finding)}", ""]
    facts = [
        f"- **Severity:** {SEVERITY_TITLES[finding.severity]} · **Category:** {text(finding.category)}",
        f"- **Resource:** {text(finding.focus_label)} ({code(finding.focus_node)})",
    ]
    if finding.path:
        value = f" · **Value:** {code(finding.value)}" if finding.value else ""
        facts.append(f"- **Property:** {code(finding.path)}{value}")
    if finding.waiver is not None:
        state = "Waiver expired" if finding.waiver.expired else "Waived"
        facts.append(
            f"- **{state}:** {text(finding.waiver.reason)} (accepted by {text(finding.waiver.accepted_by)}, "
            f"until {finding.waiver.expires.isoformat()})"
        )
    lines += [*facts, "", text(finding.message), ""]
    return lines + [line for part in parts(finding.explanation, REPORT) for line in _part(part)]


def _findings(report: Report, level: str) -> list[str]:
    if not report.findings:
        return [f"{level} Findings", "", "No findings: every rule passed.", ""]
    lines = [
        f"{level} Findings",
        "",
        "| # | Severity | Rule | Resource | Message |",
        "| ---: | --- | --- | --- | --- |",
    ]
    for index, finding in enumerate(report.findings, 1):
        severity = SEVERITY_TITLES[finding.severity] + (" (waived)" if finding.waived else "")
        lines.append(
            f"| {index} | {severity} | {finding.rule_id} | {text(finding.focus_label)} | {text(finding.message)} |"
        )
    lines.append("")
    for severity in Severity:
        group = [(i, f) for i, f in enumerate(report.findings, 1) if f.severity is severity]
        if group:
            lines += [f"{level}# {SEVERITY_PLURALS[severity]} ({len(group)})", ""]
            for index, finding in group:
                lines += _finding(index, finding, level + "##")
    return lines


def _errors(report: Report, level: str) -> list[str]:
    if not report.errors:
        return []
    lines = [f"{level} Rules that could not run", ""]
    lines += [f"- **{error.rule_id}**: {text(error.message)}" for error in report.errors]
    return [*lines, ""]


def _blast_radius(report: Report, level: str) -> list[str]:
    """For each site and cluster, the systems losing it alone would leave unrecoverable (advisor what-if)."""
    if not report.blast_radius:
        return []
    lines = [
        f"{level} Blast radius",
        "",
        "What losing one site or one cluster alone would leave unrecoverable "
        "(no backup in a repository that survives); `advisor what-if` tells the rest.",
        "",
    ]
    lines += ["| Scope | Name | Unrecoverable | Systems |", "| --- | --- | ---: | --- |"]
    for entry in report.blast_radius:
        names = [text(s.label) for s in entry.unrecoverable[:_LISTED_UNRECOVERABLE]]
        more = entry.unrecoverable_count - len(names)
        listed = ", ".join(names) + (f" and {more} more" if more > 0 else "")
        lines.append(f"| {entry.kind.capitalize()} | {text(entry.label)} | {entry.unrecoverable_count} | {listed} |")
    return [*lines, ""]


def _body(report: Report, level: str) -> list[str]:
    return [
        *_summary(report, level),
        "",
        *_blast_radius(report, level),
        *_findings(report, level),
        *_errors(report, level),
    ]


def _headline(report: Report) -> str:
    return (
        f"**{verdict(report).capitalize()}** — {counts_sentence(report)} · {score_sentence(report)} · "
        f"as of {report.as_of.isoformat()} · "
        f"{report.engine} engine · {report.triples} triples"
    )


def render_markdown(report: Report, *, source_text: str | None = None) -> bytes:
    lines = [f"# Backup report: {text(file_label(report))}", "", _headline(report), "", *_body(report, "##")]
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


def render_markdown_many(reports: Sequence[Report], *, source_texts: dict[str, str] | None = None) -> bytes:
    lines = [f"# Backup report: {len(reports)} file(s)", ""]
    lines += [
        "| File | Verdict | Violations | Warnings | Info | Score |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for index, report in enumerate(reports):
        counts = report.counts()
        lines.append(
            f"| {text(file_label(report, index))} | {verdict(report)} | {counts['violation']} | "
            f"{counts['warning']} | {counts['info']} | {report.score:g} |"
        )
    lines.append("")
    for index, report in enumerate(reports):
        lines += [f"## {text(file_label(report, index))}", "", _headline(report), "", *_body(report, "###")]
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


__all__ = ["code", "render_markdown", "render_markdown_many", "text"]
