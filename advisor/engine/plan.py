"""Compile the shapes graph into a plan the fast engine runs set-at-a-time.

The fast engine supports the part of SHACL the shapes use: targets (class, node, subjects of,
objects of, SHACL-AF SPARQL targets), SPARQL-based constraints, SHACL-AF SPARQL rules (derived
facts), and property shapes over a predicate or inverse path with sh:datatype, sh:class,
sh:minCount, sh:maxCount, sh:in, sh:nodeKind and sh:or of those. A shape that uses anything
else fails here, loudly, at start-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from advisor.engine.templates import template_predicates
from advisor.errors import KnowledgeBaseError
from advisor.namespaces import HVS

SUPPORTED_PROPERTY_CONSTRAINTS = {
    SH.path, SH.datatype, SH["class"], SH.minCount, SH.maxCount, SH["in"], SH.nodeKind, SH["or"],
    SH.message, SH.name, SH.description, SH.severity, SH.order,
}
_THIS = re.compile(r"\$this\b")


@dataclass(frozen=True)
class Targets:
    classes: tuple[str, ...] = ()
    nodes: tuple[Node, ...] = ()
    subjects_of: tuple[str, ...] = ()
    objects_of: tuple[str, ...] = ()
    queries: tuple[str, ...] = ()  # SHACL-AF SPARQL targets: SELECT ?this


@dataclass(frozen=True)
class SparqlConstraint:
    query: str  # prefixes applied, $this rewritten as ?this
    messages: tuple[str, ...]


@dataclass(frozen=True)
class ValueCheck:
    """One alternative of a value-node check: every set field must hold."""

    datatype: str | None = None
    klass: str | None = None
    node_kind: str | None = None


@dataclass(frozen=True)
class PropertyConstraint:
    shape: str  # the property shape's node (IRI or blank node id), for sh:sourceShape
    predicate: str
    inverse: bool
    messages: tuple[str, ...]
    checks: tuple[ValueCheck, ...] = ()  # all must hold (sh:datatype, sh:class, sh:nodeKind)
    alternatives: tuple[ValueCheck, ...] = ()  # sh:or: one must hold
    allowed: tuple[str, ...] | None = None  # sh:in, as N-Triples terms
    min_count: int | None = None
    max_count: int | None = None


@dataclass(frozen=True)
class CompiledShape:
    iri: str
    rule_id: str
    severity: URIRef
    targets: Targets
    sparql: tuple[SparqlConstraint, ...]
    properties: tuple[PropertyConstraint, ...]


@dataclass(frozen=True)
class Derivation:
    """A SHACL-AF SPARQL rule: a CONSTRUCT that adds derived facts before the constraints run."""

    shape: str
    order: tuple[float, float]  # (the shape's sh:order, the rule's sh:order): pySHACL's order too
    targets: Targets
    query: str
    predicates: frozenset[str] = frozenset()  # the predicates of its CONSTRUCT template


@dataclass(frozen=True)
class ShapePlan:
    shapes: tuple[CompiledShape, ...]
    derivations: tuple[Derivation, ...] = field(default=())

    @property
    def derived_predicates(self) -> frozenset[str]:
        """Every predicate a derivation adds facts with."""
        return frozenset().union(*(d.predicates for d in self.derivations))

    def shape(self, rule_id: str) -> CompiledShape:
        for compiled in self.shapes:
            if compiled.rule_id == rule_id:
                return compiled
        raise KeyError(rule_id)


def prefix_block(graph: Graph, node: Node) -> str:
    """PREFIX declarations of sh:prefixes (following owl:imports-free sh:declare only)."""
    lines = []
    for declaration_holder in graph.objects(node, SH.prefixes):
        for declaration in graph.objects(declaration_holder, SH.declare):
            prefix = graph.value(declaration, SH.prefix)
            namespace = graph.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def _targets(graph: Graph, shape: Node) -> Targets:
    return Targets(
        classes=tuple(sorted(str(c) for c in graph.objects(shape, SH.targetClass))),
        nodes=tuple(sorted(graph.objects(shape, SH.targetNode), key=str)),
        subjects_of=tuple(sorted(str(p) for p in graph.objects(shape, SH.targetSubjectsOf))),
        objects_of=tuple(sorted(str(p) for p in graph.objects(shape, SH.targetObjectsOf))),
        queries=tuple(
            f"{prefix_block(graph, target)}\n{graph.value(target, SH.select)}"
            for target in graph.objects(shape, SH.target)
            if (target, RDF.type, SH.SPARQLTarget) in graph
        ),
    )


def _value_check(graph: Graph, node: Node) -> ValueCheck:
    datatype = graph.value(node, SH.datatype)
    klass = graph.value(node, SH["class"])
    kind = graph.value(node, SH.nodeKind)
    return ValueCheck(
        datatype=str(datatype) if datatype else None,
        klass=str(klass) if klass else None,
        node_kind=str(kind) if kind else None,
    )


def _nt(term: Node) -> str:
    return term.n3()


def _property(graph: Graph, prop: Node, owner: str) -> PropertyConstraint:
    unsupported = {p for p in graph.predicates(prop, None)} - SUPPORTED_PROPERTY_CONSTRAINTS - {RDF.type}
    unsupported = {p for p in unsupported if not str(p).startswith(str(HVS))}
    if unsupported:
        raise KnowledgeBaseError(f"{owner}: property shape uses unsupported {sorted(map(str, unsupported))}")
    path = graph.value(prop, SH.path)
    inverse = False
    if path is not None and not isinstance(path, URIRef):
        inverse_path = graph.value(path, SH.inversePath)
        if not isinstance(inverse_path, URIRef):
            raise KnowledgeBaseError(f"{owner}: only predicate and inverse paths are supported")
        path, inverse = inverse_path, True
    if path is None:
        raise KnowledgeBaseError(f"{owner}: property shape without sh:path")
    checks = _value_check(graph, prop)
    alternatives: tuple[ValueCheck, ...] = ()
    or_list = graph.value(prop, SH["or"])
    if or_list is not None:
        alternatives = tuple(_value_check(graph, member) for member in Collection(graph, or_list))
    in_list = graph.value(prop, SH["in"])
    min_count = graph.value(prop, SH.minCount)
    max_count = graph.value(prop, SH.maxCount)
    return PropertyConstraint(
        shape=str(prop),
        predicate=str(path),
        inverse=inverse,
        messages=tuple(sorted(str(m) for m in graph.objects(prop, SH.message))),
        checks=(checks,) if (checks.datatype or checks.klass or checks.node_kind) else (),
        alternatives=alternatives,
        allowed=tuple(_nt(t) for t in Collection(graph, in_list)) if in_list is not None else None,
        min_count=int(min_count) if isinstance(min_count, Literal) else None,
        max_count=int(max_count) if isinstance(max_count, Literal) else None,
    )


def _sparql(graph: Graph, shape: Node) -> tuple[SparqlConstraint, ...]:
    constraints = []
    for node in graph.objects(shape, SH.sparql):
        if (node, SH.deactivated, Literal(True)) in graph:
            continue
        select = graph.value(node, SH.select)
        if select is None:
            raise KnowledgeBaseError(f"{shape}: SPARQL constraint without sh:select")
        text = f"{prefix_block(graph, node)}\n{_THIS.sub('?this', str(select))}"
        messages = tuple(sorted(str(m) for m in graph.objects(node, SH.message)))
        constraints.append(SparqlConstraint(query=text, messages=messages))
    return tuple(constraints)


def compile_shapes(graph: Graph) -> ShapePlan:
    shapes = []
    for shape in sorted(graph.subjects(HVS.ruleId, None), key=str):
        if (shape, SH.deactivated, Literal(True)) in graph:
            continue
        rule_id = str(graph.value(shape, HVS.ruleId))
        shapes.append(
            CompiledShape(
                iri=str(shape),
                rule_id=rule_id,
                severity=graph.value(shape, SH.severity) or SH.Violation,
                targets=_targets(graph, shape),
                sparql=_sparql(graph, shape),
                properties=tuple(_property(graph, p, rule_id) for p in graph.objects(shape, SH.property)),
            )
        )
    derivations = []
    for shape, rule in graph.subject_objects(SH.rule):
        if (rule, RDF.type, SH.SPARQLRule) not in graph:
            raise KnowledgeBaseError(f"{shape}: only sh:SPARQLRule derivations are supported")
        construct = graph.value(rule, SH.construct)
        shape_order, rule_order = graph.value(shape, SH.order), graph.value(rule, SH.order)
        query = f"{prefix_block(graph, rule)}\n{_THIS.sub('?this', str(construct))}"
        derivations.append(
            Derivation(
                shape=str(shape),
                order=(float(shape_order or 0), float(rule_order or 0)),
                targets=_targets(graph, shape),
                query=query,
                predicates=template_predicates(query),
            )
        )
    derivations.sort(key=lambda d: (d.order, d.shape))
    return ShapePlan(shapes=tuple(shapes), derivations=tuple(derivations))
