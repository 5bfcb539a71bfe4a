"""The fast engine: every shape evaluated set-at-a-time on an in-memory Oxigraph store.

Each SPARQL-based constraint runs once for all its focus nodes (with `$this` as a variable) instead
of once per focus node; property constraints are checked in bulk over one query per predicate;
derived facts (SHACL-AF rules) are computed once and shared by every rule.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Literal as RdfLiteral
from rdflib import URIRef
from rdflib.namespace import SH

from advisor.engine.plan import CompiledShape, PropertyConstraint, ShapePlan, Targets, ValueCheck
from advisor.engine.results import EngineOutput, RawResult
from advisor.namespaces import RDFS_IRI

SEVERITY_NAMES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
_PLACEHOLDER = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")
_LABEL = ox.NamedNode(RDFS_IRI + "label")
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SUBCLASS = RDFS_IRI + "subClassOf"


def term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """The plain text of a term, as pySHACL puts it into a message (str() of the rdflib term)."""
    return term.value


def node_key(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """How results name a node: the IRI, or _:id for a blank node, or a literal's lexical form."""
    return "_:" + term.value if isinstance(term, ox.BlankNode) else term.value


def fill_message(template: str, bindings: dict[str, str]) -> str:
    """Replace {?var} and {$var} by bound values; leave unbound placeholders as they are."""
    return _PLACEHOLDER.sub(lambda m: bindings.get(m.group(1), m.group(0)), template)


class FastEngine:
    name = "fast"

    def __init__(self, plan: ShapePlan) -> None:
        self.plan = plan

    def run(self, store: ox.Store) -> EngineOutput:
        output = EngineOutput(results=[], labels={})
        self._derive(store)
        instances = _InstanceCache(store)
        for shape in self.plan.shapes:
            started = time.perf_counter()
            try:
                focus = instances.focus_nodes(shape.targets)
                if focus:
                    output.results.extend(self._evaluate(store, shape, focus, instances))
            except Exception as error:  # one broken rule must not stop the others
                output.errors.append((shape.rule_id, f"{type(error).__name__}: {error}"))
            output.rule_seconds[shape.rule_id] = output.rule_seconds.get(shape.rule_id, 0.0) + (
                time.perf_counter() - started
            )
        output.labels = _labels(store)
        return output

    def _derive(self, store: ox.Store) -> None:
        for derivation in self.plan.derivations:
            triples = list(store.query(derivation.query))
            store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)

    def _evaluate(
        self, store: ox.Store, shape: CompiledShape, focus: set, instances: _InstanceCache
    ) -> Iterable[RawResult]:
        severity = SEVERITY_NAMES[shape.severity]
        for constraint in shape.sparql:
            solutions = store.query(constraint.query)
            variables = [v.value for v in solutions.variables]
            for solution in solutions:
                this = solution["this"]
                if this is None or this not in focus:
                    continue
                bound = {v: solution[v] for v in variables if solution[v] is not None}
                bindings = {v: term_text(term) for v, term in bound.items()}
                value, path = bound.get("value"), bound.get("path")
                for template in constraint.messages or ("",):
                    yield RawResult(
                        rule_id=shape.rule_id,
                        severity=severity,
                        focus=node_key(this),
                        message=fill_message(template, bindings),
                        path=path.value if isinstance(path, ox.NamedNode) else None,
                        value=node_key(value) if value is not None else None,
                    )
        for prop in shape.properties:
            yield from _check_property(store, shape, prop, focus, severity, instances)


