"""What an engine returns: raw validation results, before the rule metadata is attached."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RawResult:
    rule_id: str
    severity: str  # violation | warning | info
    focus: str  # IRI of the focus node, or _:id for a blank node
    message: str
    path: str | None = None  # IRI of the result path
    value: str | None = None  # IRI or lexical form of the value node


@dataclass
class EngineOutput:
    results: list[RawResult]
    labels: dict[str, str]  # node key (as focus) -> rdfs:label, for every labelled term of the graph
    errors: list[tuple[str, str]] = field(default_factory=list)  # (rule id, message)
    rule_seconds: dict[str, float] = field(default_factory=dict)
    phase_seconds: dict[str, float] = field(default_factory=dict)  # work shared by all rules (derivations, labels)
