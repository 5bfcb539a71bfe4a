"""The pipeline's middle: a parsed graph and an as-of date in, a Report out."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Literal as TypingLiteral

import pyoxigraph as ox
from rdflib.namespace import XSD

from advisor.config import get_settings
from advisor.engine.fast import FastEngine
from advisor.findings import build_findings
from advisor.inventory import Inventory, build_inventory
from advisor.knowledge import KnowledgeBase, knowledge_base
from advisor.loading import ParsedGraph
from advisor.namespaces import HV_IRI, HVS_IRI, VALIDATION_CONTEXT_IRI
from advisor.report import BlastRadius, Report, conforms

EngineName = TypingLiteral["fast", "reference"]
_XSD = str(XSD)


@dataclass(frozen=True)
class RuleParameters:
    """Values of rule parameters a policy may set; the defaults are the catalog's."""

    max_restore_test_age_days: int = 90
    max_successful_run_age_days: int = 7
    extra: dict[str, int] = field(default_factory=dict)


def _context_triples(as_of: dt.date, parameters: RuleParameters) -> list[ox.Triple]:
    node = ox.NamedNode(VALIDATION_CONTEXT_IRI)
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    return [
        ox.Triple(node, rdf_type, ox.NamedNode(HVS_IRI + "ValidationContext")),
        ox.Triple(
            node, ox.NamedNode(HVS_IRI + "asOf"), ox.Literal(as_of.isoformat(), datatype=ox.NamedNode(_XSD + "date"))
        ),
        ox.Triple(
            node,
            ox.NamedNode(HVS_IRI + "maxRestoreTestAgeDays"),
            ox.Literal(str(parameters.max_restore_test_age_days), datatype=ox.NamedNode(_XSD + "integer")),
        ),
        ox.Triple(
            node,
            ox.NamedNode(HVS_IRI + "maxSuccessfulRunAgeDays"),
            ox.Literal(str(parameters.max_successful_run_age_days), datatype=ox.NamedNode(_XSD + "integer")),
        ),
    ]


def build_store(graph: ParsedGraph, kb: KnowledgeBase, as_of: dt.date, parameters: RuleParameters) -> ox.Store:
    """An in-memory store with the data, the ontology and the validation context, in the default graph.

    The data's store is taken over from the parsed graph (no copy); a document may not set the validation
    context itself, so any statement it makes about that node is dropped.
    """
    store = graph.take_store()
    context = ox.NamedNode(VALIDATION_CONTEXT_IRI)
    for quad in list(store.quads_for_pattern(context, None, None)):
        store.remove(quad)
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in kb.ontology_triples)
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in _context_triples(as_of, parameters))
    return store


_SYSTEMS = f"""SELECT (COUNT(DISTINCT ?system) AS ?systems) WHERE {{
    ?system a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{HV_IRI}ComputerSystem> }}"""


def count_systems(store: ox.Store) -> int:
    """The computer systems (hosts, VMs, other servers) of a validation store: the posture score's scale."""
    for solution in store.query(_SYSTEMS):
        return int(solution["systems"].value)
    return 0


_engines: dict[tuple[str, int], tuple[KnowledgeBase, object]] = {}
_engines_lock = threading.Lock()


def _engine(name: EngineName, kb: KnowledgeBase):
    """The engine prepared for this knowledge base, made once and reused by every validation and worker."""
    key = (name, id(kb))
    with _engines_lock:
        cached = _engines.get(key)
        if cached is None or cached[0] is not kb:
            if name == "fast":
                cached = (kb, FastEngine(kb.plan, threads=get_settings().engine_threads))
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
) -> Report:
    """Validate one parsed graph with every rule; the as-of date defaults to today.

    `inventory=False` skips the inventory of the environment (its structure, for the HTML and Markdown
    reports' summary and diagram), which the other formats do not show. `blast_radius=True` adds what losing
    each site and each cluster would leave unrecoverable (advisor.whatif), for the formats that show it.
    """
    kb = kb or knowledge_base()
    as_of = as_of or dt.date.today()
    parameters = parameters or RuleParameters()
    store = build_store(graph, kb, as_of, parameters)
    output = _engine(engine, kb).run(store)
    did_you_mean = frozenset(rule.id for rule in kb.catalog.values() if rule.did_you_mean)
    findings, errors = build_findings(output, kb.catalog, did_you_mean, kb.defined_terms)
    return Report(
        conforms=conforms(findings),
        findings=findings,
        errors=errors,
        as_of=as_of,
        triples=len(graph),
        systems=count_systems(store),
        engine=engine,
        source=graph.source,
        rule_seconds=output.rule_seconds,
        inventory=build_inventory(store, (d.query for d in kb.plan.derivations)) if inventory else Inventory(),
        blast_radius=_blast_radius(store, kb) if blast_radius else None,
        catalog=kb.catalog,
    )


def _blast_radius(store: ox.Store, kb: KnowledgeBase) -> list[BlastRadius]:
    from advisor.whatif.blast import store_blast_radius  # the what-if engine builds on this module

    return store_blast_radius(store, kb)
