"""Findings keep their values as the RDF terms they are, from both engines to the SHACL report and the store.

The JSON contract names a value by its text (unchanged); the SHACL report (Turtle, JSON-LD, the service's stored
findings) writes sh:value as the term itself: a typed literal with its datatype, a language-tagged one with its
language, a plain string that looks like an IRI as a string, an IRI as an IRI, a blank node as a blank node.
"""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from advisor.loading import RdfFormat, parse_bytes
from advisor.namespaces import HVS
from advisor.render import render
from advisor.report import Finding, Report, Term
from advisor.validation import validate
from tests.api.conftest import create, running, settings_for

HV = "https://w3id.org/hv-advisor/ontology#"
EX = "http://example.org/"
AS_OF = dt.date(2026, 12, 1)
GRAPH = b"""
@prefix hv: <https://w3id.org/hv-advisor/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .

ex:dated hv:createdAt "2026-11-01"^^xsd:date .
ex:decimal hv:memoryMB 8.5 .
ex:linklike hv:memoryMB "http://example.org/x" .
ex:tagged hv:virtualProcessorCount "eight"@en .
ex:linked hv:backupExclusionReason ex:reason .
ex:blank hv:backupExclusionReason [] .
ex:misspelt hv:runOn ex:host .
"""
# focus node -> (rule id, sh:value as (kind, text, datatype, language), the JSON contract's value); a blank
# node's id is the parser's, so its text is not compared.
EXPECTED: dict[str, tuple[str, tuple[type, str | None, URIRef | None, str | None], str | None]] = {
    EX + "dated": ("DQ-002", (Literal, "2026-11-01", XSD.date, None), "2026-11-01"),
    EX + "decimal": ("DQ-002", (Literal, "8.5", XSD.decimal, None), "8.5"),
    EX + "linklike": ("DQ-002", (Literal, "http://example.org/x", None, None), "http://example.org/x"),
    EX + "tagged": ("DQ-002", (Literal, "eight", None, "en"), "eight"),
    EX + "linked": ("DQ-002", (URIRef, EX + "reason", None, None), EX + "reason"),
    EX + "blank": ("DQ-002", (BNode, None, None, None), None),
    EX + "misspelt": ("DQ-001", (URIRef, HV + "runOn", None, None), HV + "runOn"),
}
ENGINES = ["fast", "reference"]
FORMATS = {"shacl": "turtle", "shacl-jsonld": "json-ld"}


def _report(engine: str) -> Report:
    return validate(parse_bytes(GRAPH, RdfFormat.TURTLE), as_of=AS_OF, engine=engine)  # type: ignore[arg-type]


@pytest.fixture(scope="module", params=ENGINES)
def report(request: pytest.FixtureRequest) -> Report:
    return _report(request.param)


def _described(term: Node) -> tuple[type, str | None, URIRef | None, str | None]:
    if isinstance(term, BNode):
        return (BNode, None, None, None)
    if isinstance(term, Literal):
        return (Literal, str(term), term.datatype, term.language)
    return (type(term), str(term), None, None)


def _values(graph: Graph) -> dict[tuple[str, str], list[Node]]:
    """(rule id, focus IRI) -> the sh:value terms of its results in the report."""
    values: dict[tuple[str, str], list[Node]] = {}
    for result in graph.subjects(SH.focusNode, None):
        key = (str(graph.value(result, HVS.ruleId)), str(graph.value(result, SH.focusNode)))
        values.setdefault(key, []).extend(graph.objects(result, SH.value))
    return values


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_sh_value_is_the_term_the_engine_found(report: Report, name: str) -> None:
    graph = Graph().parse(data=render(report, name).decode("utf-8"), format=FORMATS[name])
    values = _values(graph)
    for focus, (rule_id, term, _) in EXPECTED.items():
        found = values[(rule_id, focus)]
        assert len(found) == 1, (rule_id, focus, found)
        assert _described(found[0]) == term, (rule_id, focus)


