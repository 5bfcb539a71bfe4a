"""The reference engine: stock pySHACL on the same shapes, for differential testing and audits.

pySHACL gets parsed graphs only (never a user string, which it would read as a URL or a file name),
with imports off and no client-settable flag; SHACL-AF is on because the shapes use SPARQL rules.
"""

from __future__ import annotations

import time

import pyoxigraph as ox
import pyshacl
from rdflib import RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from advisor.engine.results import EngineOutput, RawResult
from advisor.namespaces import HVS

SEVERITY_NAMES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


def _key(term) -> str:
    return "_:" + str(term) if isinstance(term, BNode) else str(term)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef | BNode | Literal:
    """The rdflib term for an Oxigraph term, as it is: blank node ids and lexical forms are kept (rdflib's
    parsers would rename blank nodes and normalise literals, so the engines would see different terms)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)


def _to_rdflib(store: ox.Store) -> Graph:
    graph = Graph()
    for quad in store:
        graph.add((_term(quad.subject), _term(quad.predicate), _term(quad.object)))
    return graph


class ReferenceEngine:
    name = "reference"

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self._rule_of_shape: dict = {}
        for shape, rule_id in shapes.subject_objects(HVS.ruleId):
            self._rule_of_shape[shape] = str(rule_id)
            for prop in shapes.objects(shape, SH.property):
                self._rule_of_shape[prop] = str(rule_id)

    def run(self, store: ox.Store) -> EngineOutput:
        started = time.perf_counter()
        graph = _to_rdflib(store)
        _, report, _ = pyshacl.validate(
            graph,
            shacl_graph=self.shapes,
            inference="none",
            advanced=True,
            iterate_rules=True,
            allow_warnings=True,
            allow_infos=True,
            do_owl_imports=False,
            js=False,
            meta_shacl=False,
        )
        results = []
        for result in report.objects(None, SH.result):
            shape = report.value(result, SH.sourceShape)
            rule_id = self._rule_of_shape.get(shape)
            if rule_id is None:
                continue
            value = report.value(result, SH.value)
            path = report.value(result, SH.resultPath)
            for message in report.objects(result, SH.resultMessage) or [Literal("")]:
                results.append(
                    RawResult(
                        rule_id=rule_id,
                        severity=SEVERITY_NAMES[report.value(result, SH.resultSeverity)],
                        focus=_key(report.value(result, SH.focusNode)),
                        message=str(message),
                        path=str(path) if isinstance(path, URIRef) else None,
                        value=_key(value) if value is not None else None,
                    )
                )
        labels: dict[str, str] = {}
        for subject, label in graph.subject_objects(RDFS.label):
            key, text = _key(subject), str(label)
            if key not in labels or text < labels[key]:
                labels[key] = text
        elapsed = time.perf_counter() - started
        return EngineOutput(results=results, labels=labels, rule_seconds={"*": elapsed})