class _InstanceCache:
    """SHACL instances of classes (rdf:type/rdfs:subClassOf*), computed once per class per validation."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._by_class: dict[str, set] = {}

    def instances(self, klass: str) -> set:
        if klass not in self._by_class:
            query = f"SELECT DISTINCT ?x WHERE {{ ?x <{_RDF_TYPE}>/<{_SUBCLASS}>* <{klass}> }}"
            self._by_class[klass] = {s["x"] for s in self.store.query(query)}
        return self._by_class[klass]

    def focus_nodes(self, targets: Targets) -> set:
        focus: set = set()
        for klass in targets.classes:
            focus |= self.instances(klass)
        for node in targets.nodes:
            focus.add(ox.NamedNode(str(node)))
        for predicate in targets.subjects_of:
            focus |= {q.subject for q in self.store.quads_for_pattern(None, ox.NamedNode(predicate), None)}
        for query in targets.queries:
            focus |= {solution["this"] for solution in self.store.query(query)}
        for predicate in targets.objects_of:
            focus |= {
                q.object
                for q in self.store.quads_for_pattern(None, ox.NamedNode(predicate), None)
                if not isinstance(q.object, ox.Literal)
            }
        return focus


def _check_property(
    store: ox.Store,
    shape: CompiledShape,
    prop: PropertyConstraint,
    focus: set,
    severity: str,
    instances: _InstanceCache,
) -> Iterable[RawResult]:
    predicate = ox.NamedNode(prop.predicate)
    values: dict = defaultdict(list)
    for quad in store.quads_for_pattern(None, predicate, None):
        subject, obj = (quad.object, quad.subject) if prop.inverse else (quad.subject, quad.object)
        if subject in focus:
            values[subject].append(obj)
    message = prop.messages[0] if prop.messages else ""
    path = prop.predicate
    for node in sorted(focus, key=str):
        nodes = values.get(node, [])
        count_bad = (prop.min_count is not None and len(nodes) < prop.min_count) or (
            prop.max_count is not None and len(nodes) > prop.max_count
        )
        if count_bad:
            yield RawResult(shape.rule_id, severity, node_key(node), message, path=path, value=None)
        for value in nodes:
            if not _value_ok(value, prop, instances):
                yield RawResult(shape.rule_id, severity, node_key(node), message, path=path, value=node_key(value))


def _value_ok(value, prop: PropertyConstraint, instances: _InstanceCache) -> bool:
    if any(not _check(value, check, instances) for check in prop.checks):
        return False
    if prop.alternatives and not any(_check(value, check, instances) for check in prop.alternatives):
        return False
    return not (prop.allowed is not None and str(value) not in prop.allowed)


def _check(value, check: ValueCheck, instances: _InstanceCache) -> bool:
    if check.datatype is not None and not _well_typed(value, check.datatype):
        return False
    if check.klass is not None and (isinstance(value, ox.Literal) or value not in instances.instances(check.klass)):
        return False
    return not (check.node_kind is not None and not _node_kind_ok(value, check.node_kind))


def _well_typed(value, datatype: str) -> bool:
    """As pySHACL: a literal of exactly this datatype whose lexical form is valid for it."""
    if not isinstance(value, ox.Literal) or value.datatype.value != datatype:
        return False
    if value.language:
        return False
    literal = RdfLiteral(value.value, datatype=URIRef(datatype))
    return not getattr(literal, "ill_typed", False)


_KINDS = {
    str(SH.IRI): (ox.NamedNode,),
    str(SH.BlankNode): (ox.BlankNode,),
    str(SH.Literal): (ox.Literal,),
    str(SH.BlankNodeOrIRI): (ox.BlankNode, ox.NamedNode),
    str(SH.IRIOrLiteral): (ox.NamedNode, ox.Literal),
    str(SH.BlankNodeOrLiteral): (ox.BlankNode, ox.Literal),
}


def _node_kind_ok(value, kind: str) -> bool:
    return isinstance(value, _KINDS[kind])


def _labels(store: ox.Store) -> dict[str, str]:
    labels: dict[str, str] = {}
    for quad in store.quads_for_pattern(None, _LABEL, None):
        key = node_key(quad.subject)
        text = quad.object.value
        if key not in labels or text < labels[key]:
            labels[key] = text
    return labels
