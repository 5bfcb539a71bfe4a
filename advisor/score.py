"""The posture score: 0 to 100 for a report, and for each site and each cluster of its inventory.

The formula and its weights are data (advisor/data/score.toml); the score of a report is a function of
its standing findings and the number of computer systems in scope only, so it can be recomputed from a
report's JSON (`findings` and `systems`).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from advisor.inventory import COMPUTER_SYSTEMS, Inventory, NodeKind
from advisor.report import Finding, Report, Severity

SCORE_FILE = Path(__file__).resolve().parent / "data" / "score.toml"


@dataclass(frozen=True)
class ScoreWeights:
    """The weight of a standing finding of each severity, and the penalty per system that halves the score."""

    weights: dict[Severity, float]
    budget: float


@lru_cache(maxsize=1)
def score_weights() -> ScoreWeights:
    data = tomllib.loads(SCORE_FILE.read_text(encoding="utf-8"))
    return ScoreWeights({s: float(data["weights"][s.value]) for s in Severity}, float(data["budget"]))


def penalty(findings: Iterable[Finding]) -> float:
    """The sum of the weights of the findings no current waiver covers."""
    weights = score_weights().weights
    return sum(weights[f.severity] for f in findings if not f.waived)


def posture_score(findings: Iterable[Finding], systems: int) -> float:
    """100 for no standing finding, falling towards 0 as the penalty per computer system grows."""
    spent = penalty(findings)
    if spent <= 0:
        return 100.0
    raw = 100.0 / (1.0 + spent / (score_weights().budget * max(systems, 1)))
    return math.floor(raw * 10) / 10


@dataclass(frozen=True)
class ScopeScore:
    """The score of one site or cluster: its findings (those about it or anything placed in it) and its systems."""

    id: str
    label: str
    systems: int
    findings: int
    score: float

    def contract(self) -> dict:
        return {
            "id": self.id,
            "label": self.label,
            "systems": self.systems,
            "findings": self.findings,
            "score": self.score,
        }


def _scope_of(inventory: Inventory, kind: NodeKind) -> dict[str, str]:
    """Each node's site (or cluster) id; a site (cluster) is in its own scope."""
    placed: dict[str, str] = {}
    for node in inventory.nodes:
        if node.kind is kind:
            placed[node.id] = node.id
        else:
            where = node.site if kind is NodeKind.SITE else node.cluster
            if where is not None:
                placed[node.id] = where
    return placed


def scope_scores(findings: list[Finding], inventory: Inventory, kind: NodeKind) -> list[ScopeScore]:
    """The score of every site (kind SITE) or cluster (kind CLUSTER) of the inventory, by label."""
    placed = _scope_of(inventory, kind)
    scopes = inventory.of_kind(kind)
    systems = {scope.id: 0 for scope in scopes}
    for node in inventory.of_kind(*COMPUTER_SYSTEMS):
        where = placed.get(node.id)
        if where in systems:
            systems[where] += 1
    grouped: dict[str, list[Finding]] = {scope.id: [] for scope in scopes}
    for finding in findings:
        where = placed.get(finding.focus_node)
        if where in grouped:
            grouped[where].append(finding)
    return [
        ScopeScore(
            scope.id,
            scope.label,
            systems[scope.id],
            sum(1 for f in grouped[scope.id] if not f.waived),
            posture_score(grouped[scope.id], systems[scope.id]),
        )
        for scope in scopes
    ]


def scope_contract(report: Report) -> dict[str, list[dict]]:
    """The report's scores by site and by cluster, as the JSON report holds them."""
    return {
        "sites": [s.contract() for s in scope_scores(report.findings, report.inventory, NodeKind.SITE)],
        "clusters": [s.contract() for s in scope_scores(report.findings, report.inventory, NodeKind.CLUSTER)],
    }


__all__ = [
    "SCORE_FILE",
    "ScopeScore",
    "ScoreWeights",
    "penalty",
    "posture_score",
    "scope_contract",
    "scope_scores",
    "score_weights",
]
