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
        data = Graph()
        data.parse(data=ox.serialize(store, format=ox.RdfFormat.N_QUADS).decode("utf-8"), format="nquads")
        graph = Graph()
        for triple in data:
            graph.add(triple)
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

