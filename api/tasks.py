"""Tasks run in worker processes (api/workers.py): parse and validate one document, run one SPARQL query.

A validation worker prepares the knowledge base once, when it starts, and keeps it for every task.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from advisor import pipeline
from advisor.config import Settings
from advisor.loading import RdfFormat
from advisor.pipeline import Document, Extras, Options
from advisor.policy import Policy, service_policy
from advisor.report import Report
from api.workers import report_stage

VALIDATING = "validating"
_settings: Settings | None = None
_policy: Policy = Policy()


def prepare_validation_worker(settings: Settings) -> None:
    """Read the service's policy, load and prepare the knowledge base, and build the engine."""
    global _settings, _policy
    _settings = settings
    _policy = service_policy(settings)
    pipeline.prepare(Options(policy=_policy), settings)


@dataclass(frozen=True)
class Checked:
    """A validated document: its report, and its triples as N-Triples when they are to be stored."""

    report: Report
    triples: int
    ntriples: bytes | None = None


def check_document(
    data: bytes,
    fmt: RdfFormat,
    as_of: dt.date | None,
    source: str | None,
    keep_graph: bool,
    extras: Extras,
) -> Checked:
    """Parse (stage "start") and validate (stage "validating") one document with the service's policy, with the
    extras the answer's format shows."""
    settings = _settings or Settings()
    graph = pipeline.parse(Document(data, fmt, source), Options(), settings)
    report_stage(VALIDATING)
    options = Options(as_of=as_of, policy=_policy, extras=extras, keep_graph=keep_graph)
    outcome = pipeline.run(graph, options, settings)
    return Checked(report=outcome.report, triples=outcome.report.triples, ntriples=outcome.ntriples)
