"""The fast engine: every shape evaluated set-at-a-time on an in-memory Oxigraph store.

Each SPARQL-based constraint runs once for all its focus nodes (with `$this` as a variable) instead
of once per focus node; property constraints are checked in bulk, one pass over each predicate;
derived facts (SHACL-AF rules) are computed once, inside the store, and shared by every rule; class
membership is computed once per class. Labels are looked up only for the nodes findings name.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import lru_cache

import pyoxigraph as ox
from rdflib import Literal as RdfLiteral
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from advisor.engine.plan import CompiledShape, Derivation, PropertyConstraint, ShapePlan, Targets, ValueCheck
from advisor.engine.results import EngineOutput, RawResult
from advisor.namespaces import RDFS_IRI
from advisor.report import Term as ResultTerm

SEVERITY_NAMES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
_PLACEHOLDER = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")
_LABEL = ox.NamedNode(RDFS_IRI + "label")
_THIS = ox.Variable("this")
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD_STRING = str(XSD.string)
_SUBCLASS = RDFS_IRI + "subClassOf"
# The query form keyword after the PREFIX/BASE lines (and comments) the plan puts in front of a CONSTRUCT.
_CONSTRUCT = re.compile(r"\A((?:\s*(?:#[^\n]*|PREFIX\s[^\n]*|BASE\s[^\n]*))*\s*)CONSTRUCT(?=\s*\{)", re.IGNORECASE)

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def term_text(term: Term) -> str:
    """The plain text of a term, as pySHACL puts it into a message (str() of the rdflib term)."""
    return term.value


def node_key(term: Term) -> str:
    """How results name a node: the IRI, or _:id for a blank node, or a literal's lexical form."""
    return "_:" + term.value if isinstance(term, ox.BlankNode) else term.value


def result_term(term: Term) -> ResultTerm:
    """The term as results carry it: its kind, text, and a literal's datatype (none for a plain string) or language."""
    if isinstance(term, ox.NamedNode):
        return ResultTerm(kind="iri", value=term.value)
    if isinstance(term, ox.BlankNode):
        return ResultTerm(kind="blank", value=term.value)
    if term.language:
        return ResultTerm(kind="literal", value=term.value, language=term.language)
    datatype = term.datatype.value
    return ResultTerm(kind="literal", value=term.value, datatype=None if datatype == _XSD_STRING else datatype)


def fill_message(template: str, bindings: dict[str, str]) -> str:
    """Replace {?var} and {$var} by bound values; leave unbound placeholders as they are."""
    return _PLACEHOLDER.sub(lambda m: bindings.get(m.group(1), m.group(0)), template)


@dataclass(frozen=True)
class _PreparedDerivation:
    """A derivation ready to run: as a SPARQL INSERT where the CONSTRUCT allows, so no triple crosses into Python."""

    derivation: Derivation
    insert: str | None

    @property
    def name(self) -> str:
        return self.derivation.shape.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def as_insert(construct: str) -> str | None:
    """The SPARQL Update that adds what a CONSTRUCT query returns, or None when the query cannot be turned into one.

    `CONSTRUCT { T } WHERE { P }` and `INSERT { T } WHERE { P }` have the same template and pattern semantics:
    the pattern is evaluated once, then every well-formed instance of the template is added. Forms an update
    cannot express (CONSTRUCT WHERE, solution modifiers, a trailing VALUES) fail to parse and are run as queries.
    """
    text, replaced = _CONSTRUCT.subn(r"\1INSERT", construct, count=1)
    if not replaced:
        return None
    try:
        ox.Store().update(text)
    except (SyntaxError, ValueError, OSError):
        return None
    return text


@dataclass(frozen=True)
class _ShapeOutcome:
    results: list[RawResult]
    error: str | None
    seconds: float


