"""The reference engine: stock pySHACL on the same shapes, for differential testing and audits.

pySHACL gets parsed graphs only (never a user string, which it would read as a URL or a file name),
with imports off and no client-settable flag; SHACL-AF is on because the shapes use SPARQL rules.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import pyoxigraph as ox
import pyshacl
from pyshacl.constraints.constraint_component import ConstraintComponent
from rdflib import RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql import processor

from advisor.engine.results import EngineOutput, RawResult
from advisor.namespaces import HVS
from advisor.rdf_terms import rdflib_term
from advisor.report import Term

SEVERITY_NAMES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@lru_cache(maxsize=4096)
def _translated(text: str, base: str | None, namespaces: tuple[tuple[str, str], ...]) -> object:
    """A query text parsed and translated by rdflib, once per process (a shape's text does not change)."""
    return processor.translateQuery(processor.parseQuery(text), base, dict(namespaces) if namespaces else None)


@contextmanager
def _queries_translated_once() -> Iterator[None]:
    """pySHACL sends the same query text once per focus node, and every validation sends the same texts again;
    rdflib parses and translates each time, which dominated the run (parsing alone took 4 of a small graph's
    7 seconds). Each text is translated once per process; evaluation, and so every result, is unchanged (rdflib's
    own prepared-query path: a translated query is evaluated against any graph)."""
    original = processor.SPARQLProcessor.query

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):
        if isinstance(strOrQuery, str):
            strOrQuery = _translated(strOrQuery, base, tuple(sorted((initNs or {}).items())))
        return original(self, strOrQuery, initBindings or {}, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original


def _key(term) -> str:
    return "_:" + str(term) if isinstance(term, BNode) else str(term)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def result_term(term: URIRef | BNode | Literal) -> Term:
    """The term as results carry it: its kind, text, and a literal's datatype (none for a plain string) or language."""
    if isinstance(term, BNode):
        return Term(kind="blank", value=str(term))
    if not isinstance(term, Literal):
        return Term(kind="iri", value=str(term))
    if term.language:
        return Term(kind="literal", value=str(term), language=term.language)
    datatype = str(term.datatype) if term.datatype is not None else None
    return Term(kind="literal", value=str(term), datatype=None if datatype == _XSD_STRING else datatype)


def _to_rdflib(store: ox.Store) -> Graph:
    """The store as an rdflib graph, its terms as they are: blank node ids and lexical forms are kept (rdflib's
    parsers would rename blank nodes and normalise literals, so the engines would see different terms)."""
    graph = Graph()
    for quad in store:
        graph.add((rdflib_term(quad.subject), rdflib_term(quad.predicate), rdflib_term(quad.object, normalize=False)))
    return graph


def _format_sparql_message(self, msg: str, bound_vars) -> str:
    """pySHACL's formatting of SPARQL constraint messages, with each value inserted literally.

    pySHACL (0.40) passes the value to re.sub as the replacement template, so a backslash in a label
    (a UNC path such as \\\\FS01\\VMs) is read as an escape and the whole validation fails with re.error.
    """
    if bound_vars is None:
        return msg
    values: dict = {}
    if isinstance(bound_vars, (tuple, list)):
        if len(bound_vars) == 4:
            values.update(bound_vars[3])
            bound_vars = bound_vars[:3]
        if len(bound_vars) == 3:
            values.update({k: v for k, v in zip(("this", "path", "value"), bound_vars, strict=True) if v is not None})
    elif isinstance(bound_vars, dict):
        values.update(bound_vars)
    else:
        return msg
    for var, val in values.items():
        msg = re.sub(f"{{[?$]{var}}}", lambda _, text=str(val): text, msg)
    return msg


ConstraintComponent._format_sparql_based_result_message = _format_sparql_message


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
        with _queries_translated_once():
            _, report, text = pyshacl.validate(
                graph,
                shacl_graph=self.shapes,
                inference="none",
                advanced=True,
                iterate_rules=False,  # derivations are stratified by sh:order (shapes/README.md)
                allow_warnings=True,
                allow_infos=True,
                do_owl_imports=False,
                js=False,
                meta_shacl=False,
            )
        if not isinstance(report, Graph):  # pySHACL answers a failure of its own (a shape it cannot run) this way
            elapsed = time.perf_counter() - started
            reason = f"the reference engine (pySHACL) could not validate: {text or report}"
            return EngineOutput(results=[], labels={}, errors=[("*", reason)], rule_seconds={"*": elapsed})
        results = []
        for result in report.objects(None, SH.result):
            shape = report.value(result, SH.sourceShape)
            rule_id = self._rule_of_shape.get(shape)
            if rule_id is None:
                continue
            value = report.value(result, SH.value)
            path = report.value(result, SH.resultPath)
            for message in list(report.objects(result, SH.resultMessage)) or [Literal("")]:
                results.append(
                    RawResult(
                        rule_id=rule_id,
                        severity=SEVERITY_NAMES[report.value(result, SH.resultSeverity)],
                        focus=_key(report.value(result, SH.focusNode)),
                        message=str(message),
                        path=str(path) if isinstance(path, URIRef) else None,
                        value=result_term(value) if value is not None else None,
                    )
                )
        labels: dict[str, str] = {}
        for subject, label in graph.subject_objects(RDFS.label):
            key, text = _key(subject), str(label)
            if key not in labels or text < labels[key]:
                labels[key] = text
        elapsed = time.perf_counter() - started
        return EngineOutput(results=results, labels=labels, rule_seconds={"*": elapsed})

