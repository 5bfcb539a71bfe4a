"""The pipeline's middle: a parsed graph and an as-of date in, a Report out."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Mapping
from typing import Literal as TypingLiteral
from typing import TypeVar

import pyoxigraph as ox
from rdflib.namespace import XSD

from advisor.config import default_engine_threads
from advisor.engine.fast import FastEngine
from advisor.findings import build_findings
from advisor.heap import release_freed_memory
from advisor.inventory import Inventory, build_inventory
from advisor.knowledge import KnowledgeBase, knowledge_base
from advisor.loading import ParsedGraph
from advisor.namespaces import HV_IRI, HVS_IRI, VALIDATION_CONTEXT_IRI
from advisor.parameters import lexical, resolve
from advisor.report import BlastRadius, Report, conforms

EngineName = TypingLiteral["fast", "reference"]
T = TypeVar("T")
_XSD = str(XSD)


RuleParameters = Mapping[str, object]  # values of rule parameters by policy key; the rest take their defaults


def _context_triples(as_of: dt.date, kb: KnowledgeBase, parameters: RuleParameters) -> list[ox.Triple]:
    """The validation context: the as-of date and the value of every rule parameter the shapes name."""
    node = ox.NamedNode(VALIDATION_CONTEXT_IRI)
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples = [
        ox.Triple(node, rdf_type, ox.NamedNode(HVS_IRI + "ValidationContext")),
        ox.Triple(
            node, ox.NamedNode(HVS_IRI + "asOf"), ox.Literal(as_of.isoformat(), datatype=ox.NamedNode(_XSD + "date"))
        ),
    ]
    values = resolve(kb.parameters, ("the rule parameters", parameters))
    for key, parameter in kb.parameters.items():
        literal = ox.Literal(lexical(values[key]), datatype=ox.NamedNode(parameter.datatype))
        triples.append(ox.Triple(node, ox.NamedNode(parameter.iri), literal))
    return triples


def build_store(
    graph: ParsedGraph, kb: KnowledgeBase, as_of: dt.date, parameters: RuleParameters | None = None
) -> ox.Store:
    """An in-memory store with the data, the ontology and the validation context, in the default graph.

    The data's store is taken over from the parsed graph (no copy). A document may not set the validation context
    nor state the facts the engine derives (hvs:protectedBy, hvs:atSite, ...: a stated hvs:protectedBy would make
    an unprotected VM look covered), so any statement it makes about that node or with those predicates is dropped.
    """
    store = graph.take_store()
    context = ox.NamedNode(VALIDATION_CONTEXT_IRI)
    for quad in list(store.quads_for_pattern(context, None, None)):
        store.remove(quad)
    for predicate in sorted(p for p in kb.plan.derived_predicates if p.startswith(HVS_IRI)):
        for quad in list(store.quads_for_pattern(None, ox.NamedNode(predicate), None)):
            store.remove(quad)
    store.extend(kb.ontology_quads)
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in _context_triples(as_of, kb, parameters or {}))
    return store


_SYSTEMS = f"""SELECT (COUNT(DISTINCT ?system) AS ?systems) WHERE {{
    ?system a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{HV_IRI}ComputerSystem> }}"""


def count_systems(store: ox.Store) -> int:
    """The computer systems (hosts, VMs, other servers) of a validation store: the posture score's scale."""
    for solution in store.query(_SYSTEMS):
        return int(solution["systems"].value)
    return 0


# Below this many triples the rules run in one thread: starting threads and sharing the store cost more than they
# save (a 100-VM graph, 3,000 triples, validates in 67 ms of CPU in one thread and 75 ms in two; 10,000 VMs are
# faster in two).
PARALLEL_FROM_TRIPLES = 20_000

_engines: dict[tuple[str, int, int], tuple[KnowledgeBase, object]] = {}
_engines_lock = threading.Lock()


def _engine(name: EngineName, kb: KnowledgeBase, threads: int):
    """The engine prepared for this knowledge base, made once and reused by every validation and worker."""
    key = (name, id(kb), threads if name == "fast" else 0)
    with _engines_lock:
        cached = _engines.get(key)
        if cached is None or cached[0] is not kb:
            if name == "fast":
                cached = (kb, FastEngine(kb.plan, threads=threads))
            else:
                from advisor.engine.reference import ReferenceEngine  # pySHACL: half a second to import

                cached = (kb, ReferenceEngine(kb.shapes))
            _engines[key] = cached
        return cached[1]


def validate(
    graph: ParsedGraph,
    *,
    as_of: dt.date | None = None,
    engine: EngineName = "fast",
    parameters: RuleParameters | None = None,
    kb: KnowledgeBase | None = None,
    inventory: bool = True,
    blast_radius: bool = False,
    threads: int | None = None,
) -> Report:
    """Validate one parsed graph with every rule; the as-of date defaults to today.

    `inventory=False` skips the inventory of the environment (its structure, for the HTML and Markdown
    reports' summary and diagram), which the other formats do not show. `blast_radius=True` adds what losing
    each site and each cluster would leave unrecoverable (advisor.whatif), for the formats that show it.
    `threads` is how many threads the fast engine runs rules in (default: the cores, at most 4); a value of a
    parameter that the knowledge base does not declare, or of the wrong type, is a ValueError.
    """
    kb = kb or knowledge_base()
    as_of = as_of or dt.date.today()
    phases = PhaseTimer()
    store = phases.time("store", lambda: build_store(graph, kb, as_of, parameters))
    threads = 1 if len(graph) < PARALLEL_FROM_TRIPLES else threads or default_engine_threads()
    output = phases.time("engine", lambda: _engine(engine, kb, threads).run(store))
    if threads > 1:  # the rule threads' arenas hold their freed query results: give them back before what follows
        release_freed_memory()
    did_you_mean = frozenset(rule.id for rule in kb.catalog.values() if rule.did_you_mean)
    findings, errors = phases.time(
        "findings", lambda: build_findings(output, kb.catalog, did_you_mean, kb.defined_terms)
    )
    systems = phases.time("systems", lambda: count_systems(store))
    derivations = [d.query for d in kb.plan.derivations]
    environment = phases.time("inventory", lambda: build_inventory(store, derivations)) if inventory else Inventory()
    blast = phases.time("blast radius", lambda: _blast_radius(store, kb)) if blast_radius else None
    return Report(
        conforms=conforms(findings),
        findings=findings,
        errors=errors,
        as_of=as_of,
        triples=len(graph),
        systems=systems,
        engine=engine,
        source=graph.source,
        rule_seconds=output.rule_seconds,
        phase_seconds={**phases.seconds, **{f"engine: {k}": v for k, v in output.phase_seconds.items()}},
        inventory=environment,
        blast_radius=blast,
        catalog=kb.catalog,
    )


class PhaseTimer:
    """The seconds each phase of one validation took (`clock`, which a benchmark may set to CPU time)."""

    clock: Callable[[], float] = time.perf_counter

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def time(self, name: str, work: Callable[[], T]) -> T:
        started = PhaseTimer.clock()
        result = work()
        self.seconds[name] = PhaseTimer.clock() - started
        return result


def _blast_radius(store: ox.Store, kb: KnowledgeBase) -> list[BlastRadius]:
    from advisor.whatif.blast import store_blast_radius  # the what-if engine builds on this module

    return store_blast_radius(store, kb)
