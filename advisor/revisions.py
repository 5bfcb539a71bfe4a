"""Revisions of a stored environment: every create and replace keeps the graph, its findings and a summary.

Each revision has two named graphs and a description in the metadata graph, so SPARQL reaches all of it:

    <urn:hv-advisor:environment:{id}:revision:{n}>   the graph as it was at revision n
    <urn:hv-advisor:findings:{id}:revision:{n}>      its findings (SHACL report, as-of, counts, score,
                                                     and the advisor's JSON report as svc:reportJson)
    <urn:hv-advisor:revision:{id}:{n}>               in <urn:hv-advisor:metadata>: a svc:Revision with
                                                     its number, when, by whom, counts and score

This module writes the SPARQL that EnvironmentStore puts in the same update as the environment's own
change (one transaction), and reads revisions back; the last `retention` revisions are kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from advisor.errors import NotFoundError

REVISION_PREFIX = "urn:hv-advisor:revision:"
COUNTS = {"violation": "violations", "warning": "warnings", "info": "infos"}  # severity -> its count's property


def revision_graph_iri(environment_iri: str, number: int) -> str:
    return f"{environment_iri}:revision:{number}"


def revision_node_iri(environment_id: str, number: int) -> str:
    return f"{REVISION_PREFIX}{environment_id}:{number}"


@dataclass(frozen=True)
class RevisionRecord:
    """What a new revision stores besides the graph and the findings triples."""

    number: int
    created: dt.datetime
    author: str | None
    triples: int
    report_json: str  # the advisor's report (Report.model_dump_json), to render it again in any format


@dataclass(frozen=True)
class Revision:
    environment_id: str
    number: int
    created: dt.datetime
    author: str | None
    triples: int
    graph: str
    findings_graph: str
    as_of: dt.date
    conforms: bool
    counts: dict[str, int]
    score: float | None


def not_found(environment_id: str, number: int) -> NotFoundError:
    return NotFoundError(f"environment {environment_id!r} has no revision {number} (GET .../revisions lists them)")


def literal_value(term: object) -> str:
    return term.value  # type: ignore[attr-defined]


def revision_of(environment_id: str, row: dict[str, object]) -> Revision:
    def value(name: str) -> str | None:
        term = row.get(name)
        return None if term is None else literal_value(term)

    score = value("score")
    return Revision(
        environment_id=environment_id,
        number=int(value("number") or 0),
        created=dt.datetime.fromisoformat(value("created") or ""),
        author=value("author"),
        triples=int(value("triples") or 0),
        graph=value("graph") or "",
        findings_graph=value("findings") or "",
        as_of=dt.date.fromisoformat(value("asOf") or ""),
        conforms=value("conforms") == "true",
        counts={severity: int(value(name) or 0) for severity, name in COUNTS.items()},
        score=float(score) if score is not None else None,
    )


__all__ = [
    "REVISION_PREFIX",
    "Revision",
    "RevisionRecord",
    "literal_value",
    "not_found",
    "revision_graph_iri",
    "revision_node_iri",
    "revision_of",
]
