"""The SHACL validation report, parsed back with rdflib: one sh:result per finding, as SHACL says."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH, XSD

from advisor.knowledge import knowledge_base
from advisor.namespaces import HVS
from advisor.render import render, render_many
from advisor.report import Report, Term
from tests.test_render_common import INPUT_IDS, INPUTS, made_up_report, report_for

SEVERITIES = {"violation": SH.Violation, "warning": SH.Warning, "info": SH.Info}
FORMATS = {"shacl": "turtle", "shacl-jsonld": "json-ld"}
OX_VALUE = ox.NamedNode(str(SH.value))


def _parse(data: bytes, name: str) -> Graph:
    graph = Graph()
    graph.parse(data=data.decode("utf-8"), format=FORMATS[name])
    return graph


def _results(graph: Graph, root) -> list:
    return list(graph.objects(root, SH.result))


def _focus(key: str):
    return BNode(key[2:]) if key.startswith("_:") else URIRef(key)


@pytest.mark.parametrize("name", sorted(FORMATS))
@pytest.mark.parametrize("path", INPUTS, ids=INPUT_IDS)
def test_one_result_per_finding_with_its_focus_node_and_severity(path: Path, name: str) -> None:
    report = report_for(path)
    graph = _parse(render(report, name), name)
    roots = list(graph.subjects(RDF.type, SH.ValidationReport))
    assert len(roots) == 1
    assert graph.value(roots[0], SH.conforms) == Literal(not report.findings)
    results = _results(graph, roots[0])
    assert len(results) == len(report.findings)
    catalog = knowledge_base().catalog
    found = Counter(
        (
            str(graph.value(r, HVS.ruleId)),
            graph.value(r, SH.focusNode),
            graph.value(r, SH.resultSeverity),
            graph.value(r, SH.sourceShape),
            str(graph.value(r, SH.resultMessage)),
        )
        for r in results
    )
    expected = Counter(
        (f.rule_id, _focus(f.focus_node), SEVERITIES[f.severity.value], URIRef(catalog[f.rule_id].shape), f.message)
        for f in report.findings
    )
    if any(f.focus_node.startswith("_:") for f in report.findings):  # blank nodes get new ids in a new graph
        found = Counter(k[:1] + k[2:] for k in found.elements())
        expected = Counter(k[:1] + k[2:] for k in expected.elements())
    assert found == expected
    for result in results:
        assert (result, RDF.type, SH.ValidationResult) in graph
        assert graph.value(result, SH.sourceConstraintComponent) is not None


def test_path_value_and_category_are_kept() -> None:
    report = made_up_report().model_copy(update={"catalog": knowledge_base().catalog})
    graph = _parse(render(report, "shacl"), "shacl")
    with_path = next(r for r in graph.subjects(SH.resultPath, None))
    assert graph.value(with_path, SH.resultPath) == URIRef("https://w3id.org/hv-advisor/ontology#runsOn")
    assert graph.value(with_path, SH.value) == URIRef("https://example.org/hv01")
    focus = next(r for r in graph.subjects(SH.focusNode, URIRef("https://example.org/odd")))
    assert graph.value(focus, HVS.category) == HVS.Coverage
    assert graph.value(focus, SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent


def _typed(text: str, datatype: str) -> tuple[Term, ox.Literal]:
    """A typed literal as a finding's term and as the Oxigraph literal a report must hold."""
    return Term(kind="literal", value=text, datatype=str(XSD[datatype])), ox.Literal(
        text, datatype=ox.NamedNode(str(XSD[datatype]))
    )


OX_FORMATS = {"shacl": ox.RdfFormat.TURTLE, "shacl-jsonld": ox.RdfFormat.JSON_LD}


@pytest.mark.parametrize("name", sorted(OX_FORMATS))
@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (Term(kind="literal", value="https://example.org/hv01"), ox.Literal("https://example.org/hv01")),
        _typed("2026-02-30", "date"),
        _typed("no", "boolean"),
        _typed("TRUE", "boolean"),
        _typed("1", "double"),
        _typed("08", "integer"),
        (Term(kind="literal", value="huit", language="fr"), ox.Literal("huit", language="fr")),
        (Term(kind="iri", value="https://example.org/hv01"), ox.NamedNode("https://example.org/hv01")),
    ],
    ids=["string-like-an-iri", "ill-typed-date", "ill-typed-boolean", "boolean-as-written", "double-as-written",
         "integer-as-written", "language", "iri"],
)
def test_sh_value_is_the_finding_s_term_as_written_not_a_guess_from_its_text(
    term: Term, expected: ox.Literal | ox.NamedNode, name: str
) -> None:
    report = made_up_report()
    findings = [f.model_copy(update={"value_term": term}) if f.value else f for f in report.findings]
    data = render(report.model_copy(update={"findings": findings}), name)
    values = [q.object for q in ox.parse(data, format=OX_FORMATS[name]) if q.predicate == OX_VALUE]
    assert values == [expected]


def test_a_blank_node_term_is_written_as_a_blank_node() -> None:
    report = made_up_report()
    findings = [
        f.model_copy(update={"value": "_:v1", "value_term": Term(kind="blank", value="v1")}) if f.value else f
        for f in report.findings
    ]
    graph = _parse(render(report.model_copy(update={"findings": findings}), "shacl"), "shacl")
    assert isinstance(graph.value(next(graph.subjects(SH.resultPath, None)), SH.value), BNode)


def test_a_batch_holds_one_validation_report_per_file() -> None:
    reports: list[Report] = [report_for(p) for p in INPUTS[:4]]
    for name in FORMATS:
        graph = _parse(render_many(reports, name), name)
        roots = list(graph.subjects(RDF.type, SH.ValidationReport))
        assert len(roots) == len(reports)
        by_label = {
            str(graph.value(root, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))): root for root in roots
        }
        for report in reports:
            root = by_label[f"Validation report of {report.source}"]
            assert len(_results(graph, root)) == len(report.findings)


def test_rules_are_described_from_the_report_s_own_catalog() -> None:
    """A report without a catalog gets no sh:sourceShape, category or component: nothing comes from a global."""
    graph = _parse(render(made_up_report(), "shacl"), "shacl")
    results = list(graph.subjects(RDF.type, SH.ValidationResult))
    assert results
    for result in results:
        assert graph.value(result, SH.sourceShape) is None and graph.value(result, HVS.category) is None
        assert graph.value(result, SH.sourceConstraintComponent) is None
