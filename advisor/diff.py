"""Drift between two states of an estate: which findings are new, fixed or unchanged, and what changed
in the graph (resources added, removed and changed, each with its changed triples, named by label).

A finding's identity is its rule id and focus node (advisor.baseline.key): a finding whose message
changed is `unchanged`, with both messages. Waived findings do not count on either side.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import pyoxigraph as ox

from advisor.baseline import BaselineFinding
from advisor.findings import display, short_name
from advisor.namespaces import RDFS_IRI
from advisor.report import Finding, Report, Severity

LABEL = RDFS_IRI + "label"
BLANK = "[ ]"  # how a blank node is shown: its identifier differs from one parse to the next


class State(StrEnum):
    NEW = "new"
    FIXED = "fixed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class FindingDrift:
    state: State
    rule_id: str
    severity: Severity
    focus_node: str
    focus_label: str
    message: str  # the newer message (the old one for a fixed finding)
    old_message: str | None = None  # set when an unchanged finding's message changed

    def contract(self) -> dict:
        body = {
            "state": self.state.value,
            "rule_id": self.rule_id,
            "severity": self.severity.value,
            "focus_node": self.focus_node,
            "focus_label": self.focus_label,
            "message": self.message,
        }
        if self.old_message is not None:
            body["old_message"] = self.old_message
        return body


class Change(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class Statement:
    """One triple of a resource, as a person reads it: the property's short name and the value's label."""

    predicate: str
    value: str

    def contract(self) -> dict:
        return {"property": self.predicate, "value": self.value}


@dataclass(frozen=True)
class ResourceDrift:
    change: Change
    node: str
    label: str
    added: list[Statement] = field(default_factory=list)
    removed: list[Statement] = field(default_factory=list)

    def contract(self) -> dict:
        return {
            "change": self.change.value,
            "node": self.node,
            "label": self.label,
            "added": [s.contract() for s in self.added],
            "removed": [s.contract() for s in self.removed],
        }


@dataclass(frozen=True)
class Side:
    """What one side of a comparison names and scores."""

    name: str
    score: float | None = None
    counts: dict[str, int] | None = None


@dataclass(frozen=True)
class Drift:
    old: Side
    new: Side
    findings: list[FindingDrift]
    resources: list[ResourceDrift] | None = None  # None when one side is a report (no graph to compare)

    def of_state(self, state: State) -> list[FindingDrift]:
        return [f for f in self.findings if f.state == state]

    def of_change(self, change: Change) -> list[ResourceDrift]:
        return [r for r in self.resources or [] if r.change == change]

    def contract(self) -> dict:
        body: dict = {
            "old": _side(self.old),
            "new": _side(self.new),
            "counts": {state.value: len(self.of_state(state)) for state in State},
            "findings": {state.value: [f.contract() for f in self.of_state(state)] for state in State},
        }
        if self.resources is not None:
            body["resources"] = {change.value: [r.contract() for r in self.of_change(change)] for change in Change}
        return body


def _side(side: Side) -> dict:
    body: dict = {"name": side.name}
    if side.score is not None:
        body["score"] = side.score
    if side.counts is not None:
        body["counts"] = side.counts
    return body


def standing(findings: Iterable[Finding]) -> list[BaselineFinding]:
    """A report's findings that count (no current waiver), as the diff compares them."""
    return [
        BaselineFinding(f.rule_id, f.focus_node, f.focus_label, f.severity, f.message) for f in findings if not f.waived
    ]


def _order(finding: FindingDrift) -> tuple:
    return finding.severity.rank, finding.rule_id, finding.focus_label, finding.focus_node


