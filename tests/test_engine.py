"""Engine behaviour that no single rule shows: prepared once, broken rules isolated, as-of date, context."""

from __future__ import annotations

import datetime as dt

from advisor.knowledge import build_knowledge_base, knowledge_base
from advisor.loading import RdfFormat, parse_bytes
from advisor.validation import validate
from tests.conftest import ROOT

UNPROTECTED_VM = b"""
@prefix hv: <https://w3id.org/hv-advisor/ontology#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:hv01 a hv:HyperVHost ; rdfs:label "HV01" ; hv:backupExclusionReason "rebuilt by script" .
ex:app01 a hv:VirtualMachine ; rdfs:label "APP01" ; hv:runsOn ex:hv01 .
"""


def test_knowledge_base_is_prepared_once_per_process() -> None:
    assert knowledge_base() is knowledge_base()


def test_a_broken_rule_becomes_an_error_entry_and_the_others_still_run() -> None:
    kb = build_knowledge_base(extra_shapes=[ROOT / "tests" / "data" / "broken-rule"])
    graph = parse_bytes(UNPROTECTED_VM, RdfFormat.TURTLE)
    report = validate(graph, as_of=dt.date(2026, 11, 25), kb=kb)
    assert [e.rule_id for e in report.errors] == ["XXX-999"]
    assert "COV-001" in {f.rule_id for f in report.findings}


def test_a_document_cannot_set_the_validation_context() -> None:
    spoof = UNPROTECTED_VM + b"""
    <https://w3id.org/hv-advisor/shapes#validationContext>
        <https://w3id.org/hv-advisor/shapes#asOf> "1999-01-01"^^<http://www.w3.org/2001/XMLSchema#date> .
    """
    report = validate(parse_bytes(spoof, RdfFormat.TURTLE), as_of=dt.date(2026, 11, 25))
    assert report.as_of == dt.date(2026, 11, 25)
    assert "COV-001" in {f.rule_id for f in report.findings}


def test_finding_names_the_resource_by_its_label() -> None:
    report = validate(parse_bytes(UNPROTECTED_VM, RdfFormat.TURTLE), as_of=dt.date(2026, 11, 25))
    (finding,) = [f for f in report.findings if f.rule_id == "COV-001"]
    assert finding.focus_node == "https://example.org/app01"
    assert finding.focus_label == "APP01"
    assert finding.message.startswith("APP01 ")
    assert finding.explanation.source.section == "What to back up"


def test_a_shape_pyshacl_refuses_is_an_error_of_the_reference_engine_not_a_crash() -> None:
    kb = build_knowledge_base(extra_shapes=[ROOT / "tests" / "data" / "refused-by-pyshacl"])
    graph = parse_bytes(UNPROTECTED_VM, RdfFormat.TURTLE)
    reference = validate(graph, as_of=dt.date(2026, 11, 25), kb=kb, engine="reference")
    assert [e.rule_id for e in reference.errors] == ["*"]
    assert "the reference engine (pySHACL) could not validate" in reference.errors[0].message
    fast = validate(parse_bytes(UNPROTECTED_VM, RdfFormat.TURTLE), as_of=dt.date(2026, 11, 25), kb=kb, engine="fast")
    assert not fast.errors
    assert ("XXX-998", "https://example.org/app01") in {(f.rule_id, f.focus_node) for f in fast.findings}
