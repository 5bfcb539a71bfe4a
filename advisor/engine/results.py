"""What an engine returns: raw validation results, before the rule metadata is attached."""

from __future__ import annotations

from dataclasses import dataclass, field

from advisor.report import Term


@dataclass(frozen=True)
class RawResult:
    rule_id: str
    severity: str  # violation | warning | info
    focus: str  # IRI of the focus node, or _:id for a blank node
    message: str
    path: str | None = None  # IRI of the result path
    value: Term | None = None  # the value node, as the term it is (IRI, blank node, literal with its datatype)

    @property
    def value_key(self) -> str | None:
        """The value as findings name it in text: the IRI, _:id for a blank node, a literal's lexical form."""
        return self.value.key if self.value is not None else None


@dataclass
class EngineOutput:
    results: list[RawResult]
    labels: dict[str, str]  # node key (as focus) -> rdfs:label, for every labelled term of the graph
    errors: list[tuple[str, str]] = field(default_factory=list)  # (rule id, message)
    rule_seconds: dict[str, float] = field(default_factory=dict)
    phase_seconds: dict[str, float] = field(default_factory=dict)  # work shared by all rules (derivations, labels)
