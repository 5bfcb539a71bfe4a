"""Response models: what the JSON answers look like (for the OpenAPI document and for building them)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from advisor.report import BlastRadius, Finding, RuleError
from advisor.store import Environment


class ReportContract(BaseModel):
    """The stable JSON contract of one validation report."""

    conforms: bool = Field(description="True when no finding of severity violation stands (waived ones do not count).")
    score: float = Field(ge=0, le=100, description="The posture score, 0 to 100 (docs/score.md).")
    systems: int = Field(ge=0, description="Computer systems in the graph: what the score is normalised by.")
    findings: list[Finding]
    errors: list[RuleError] | None = Field(None, description="Rules that could not run; the others still ran.")
    blast_radius: list[BlastRadius] | None = Field(
        None, description="For each site and each cluster, the systems losing it alone would leave unrecoverable."
    )


class Counts(BaseModel):
    violation: int = 0
    warning: int = 0
    info: int = 0


class EnvironmentLinks(BaseModel):
    self: str
    findings: str
    report: str


class EnvironmentSummary(BaseModel):
    id: str = Field(examples=["branch-office-3f9a2c"])
    name: str
    triples: int = Field(description="Triples in the environment's graph.")
    created: dt.datetime
    modified: dt.datetime
    source: str | None = Field(None, description="Name of the file the graph was uploaded from, where known.")
    graph: str = Field(description="IRI of the environment's named graph (for SPARQL).")
    findings_graph: str = Field(description="IRI of the named graph that holds its latest findings.")
    last_validated: dt.datetime | None = None
    as_of: dt.date | None = Field(None, description="The as-of date of the latest validation.")
    conforms: bool | None = None
    counts: Counts = Field(default_factory=Counts, description="Findings of the latest validation by severity.")
    score: float | None = Field(None, ge=0, le=100, description="The posture score of the latest validation.")
    links: EnvironmentLinks

    @classmethod
    def of(cls, environment: Environment) -> EnvironmentSummary:
        path = f"/v1/environments/{environment.id}"
        validation = environment.validation
        return cls(
            id=environment.id,
            name=environment.name,
            triples=environment.triples,
            created=environment.created,
            modified=environment.modified,
            source=environment.source,
            graph=environment.graph,
            findings_graph=environment.findings_graph,
            last_validated=validation.validated_at if validation else None,
            as_of=validation.as_of if validation else None,
            conforms=validation.conforms if validation else None,
            counts=Counts(**validation.counts) if validation else Counts(),
            score=validation.score if validation else None,
            links=EnvironmentLinks(self=path, findings=f"{path}/findings", report=f"{path}/report"),
        )


class EnvironmentList(BaseModel):
    environments: list[EnvironmentSummary]


class Problem(BaseModel):
    """An RFC 9457 problem: every error of the service has this shape."""

    type: str = Field(examples=["https://w3id.org/hv-advisor/problems#syntax-error"])
    title: str = Field(examples=["RDF syntax error"])
    status: int = Field(examples=[400])
    detail: str = Field(examples=["syntax error at line 3, column 12: expected '.'"])
    code: str = Field(examples=["syntax-error"], description="Stable, machine-readable error code.")
    instance: str = Field(examples=["/v1/validate"])
    line: int | None = None
    column: int | None = None
    limit: str | None = Field(None, description="The setting whose limit was hit.")
    maximum: float | None = None


class Health(BaseModel):
    status: str = Field(examples=["ok"])
