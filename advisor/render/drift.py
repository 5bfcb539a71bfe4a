"""The drift between two states as text, JSON, Markdown or one HTML page (what got worse first)."""

from __future__ import annotations

import json
from collections.abc import Callable

from advisor import __version__
from advisor.diff import Change, Drift, FindingDrift, ResourceDrift, State
from advisor.errors import InputError
from advisor.render.common import PRODUCT, SEVERITY_PLURALS, SEVERITY_TITLES
from advisor.render.html import _environment
from advisor.render.markdown import code, text
from advisor.report import Severity


def _summary(drift: Drift) -> str:
    parts = [
        f"{len(drift.of_state(State.NEW))} new",
        f"{len(drift.of_state(State.FIXED))} fixed",
        f"{len(drift.of_state(State.UNCHANGED))} unchanged",
    ]
    line = f"{drift.old.name} → {drift.new.name}: " + ", ".join(parts) + " finding(s)"
    if drift.old.score is not None and drift.new.score is not None:
        line += f"; posture score {drift.old.score:g} → {drift.new.score:g}"
    if drift.resources is not None:
        counts = ", ".join(f"{len(drift.of_change(c))} {c.value}" for c in Change)
        line += f"; resources: {counts}"
    return line


def _finding_line(finding: FindingDrift) -> list[str]:
    lines = [f"  {finding.severity.value:<9} {finding.rule_id}  {finding.focus_label}: {finding.message}"]
    if finding.old_message is not None:
        lines.append(f"            was: {finding.old_message}")
    return lines


def _resource_lines(resource: ResourceDrift) -> list[str]:
    lines = [f"  {resource.label} <{resource.node}>"]
    lines += [f"    + {s.predicate} {s.value}" for s in resource.added]
    lines += [f"    - {s.predicate} {s.value}" for s in resource.removed]
    return lines


def render_drift_text(drift: Drift) -> bytes:
    lines = [_summary(drift)]
    for state, title in ((State.NEW, "New findings"), (State.FIXED, "Fixed findings")):
        group = drift.of_state(state)
        lines += ["", f"{title} ({len(group)})"]
        for finding in group:
            lines += _finding_line(finding)
    if drift.resources is not None:
        for change in Change:
            group = drift.of_change(change)
            if group:
                lines += ["", f"Resources {change.value} ({len(group)})"]
                for resource in group:
                    lines += _resource_lines(resource)
    unchanged = drift.of_state(State.UNCHANGED)
    lines += ["", f"Unchanged findings ({len(unchanged)})"]
    for finding in unchanged:
        lines += _finding_line(finding)
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_drift_json(drift: Drift) -> bytes:
    return (json.dumps(drift.contract(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _markdown_findings(group: list[FindingDrift]) -> list[str]:
    if not group:
        return ["None.", ""]
    lines = ["| Severity | Rule | Resource | Message |", "| --- | --- | --- | --- |"]
    for f in group:
        message = text(f.message) + (f" (was: {text(f.old_message)})" if f.old_message is not None else "")
        lines.append(f"| {SEVERITY_TITLES[f.severity]} | {f.rule_id} | {text(f.focus_label)} | {message} |")
    return [*lines, ""]


def render_drift_markdown(drift: Drift) -> bytes:
    lines = [f"# Drift: {text(drift.old.name)} → {text(drift.new.name)}", "", text(_summary(drift)), ""]
    if drift.old.counts is not None and drift.new.counts is not None:
        lines += [f"| | {text(drift.old.name)} | {text(drift.new.name)} |", "| --- | ---: | ---: |"]
        if drift.old.score is not None and drift.new.score is not None:
            lines.append(f"| Posture score | {drift.old.score:g} | {drift.new.score:g} |")
        lines += [
            f"| {SEVERITY_PLURALS[s]} | {drift.old.counts[s.value]} | {drift.new.counts[s.value]} |" for s in Severity
        ]
        lines.append("")
    lines += [f"## New findings ({len(drift.of_state(State.NEW))})", "", *_markdown_findings(drift.of_state(State.NEW))]
    if drift.resources is not None:
        lines += ["## What changed in the estate", ""]
        for change in Change:
            for r in drift.of_change(change):
                lines.append(f"- **{change.value}** {text(r.label)} ({code(r.node)})")
                lines += [f"  - \\+ {code(s.predicate)} {text(s.value)}" for s in r.added]
                lines += [f"  - − {code(s.predicate)} {text(s.value)}" for s in r.removed]
        if not drift.resources:
            lines.append("Nothing changed.")
        lines.append("")
    for state, title in ((State.FIXED, "Fixed findings"), (State.UNCHANGED, "Unchanged findings")):
        group = drift.of_state(state)
        lines += [f"## {title} ({len(group)})", "", *_markdown_findings(group)]
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


def render_drift_html(drift: Drift) -> bytes:
    template = _environment().get_template("drift.html.j2")
    page = template.render(
        title=f"Drift: {drift.old.name} → {drift.new.name}",
        product=PRODUCT,
        version=__version__,
        old=drift.old,
        new=drift.new,
        new_findings=drift.of_state(State.NEW),
        fixed=drift.of_state(State.FIXED),
        unchanged=drift.of_state(State.UNCHANGED),
        resources=drift.resources,
        added=drift.of_change(Change.ADDED),
        removed=drift.of_change(Change.REMOVED),
        changed=drift.of_change(Change.CHANGED),
        severities=list(Severity),
        severity_titles=SEVERITY_TITLES,
        severity_plurals=SEVERITY_PLURALS,
    )
    return page.encode("utf-8")


DRIFT_FORMATS: dict[str, tuple[str, Callable[[Drift], bytes]]] = {
    "text": ("text/plain", render_drift_text),
    "json": ("application/json", render_drift_json),
    "markdown": ("text/markdown", render_drift_markdown),
    "html": ("text/html", render_drift_html),
}


def render_drift(drift: Drift, name: str) -> bytes:
    if name not in DRIFT_FORMATS:
        raise InputError(f"unknown drift format {name!r}: use one of {', '.join(DRIFT_FORMATS)}")
    return DRIFT_FORMATS[name][1](drift)


__all__ = ["DRIFT_FORMATS", "render_drift"]