def diff_findings(old: Sequence[BaselineFinding], new: Sequence[BaselineFinding]) -> list[FindingDrift]:
    """New, fixed and unchanged findings; each group worst first."""
    before = {(f.rule_id, f.focus_node): f for f in old}
    after = {(f.rule_id, f.focus_node): f for f in new}
    drift = []
    for k, f in after.items():
        if k not in before:
            drift.append(FindingDrift(State.NEW, f.rule_id, f.severity, f.focus_node, f.focus_label, f.message))
        else:
            was = before[k].message
            changed = was if was != f.message else None
            drift.append(
                FindingDrift(State.UNCHANGED, f.rule_id, f.severity, f.focus_node, f.focus_label, f.message, changed)
            )
    for k, f in before.items():
        if k not in after:
            drift.append(FindingDrift(State.FIXED, f.rule_id, f.severity, f.focus_node, f.focus_label, f.message))
    return sorted(drift, key=lambda d: (list(State).index(d.state), *_order(d)))


def _key(term: object) -> str:
    if isinstance(term, ox.BlankNode):
        return BLANK
    return term.value  # type: ignore[attr-defined]


def _labels(triples: Iterable[ox.Triple]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for t in triples:
        if t.predicate.value == LABEL and isinstance(t.object, ox.Literal) and not isinstance(t.subject, ox.BlankNode):
            current = labels.get(t.subject.value)
            if current is None or t.object.value < current:
                labels[t.subject.value] = t.object.value
    return labels


def _statements(triples: Iterable[ox.Triple]) -> dict[str, set[tuple[str, str, bool]]]:
    """Each named resource's (predicate, value, value-is-a-literal); blank nodes' own triples are left out."""
    by_subject: dict[str, set[tuple[str, str, bool]]] = defaultdict(set)
    for t in triples:
        if isinstance(t.subject, (ox.BlankNode, ox.Triple)):
            continue
        by_subject[t.subject.value].add((t.predicate.value, _key(t.object), isinstance(t.object, ox.Literal)))
    return by_subject


def _shown(rows: Iterable[tuple[str, str, bool]], labels: dict[str, str]) -> list[Statement]:
    shown = {Statement(short_name(p), v if literal else display(v, labels)) for p, v, literal in rows}
    return sorted(shown, key=lambda s: (s.predicate, s.value))


def diff_graphs(old: Iterable[ox.Triple], new: Iterable[ox.Triple]) -> list[ResourceDrift]:
    """Resources added, removed and changed, by label; a changed one lists the triples added and removed."""
    old, new = list(old), list(new)
    labels = {**_labels(old), **_labels(new)}
    before, after = _statements(old), _statements(new)
    drift = []
    for node in before.keys() | after.keys():
        was, now = before.get(node, set()), after.get(node, set())
        if was == now:
            continue
        change = Change.ADDED if not was else Change.REMOVED if not now else Change.CHANGED
        drift.append(
            ResourceDrift(change, node, display(node, labels), _shown(now - was, labels), _shown(was - now, labels))
        )
    order = list(Change)
    return sorted(drift, key=lambda r: (order.index(r.change), r.label, r.node))


def side_of(report: Report, name: str) -> Side:
    return Side(name, report.score, report.counts())


def diff_reports(
    old: Report, new: Report, *, old_name: str, new_name: str, graphs: tuple[list[ox.Triple], list[ox.Triple]] | None
) -> Drift:
    """The drift between two validated states; `graphs` (old and new triples) adds the estate's change."""
    resources = diff_graphs(*graphs) if graphs is not None else None
    return Drift(
        side_of(old, old_name),
        side_of(new, new_name),
        diff_findings(standing(old.findings), standing(new.findings)),
        resources,
    )


def fails(drift: Drift, lowest: Severity | None) -> bool:
    """True when a new finding is at or above `lowest` (None: never)."""
    return lowest is not None and any(f.severity.rank <= lowest.rank for f in drift.of_state(State.NEW))


__all__ = [
    "Change",
    "Drift",
    "FindingDrift",
    "ResourceDrift",
    "Side",
    "State",
    "Statement",
    "diff_findings",
    "diff_graphs",
    "diff_reports",
    "fails",
    "side_of",
    "standing",
]
