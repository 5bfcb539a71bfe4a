"""Rule parameters, read from the ontology and the shapes (never typed anywhere else).

A rule parameter is a property of the validation context (an hvs:RuleParameter) that a rule's shape names
with hvs:parameter. The ontology gives its policy key (hvs:policyKey), its default (hvs:defaultValue) and
the type of its values: an XSD datatype, or an OWL 2 datatype restriction with a lower bound
(owl:onDatatype, owl:withRestrictions ( [ xsd:minInclusive n ] )). Policies and settings set values by
policy key; validation states every parameter's value on the validation context.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from advisor.errors import KnowledgeBaseError
from advisor.namespaces import HVS

# The value types a parameter may have, with the Python type its values take.
_PYTHON_TYPES: dict[str, type] = {str(XSD.integer): int, str(XSD.decimal): float, str(XSD.boolean): bool}


@dataclass(frozen=True)
class Parameter:
    """One rule parameter as the ontology declares it."""

    key: str  # the policy key, e.g. max_restore_test_age_days
    iri: str  # the validation context's property
    datatype: str  # the XSD datatype its values are stated with
    default: int | float | bool
    minimum: int | float | None
    label: str
    comment: str
    rules: tuple[str, ...]  # the rules whose shapes name it

    def check(self, value: object, where: str) -> int | float | bool:
        """The value, if it is of the parameter's type and within its bound; else a ValueError naming `where`."""
        python_type = _PYTHON_TYPES[self.datatype]
        accepted = isinstance(value, python_type) and (python_type is bool or not isinstance(value, bool))
        if python_type is float and isinstance(value, int) and not isinstance(value, bool):
            value, accepted = float(value), True
        if not accepted:
            raise ValueError(f"{where}: parameter {self.key} must be {_TYPE_WORDS[self.datatype]}, not {value!r}")
        if self.minimum is not None and value < self.minimum:  # type: ignore[operator]
            raise ValueError(f"{where}: parameter {self.key} must not be below {self.minimum:g}, not {value!r}")
        return value  # type: ignore[return-value]


_TYPE_WORDS = {str(XSD.integer): "a whole number", str(XSD.decimal): "a number", str(XSD.boolean): "true or false"}


def _value_type(graph: Graph, prop: URIRef) -> tuple[str, int | float | None]:
    """The datatype of the parameter's values and its lower bound, from its rdfs:range."""
    value_range = graph.value(prop, RDFS.range)
    if isinstance(value_range, URIRef):
        return str(value_range), None
    if isinstance(value_range, BNode) and (base := graph.value(value_range, OWL.onDatatype)) is not None:
        minimum = None
        restrictions = graph.value(value_range, OWL.withRestrictions)
        for facet in Collection(graph, restrictions) if restrictions is not None else ():
            bound = graph.value(facet, XSD.minInclusive)
            if isinstance(bound, Literal):
                minimum = bound.toPython()
        return str(base), minimum
    raise KnowledgeBaseError(f"the installation is broken: rule parameter {prop} has no datatype as its range")


def read_parameters(graph: Graph) -> dict[str, Parameter]:
    """Every rule parameter a shape names, by policy key, from the shapes and the ontology together (a shape
    file of local rules may declare its own parameters)."""
    rules_of: dict[URIRef, list[str]] = {}
    for shape, prop in graph.subject_objects(HVS.parameter):
        rules_of.setdefault(prop, []).append(str(graph.value(shape, HVS.ruleId)))  # type: ignore[arg-type]
    declared = set(graph.subjects(RDF.type, HVS.RuleParameter))
    parameters: dict[str, Parameter] = {}
    for prop in sorted(rules_of, key=str):
        key, default = graph.value(prop, HVS.policyKey), graph.value(prop, HVS.defaultValue)
        if prop not in declared or not isinstance(key, Literal) or not isinstance(default, Literal):
            raise KnowledgeBaseError(
                f"the installation is broken: {prop}, a parameter of {', '.join(sorted(rules_of[prop]))}, is not "
                "declared as an hvs:RuleParameter with hvs:policyKey and hvs:defaultValue"
            )
        datatype, minimum = _value_type(graph, prop)
        if datatype not in _PYTHON_TYPES:
            raise KnowledgeBaseError(f"the installation is broken: rule parameter {prop} has datatype {datatype}")
        parameter = Parameter(
            key=str(key),
            iri=str(prop),
            datatype=datatype,
            default=default.toPython(),
            minimum=minimum,
            label=str(graph.value(prop, RDFS.label) or key),
            comment=str(graph.value(prop, RDFS.comment) or ""),
            rules=tuple(sorted(rules_of[prop])),
        )
        parameters[parameter.key] = replace(parameter, default=parameter.check(parameter.default, f"{prop}'s default"))
    return parameters


def lexical(value: object) -> str:
    """A parameter value as the lexical form of its literal on the validation context."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def resolve(parameters: Mapping[str, Parameter], *layers: tuple[str, Mapping[str, object]]) -> dict[str, object]:
    """Every parameter's value: its default, overridden by each (where, values) layer in turn; a key that names
    no parameter or a value of the wrong type is a ValueError naming where it was set."""
    values: dict[str, object] = {key: parameter.default for key, parameter in parameters.items()}
    for where, layer in layers:
        for key, value in layer.items():
            if key not in parameters:
                known = ", ".join(parameters) or "none"
                raise ValueError(f"{where}: unknown parameter {key!r}; known parameters: {known}")
            values[key] = parameters[key].check(value, where)
    return values
