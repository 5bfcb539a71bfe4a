"""The Report: the one currency between validation and every renderer."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from advisor.inventory import Inventory


class Severity(StrEnum):
    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the worst."""
        return _RANK[self]


_RANK = {Severity.VIOLATION: 0, Severity.WARNING: 1, Severity.INFO: 2}


class Source(BaseModel):
    section: str | None = Field(None, description="Section of the paper the rule comes from.")
    quotation: str | None = Field(None, description="Short quotation from the paper or vendor documentation.")
    references: list[str] = Field(default_factory=list, description="Vendor documentation the rule also rests on.")


class Explanation(BaseModel):
    title: str
    rationale: str
    source: Source
    impact: str
    remediation: str


class PathComponents(BaseModel):
    """The SHACL constraint components of a rule's property shapes on one path, in the order a result is
    attributed to them: a result without a value comes from a cardinality, one with a value from a value check."""

    cardinality: list[str] = Field(default_factory=list)
    value_checks: list[str] = Field(default_factory=list)


class Rule(BaseModel):
    """One rule of the catalog, as its shape declares it (advisor.catalog reads it)."""

    id: str
    title: str
    severity: Severity
    category: str
    category_id: str
    shape: str
    message: str
    rationale: str
    section: str | None
    section_id: str | None
    quotation: str | None
    references: list[str]
    impact: str
    remediation: str
    applies_to: list[str]
    did_you_mean: bool = False
    sparql: bool = Field(False, exclude=True)  # the shape has SPARQL constraints
    path_components: dict[str, PathComponents] = Field(default_factory=dict, exclude=True)  # by property IRI

    def explanation(self) -> Explanation:
        return Explanation(
            title=self.title,
            rationale=self.rationale,
            source=Source(section=self.section, quotation=self.quotation, references=self.references),
            impact=self.impact,
            remediation=self.remediation,
        )


class Waiver(BaseModel):
    reason: str
    accepted_by: str
    expires: dt.date
    expired: bool = False


class Term(BaseModel, frozen=True):
    """An RDF term as an engine found it: an IRI, a blank node (its id) or a literal with its datatype or language.

    A plain string literal has neither datatype nor language (xsd:string is implied), a language-tagged one only
    its language (rdf:langString is implied)."""

    kind: Literal["iri", "blank", "literal"]
    value: str  # the IRI, the blank node id (without _:) or the lexical form
    datatype: str | None = None
    language: str | None = None

    @property
    def key(self) -> str:
        """How findings name the term in text: the IRI, _:id for a blank node, a literal's lexical form."""
        return "_:" + self.value if self.kind == "blank" else self.value

    @property
    def order(self) -> tuple[str, str, str, str]:
        """A total, deterministic order of terms (by key first)."""
        return (self.key, self.kind, self.datatype or "", self.language or "")


class Finding(BaseModel):
    rule_id: str = Field(examples=["COV-001"])
    severity: Severity
    category: str
    focus_node: str = Field(description="Full IRI (or blank node id) of the resource the finding is about.")
    focus_label: str
    message: str
    explanation: Explanation
    path: str | None = Field(None, description="The offending property, where there is one.")
    value: str | None = Field(None, description="The offending value, where there is one.")
    value_term: Term | None = Field(None, exclude=True)  # the value as the RDF term it is (for RDF renderers)
    waiver: Waiver | None = Field(None, description="Set when a waiver covers the finding (expired or not).")

    @property
    def waived(self) -> bool:
        return self.waiver is not None and not self.waiver.expired


class RuleError(BaseModel):
    """A rule that could not be evaluated; the other rules still ran."""

    rule_id: str
    message: str


class Resource(BaseModel):
    iri: str = Field(description="Full IRI (or blank node id).")
    label: str


class BlastRadius(BaseModel):
    """What losing one site or one cluster alone would leave unrecoverable (a what-if, docs/what-if.md)."""

    kind: str = Field(description="site or cluster")
    iri: str
    label: str
    unrecoverable_count: int = Field(description="Systems that would be lost with no backup left.")
    unrecoverable: list[Resource]


class Report(BaseModel):
    conforms: bool = Field(description="True when no finding of severity violation stands (waived ones do not count).")
    findings: list[Finding]
    errors: list[RuleError] = Field(default_factory=list)
    as_of: dt.date
    triples: int = 0
    systems: int = Field(0, description="Computer systems in the graph: what the posture score is normalised by.")
    engine: str = "fast"
    source: str | None = None  # how the input is named: a path the CLI read, an upload's or an environment's name
    source_uri: str | None = Field(None, exclude=True)  # where it is published when not a local file: its API URL
    source_media_type: str | None = Field(None, exclude=True)  # the syntax of the text its positions refer to
    origins: dict[str, tuple[str, int | None]] = Field(default_factory=dict, exclude=True)  # focus IRI -> (file,
    # line) where an imported inventory described it: reports point there rather than into the graph's text
    rule_seconds: dict[str, float] = Field(default_factory=dict, exclude=True)
    phase_seconds: dict[str, float] = Field(default_factory=dict, exclude=True)  # each phase of the validation
    inventory: Inventory = Field(default_factory=Inventory, exclude=True)
    blast_radius: list[BlastRadius] | None = Field(None, exclude=True)  # for the formats that show it
    catalog: dict[str, Rule] = Field(default_factory=dict, exclude=True)  # the rules the report was made with:
    # renderers describe rules from here, so a report made with extra shapes is rendered against its own catalog

    def counts(self) -> dict[str, int]:
        counts = {severity.value: 0 for severity in Severity}
        for finding in self.findings:
            if not finding.waived:
                counts[finding.severity.value] += 1
        return counts

    @property
    def score(self) -> float:
        """The posture score, 0 to 100 (advisor.score): from the standing findings and the systems alone."""
        from advisor.score import posture_score  # the score module builds on this one

        return posture_score(self.findings, self.systems)

    def contract(self) -> dict:
        """The stable JSON contract of one report."""
        body: dict = {
            "conforms": self.conforms,
            "score": self.score,
            "systems": self.systems,
            "findings": [f.model_dump(mode="json") for f in self.findings],
        }
        if self.errors:
            body["errors"] = [e.model_dump(mode="json") for e in self.errors]
        if self.blast_radius is not None:
            body["blast_radius"] = [b.model_dump(mode="json") for b in self.blast_radius]
        return body


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.severity.rank, f.rule_id, f.focus_label, f.focus_node))


def conforms(findings: list[Finding]) -> bool:
    return not any(f.severity is Severity.VIOLATION and not f.waived for f in findings)
