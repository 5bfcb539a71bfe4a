"""Tasks run in worker processes (api/workers.py): parse and validate one document, run one SPARQL query.

A validation worker prepares the knowledge base once, when it starts, and keeps it for every task.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyoxigraph as ox

from advisor.config import Settings
from advisor.knowledge import knowledge_base
from advisor.loading import ParsedGraph, RdfFormat, parse_bytes
from advisor.policy import Policy, apply_policy, service_policy
from advisor.report import Report
from advisor.validation import validate
from api.workers import report_stage

VALIDATING = "validating"
_settings: Settings | None = None
_policy: Policy = Policy()


def prepare_validation_worker(settings: Settings) -> None:
    """Load and prepare the knowledge base, then validate an empty graph once so every engine is built."""
    global _settings, _policy
    _settings = settings
    _policy = service_policy(settings)
    kb = knowledge_base()
    validate(ParsedGraph(triples=[], format=RdfFormat.N_TRIPLES), as_of=dt.date.today(), kb=kb)


@dataclass(frozen=True)
class Checked:
    """A validated document: its report, and its triples as N-Triples when they are to be stored."""

    report: Report
    triples: int
    ntriples: bytes | None = None


def check_document(
    data: bytes, fmt: RdfFormat, as_of: dt.date | None, source: str | None, keep_graph: bool, blast_radius: bool = False
) -> Checked:
    """Parse (stage "start") and validate (stage "validating") one document; `blast_radius` for the formats that
    show it."""
    settings = _settings or Settings()
    graph = parse_bytes(data, fmt, source=source, settings=settings)
    report_stage(VALIDATING)
    parameters = _policy.rule_parameters(settings)
    report = apply_policy(validate(graph, as_of=as_of, parameters=parameters, blast_radius=blast_radius), _policy)
    ntriples = ox.serialize(graph.triples, format=ox.RdfFormat.N_TRIPLES) if keep_graph else None
    return Checked(report=report, triples=len(graph), ntriples=ntriples)