def test_the_json_contract_names_the_value_by_its_text(report: Report) -> None:
    findings = {(f["rule_id"], f["focus_node"]): f for f in report.contract()["findings"]}
    for focus, (rule_id, _, text) in EXPECTED.items():
        finding = findings[(rule_id, focus)]
        assert "value_term" not in finding
        if text is None:  # a blank node: _: and the id the engine saw
            assert finding["value"].startswith("_:") and len(finding["value"]) > 2
        else:
            assert finding["value"] == text


def test_a_literal_that_looks_like_an_iri_is_quoted_as_it_is(report: Report) -> None:
    finding = next(f for f in report.findings if f.focus_node == EX + "linklike")
    assert finding.message == (
        'linklike has hv:memoryMB "http://example.org/x": a whole number is expected (an xsd:integer such as 8).'
    )
    assert finding.value_term == Term(kind="literal", value="http://example.org/x")


def _comparable(finding: Finding) -> tuple:
    """A finding as both engines must give it; a blank node value gets its id per validation: only its kind counts."""
    term = finding.value_term
    if term is not None and term.kind == "blank":
        return (finding.rule_id, finding.focus_node, "blank")
    return (finding.rule_id, finding.focus_node, finding.message, finding.value, term)


def test_both_engines_find_the_same_terms() -> None:
    fast, reference = _report("fast"), _report("reference")
    assert [_comparable(f) for f in fast.findings] == [_comparable(f) for f in reference.findings]
    assert {f.focus_node for f in fast.findings if f.value_term is not None} == set(EXPECTED)


def test_the_terms_survive_pickling_and_json_drops_them(report: Report) -> None:
    again = pickle.loads(pickle.dumps(report))
    assert [f.value_term for f in again.findings] == [f.value_term for f in report.findings]
    dated = next(f for f in again.findings if f.focus_node == EX + "dated")
    assert dated.value_term == Term(kind="literal", value="2026-11-01", datatype=str(XSD.date))
    from_json = Finding.model_validate_json(dated.model_dump_json())
    assert from_json.value == "2026-11-01" and from_json.value_term is None


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with running(settings_for(tmp_path / "data")) as service_client:
        yield service_client


@pytest.mark.anyio
async def test_the_stored_findings_keep_the_terms(client: httpx.AsyncClient) -> None:
    created = await create(client, GRAPH, as_of=AS_OF.isoformat())
    query = f"""
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        PREFIX hvs: <https://w3id.org/hv-advisor/shapes#>
        SELECT ?focus ?rule ?value WHERE {{
            GRAPH <{created["findings_graph"]}> {{
                ?r hvs:ruleId ?rule ; sh:focusNode ?focus ; sh:value ?value
            }}
        }}"""
    rows = (await client.get("/v1/sparql", params={"query": query})).json()["results"]["bindings"]
    stored = {(row["rule"]["value"], row["focus"]["value"]): row["value"] for row in rows}
    assert stored[("DQ-002", EX + "dated")] == {"type": "literal", "value": "2026-11-01", "datatype": str(XSD.date)}
    assert stored[("DQ-002", EX + "decimal")] == {"type": "literal", "value": "8.5", "datatype": str(XSD.decimal)}
    assert stored[("DQ-002", EX + "linklike")] == {"type": "literal", "value": "http://example.org/x"}
    assert stored[("DQ-002", EX + "tagged")] == {"type": "literal", "value": "eight", "xml:lang": "en"}
    assert stored[("DQ-002", EX + "linked")] == {"type": "uri", "value": EX + "reason"}
    assert stored[("DQ-002", EX + "blank")]["type"] == "bnode"
    findings = (await client.get(created["links"]["findings"], params={"as_of": AS_OF.isoformat()})).json()
    values = {(f["rule_id"], f["focus_node"]): f.get("value") for f in findings["findings"]}
    assert values[("DQ-002", EX + "dated")] == "2026-11-01"
    assert values[("DQ-002", EX + "linklike")] == "http://example.org/x"
