"""The rule catalog, read from the rule metadata on the shapes (never typed anywhere else)."""

from __future__ import annotations

from rdflib import RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from advisor.errors import KnowledgeBaseError
from advisor.namespaces import HVS
from advisor.report import PathComponents, Rule, Severity

__all__ = ["Rule", "read_catalog"]

SEVERITIES = {SH.Violation: Severity.VIOLATION, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}


def _text(graph: Graph, subject: URIRef, predicate: URIRef) -> str | None:
    value = graph.value(subject, predicate)
    return str(value) if isinstance(value, Literal) else None


def _label(graph: Graph, node: URIRef | None) -> str | None:
    if node is None:
        return None
    label = graph.value(node, RDFS.label)
    return str(label) if label is not None else str(node)


def _local(node: URIRef | None) -> str | None:
    return None if node is None else str(node).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _messages(graph: Graph, shape: URIRef) -> list[str]:
    """The shape's messages: on the shape, its SPARQL constraints, or its property shapes."""
    found = [str(m) for m in graph.objects(shape, SH.message)]
    for constraint in graph.objects(shape, SH.sparql):
        found += [str(m) for m in graph.objects(constraint, SH.message)]
    for prop in graph.objects(shape, SH.property):
        found += [str(m) for m in graph.objects(prop, SH.message)]
    return found


# Constraint parameters of property shapes and their components, in the order a result is attributed
# to them: a result without a value comes from a cardinality, one with a value from a value check.
_CARDINALITY = ((SH.minCount, SH.MinCountConstraintComponent), (SH.maxCount, SH.MaxCountConstraintComponent))
_VALUE_CHECKS = (
    (SH.datatype, SH.DatatypeConstraintComponent),
    (SH["class"], SH.ClassConstraintComponent),
    (SH.nodeKind, SH.NodeKindConstraintComponent),
    (SH["in"], SH.InConstraintComponent),
    (SH["or"], SH.OrConstraintComponent),
)


def _path_iri(graph: Graph, path: Node | None) -> str | None:
    if isinstance(path, URIRef):
        return str(path)
    inverse = graph.value(path, SH.inversePath) if path is not None else None
    return str(inverse) if isinstance(inverse, URIRef) else None


def _path_components(graph: Graph, shape: URIRef) -> dict[str, PathComponents]:
    """The constraint components of the shape's property shapes, by the property IRI of their path."""
    by_path: dict[str, PathComponents] = {}
    for prop in graph.objects(shape, SH.property):
        iri = _path_iri(graph, graph.value(prop, SH.path))
        if iri is None:
            continue
        components = by_path.setdefault(iri, PathComponents())
        components.cardinality += [str(c) for p, c in _CARDINALITY if graph.value(prop, p) is not None]
        components.value_checks += [str(c) for p, c in _VALUE_CHECKS if graph.value(prop, p) is not None]
    return by_path


def read_catalog(graph: Graph) -> dict[str, Rule]:
    """Every rule shape (a subject with hvs:ruleId) as a Rule, by id, in id order."""
    rules: dict[str, Rule] = {}
    for shape in sorted(graph.subjects(HVS.ruleId, None), key=str):
        rule_id = str(graph.value(shape, HVS.ruleId))
        if rule_id in rules:
            raise KnowledgeBaseError(f"rule id {rule_id} is declared by two shapes")
        category = graph.value(shape, HVS.category)
        section = graph.value(shape, HVS.section)
        severity = graph.value(shape, SH.severity) or SH.Violation
        messages = _messages(graph, shape)
        rules[rule_id] = Rule(
            id=rule_id,
            title=_text(graph, shape, HVS.title) or rule_id,
            severity=SEVERITIES[severity],
            category=_label(graph, category) or "",
            category_id=_local(category) or "",
            shape=str(shape),
            message=messages[0] if messages else "",
            rationale=_text(graph, shape, HVS.rationale) or "",
            section=_label(graph, section),
            section_id=_local(section),
            quotation=_text(graph, shape, HVS.quotation),
            references=sorted(str(r) for r in graph.objects(shape, HVS.reference)),
            impact=_text(graph, shape, HVS.impact) or "",
            remediation=_text(graph, shape, HVS.remediation) or "",
            applies_to=sorted(_label(graph, v) or "" for v in graph.objects(shape, HVS.appliesTo)),
            did_you_mean=graph.value(shape, HVS.didYouMean) == Literal(True),
            sparql=graph.value(shape, SH.sparql) is not None,
            path_components=_path_components(graph, shape),
        )
    return dict(sorted(rules.items()))