class FastEngine:
    name = "fast"

    def __init__(self, plan: ShapePlan, threads: int = 1) -> None:
        self.plan = plan
        self.threads = max(1, threads)
        self._derivations = tuple(_PreparedDerivation(d, as_insert(d.query)) for d in plan.derivations)

    def run(self, store: ox.Store) -> EngineOutput:
        """Derive the shared facts, then evaluate every shape (in `threads` threads: Oxigraph evaluates queries
        without holding Python's lock, and the store only is read from then on). Results keep the plan's order."""
        output = EngineOutput(results=[], labels={})
        self.derive(store, output)
        instances = _InstanceCache(store)
        named: dict[str, Term] = {}

        def outcome(shape: CompiledShape) -> _ShapeOutcome:
            started = time.perf_counter()
            try:
                focus = instances.focus(shape.targets)
                results = list(self._evaluate(store, shape, focus, instances, named))
                return _ShapeOutcome(results, None, time.perf_counter() - started)
            except Exception as error:  # one broken rule must not stop the others
                return _ShapeOutcome([], f"{type(error).__name__}: {error}", time.perf_counter() - started)

        if self.threads == 1:
            outcomes = [outcome(shape) for shape in self.plan.shapes]
        else:
            with ThreadPoolExecutor(self.threads, thread_name_prefix="rules") as pool:
                outcomes = list(pool.map(outcome, self.plan.shapes))
        for shape, done in zip(self.plan.shapes, outcomes, strict=True):
            output.results.extend(done.results)
            if done.error is not None:
                output.errors.append((shape.rule_id, done.error))
            output.rule_seconds[shape.rule_id] = output.rule_seconds.get(shape.rule_id, 0.0) + done.seconds
        started = time.perf_counter()
        output.labels = _labels(store, named)
        output.phase_seconds["labels"] = time.perf_counter() - started
        return output

    def derive(self, store: ox.Store, output: EngineOutput) -> None:
        """Add the facts every rule shares to the store, each derivation's seconds to the output's phases."""
        for prepared in self._derivations:
            started = time.perf_counter()
            if prepared.insert is not None:
                store.update(prepared.insert)
            else:
                triples = list(store.query(prepared.derivation.query))
                store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
            key = f"derive {prepared.name}"
            output.phase_seconds[key] = output.phase_seconds.get(key, 0.0) + time.perf_counter() - started

    def _evaluate(
        self, store: ox.Store, shape: CompiledShape, focus: _Focus, instances: _InstanceCache, named: dict[str, Term]
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
                focus_key = node_key(this)
                named[focus_key] = this
                value_term = None
                if value is not None:
                    named[node_key(value)] = value
                    value_term = result_term(value)
                for template in constraint.messages or ("",):
                    yield RawResult(
                        rule_id=shape.rule_id,
                        severity=severity,
                        focus=focus_key,
                        message=fill_message(template, bindings),
                        path=path.value if isinstance(path, ox.NamedNode) else None,
                        value=value_term,
                    )
        nodes: set | None = None
        for prop in shape.properties:
            if _every_subject_is_focus(shape, prop):
                yield from _check_property(store, shape, prop, None, severity, instances, named)
                continue
            if nodes is None:
                nodes = focus.nodes()
            yield from _check_property(store, shape, prop, nodes, severity, instances, named)


def _every_subject_is_focus(shape: CompiledShape, prop: PropertyConstraint) -> bool:
    """A shape that targets the subjects of the property's own predicate, without counts: every node with a value
    is a focus node, and a focus node without a value breaks nothing, so the focus set need not be built."""
    counted = prop.min_count is not None or prop.max_count is not None
    return not counted and not prop.inverse and prop.predicate in shape.targets.subjects_of


class _Focus:
    """The focus nodes of a shape. The set for its simple targets (classes, nodes, subjects and objects of
    predicates) is built only when something asks; its SPARQL targets are asked node by node: a SPARQL target
    usually repeats the condition of its constraint, so running it over the whole graph would do that work
    twice, while the constraint's few solutions are cheap to check one by one."""

    def __init__(self, store: ox.Store, known: Callable[[], set], queries: tuple[str, ...]) -> None:
        self.store = store
        self._known_of = known
        self._known: set | None = None
        self.queries = queries
        self._asked: dict[Term, bool] = {}

    @property
    def known(self) -> set:
        if self._known is None:
            self._known = self._known_of()
        return self._known

    def __contains__(self, node: object) -> bool:
        if node in self.known:
            return True
        if not self.queries or not isinstance(node, (ox.NamedNode, ox.BlankNode, ox.Literal)):
            return False
        if node not in self._asked:
            self._asked[node] = any(self._selects(query, node) for query in self.queries)
        return self._asked[node]

    def _selects(self, query: str, node: Term) -> bool:
        solutions = self.store.query(query, substitutions={_THIS: node})
        return next(iter(solutions), None) is not None

    def nodes(self) -> set:
        """Every focus node (property constraints with counts need them all)."""
        everything = set(self.known)
        for query in self.queries:
            everything |= {solution["this"] for solution in self.store.query(query)}
        return everything


class _InstanceCache:
    """SHACL instances of classes (rdf:type/rdfs:subClassOf*), computed once per class per validation."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._by_class: dict[str, set] = {}
        self._subjects_of: dict[str, set] = {}

    def instances(self, klass: str) -> set:
        if klass not in self._by_class:
            query = f"SELECT DISTINCT ?x WHERE {{ ?x <{_RDF_TYPE}>/<{_SUBCLASS}>* <{klass}> }}"
            self._by_class[klass] = {s["x"] for s in self.store.query(query)}
        return self._by_class[klass]

    def subjects_of(self, predicate: str) -> set:
        if predicate not in self._subjects_of:
            query = f"SELECT DISTINCT ?x WHERE {{ ?x <{predicate}> ?any }}"
            self._subjects_of[predicate] = {s["x"] for s in self.store.query(query)}
        return self._subjects_of[predicate]

    def focus(self, targets: Targets) -> _Focus:
        """The focus nodes of a shape's targets; SPARQL targets are asked only about the nodes a constraint names."""
        return _Focus(self.store, lambda: self.focus_nodes(replace(targets, queries=())), targets.queries)

    def focus_nodes(self, targets: Targets) -> set:
        focus: set = set()
        for klass in targets.classes:
            focus |= self.instances(klass)
        for node in targets.nodes:
            focus.add(ox.NamedNode(str(node)))
        for predicate in targets.subjects_of:
            focus |= self.subjects_of(predicate)
        for query in targets.queries:
            focus |= {solution["this"] for solution in self.store.query(query)}
        for predicate in targets.objects_of:
            objects = f"SELECT DISTINCT ?x WHERE {{ ?any <{predicate}> ?x FILTER (!isLiteral(?x)) }}"
            focus |= {solution["x"] for solution in self.store.query(objects)}
        return focus


def _check_property(
    store: ox.Store,
    shape: CompiledShape,
    prop: PropertyConstraint,
    focus: set | None,
    severity: str,
    instances: _InstanceCache,
    named: dict[str, Term],
) -> Iterable[RawResult]:
    """One pass over the property's predicate; `focus` None: every subject with a value is a focus node."""
    predicate = ox.NamedNode(prop.predicate)
    values: dict = defaultdict(list)
    for quad in store.quads_for_pattern(None, predicate, None, ox.DefaultGraph()):
        subject, obj = (quad.object, quad.subject) if prop.inverse else (quad.subject, quad.object)
        if focus is None or subject in focus:
            values[subject].append(obj)
    message = prop.messages[0] if prop.messages else ""
    path = prop.predicate
    counted = prop.min_count is not None or prop.max_count is not None
    verdicts: dict[Term, bool] = {}  # values repeat (true, false, small numbers): judge each once
    for node in focus if counted and focus is not None else values:
        nodes = values.get(node, ())
        count_bad = (prop.min_count is not None and len(nodes) < prop.min_count) or (
            prop.max_count is not None and len(nodes) > prop.max_count
        )
        if count_bad:
            named[node_key(node)] = node
            yield RawResult(shape.rule_id, severity, node_key(node), message, path=path, value=None)
        for value in nodes:
            verdict = verdicts.get(value)
            if verdict is None:
                verdict = verdicts[value] = _value_ok(value, prop, instances)
            if not verdict:
                named[node_key(node)] = node
                named[node_key(value)] = value
                yield RawResult(shape.rule_id, severity, node_key(node), message, path=path, value=result_term(value))


def _value_ok(value: Term, prop: PropertyConstraint, instances: _InstanceCache) -> bool:
    if any(not _check(value, check, instances) for check in prop.checks):
        return False
    if prop.alternatives and not any(_check(value, check, instances) for check in prop.alternatives):
        return False
    return not (prop.allowed is not None and _n3(value) not in prop.allowed)


def _n3(value: Term) -> str:
    """A term as N-Triples, the way the plan writes the members of sh:in."""
    return str(value)


def _check(value: Term, check: ValueCheck, instances: _InstanceCache) -> bool:
    if check.datatype is not None and not _datatype_ok(value, check.datatype):
        return False
    if check.klass is not None and (isinstance(value, ox.Literal) or value not in instances.instances(check.klass)):
        return False
    return not (check.node_kind is not None and not isinstance(value, _KINDS[check.node_kind]))


_XSD_STRING = str(XSD.string)
_ANY_LITERAL = frozenset({str(RDFS.Literal), str(RDFS.Datatype)})
_LANG_STRING = str(RDF.langString)


def _datatype_ok(value: Term, datatype: str) -> bool:
    """sh:datatype as pySHACL decides it (ValueConstraintComponents), for Oxigraph terms."""
    if not isinstance(value, ox.Literal):
        return False
    if datatype in _ANY_LITERAL:
        return True
    if value.language:
        return datatype == _LANG_STRING
    if value.datatype.value != datatype:
        return False
    if datatype == _XSD_STRING:  # every lexical form is a string (and most literals are strings)
        return True
    return _lexical_ok(value.value, datatype)


_PYTHON_TYPES: dict[str, tuple[type, ...]] = {}


@lru_cache(maxsize=65536)
def _lexical_ok(lexical: str, datatype: str) -> bool:
    """Whether rdflib reads this lexical form as a valid value of the datatype (memoised: values repeat a lot)."""
    import datetime as dt
    from decimal import Decimal

    if not _PYTHON_TYPES:
        _PYTHON_TYPES.update({
            _XSD_STRING: (str, bytes), str(XSD.integer): (int,), str(XSD.float): (float,),
            str(XSD.decimal): (Decimal,), str(XSD.boolean): (bool,), str(XSD.date): (dt.date,),
            str(XSD.time): (dt.time,), str(XSD.dateTime): (dt.datetime,),
        })
    literal = RdfLiteral(lexical, datatype=None if datatype == _XSD_STRING else URIRef(datatype))
    if getattr(literal, "ill_typed", None) is True:
        return False
    expected = _PYTHON_TYPES.get(datatype)
    return expected is None or isinstance(literal.value, expected)


_KINDS = {
    str(SH.IRI): (ox.NamedNode,),
    str(SH.BlankNode): (ox.BlankNode,),
    str(SH.Literal): (ox.Literal,),
    str(SH.BlankNodeOrIRI): (ox.BlankNode, ox.NamedNode),
    str(SH.IRIOrLiteral): (ox.NamedNode, ox.Literal),
    str(SH.BlankNodeOrLiteral): (ox.BlankNode, ox.Literal),
}


def _labels(store: ox.Store, named: dict[str, Term]) -> dict[str, str]:
    """The first rdfs:label (alphabetically) of every node a finding names."""
    labels: dict[str, str] = {}
    for key, term in named.items():
        if isinstance(term, ox.Literal):
            continue
        for quad in store.quads_for_pattern(term, _LABEL, None, ox.DefaultGraph()):
            text = quad.object.value
            if key not in labels or text < labels[key]:
                labels[key] = text
    return labels
