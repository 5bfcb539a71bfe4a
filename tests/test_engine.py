"""Engine behaviour that no single rule shows: prepared once, broken rules isolated, as-of date, context."""

from __future__ import annotations

import datetime as dt

import pytest

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


# A job restore-tested 30 days and last run 3 days before the as-of date: within TST-002's default maximum of
# 90 days and REC-001's of 7.
TESTED_JOB = b"""
@prefix hv: <https://w3id.org/hv-advisor/ontology#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:job a hv:BackupJob ; rdfs:label "NIGHTLY" ; hv:lastRestoreTestDate "2026-10-26"^^xsd:date ;
    hv:lastSuccessfulRunAt "2026-11-22T02:00:00Z"^^xsd:dateTime .
"""
CONTEXT = "<https://w3id.org/hv-advisor/shapes#validationContext>"
XSD_IRI = "http://www.w3.org/2001/XMLSchema#"
CONTEXT_SPOOFS = {
    # Each statement, if it took effect, would make the rule named fire on NIGHTLY.
    "TST-002 maximum age": f"{CONTEXT} <https://w3id.org/hv-advisor/shapes#maxRestoreTestAgeDays> 1 .",
    "REC-001 maximum age": f"{CONTEXT} <https://w3id.org/hv-advisor/shapes#maxSuccessfulRunAgeDays> 0 .",
    "as-of date": f'{CONTEXT} <https://w3id.org/hv-advisor/shapes#asOf> "2099-01-01"^^<{XSD_IRI}date> .',
}
AGE_RULES = ("TST-002", "REC-001")


def _age_findings(report) -> list[str]:
    return [f.message for f in report.findings if f.rule_id in AGE_RULES]


def test_the_context_values_the_spoofs_set_would_make_the_age_rules_fire() -> None:
    """The spoofs below are meaningful: the same values, set the legitimate way, do make the rules fire."""
    graph = parse_bytes(TESTED_JOB, RdfFormat.TURTLE)
    assert _age_findings(validate(graph, as_of=dt.date(2026, 11, 25))) == []
    strict = validate(
        parse_bytes(TESTED_JOB, RdfFormat.TURTLE),
        as_of=dt.date(2026, 11, 25),
        parameters={"max_restore_test_age_days": 1, "max_successful_run_age_days": 0},
    )
    assert sorted(_age_findings(strict)) == [
        "NIGHTLY last completed successfully at 2026-11-22T02:00:00Z, 3 days before 2026-11-25 (counted from the "
        "date in UTC); the policy allows at most 0 days.",
        "NIGHTLY was last restore-tested on 2026-10-26, 30 days before 2026-11-25; the policy allows at most 1 days.",
    ]
    late = validate(parse_bytes(TESTED_JOB, RdfFormat.TURTLE), as_of=dt.date(2099, 1, 1))
    assert sorted(f.rule_id for f in late.findings if f.rule_id in AGE_RULES) == ["REC-001", "TST-002"]


@pytest.mark.parametrize("spoof", sorted(CONTEXT_SPOOFS))
@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_a_document_cannot_set_the_validation_context(spoof: str, engine: str) -> None:
    graph = parse_bytes(TESTED_JOB + CONTEXT_SPOOFS[spoof].encode("utf-8"), RdfFormat.TURTLE)
    report = validate(graph, as_of=dt.date(2026, 11, 25), engine=engine)
    assert not report.errors
    assert _age_findings(report) == [], f"the document's {spoof} took effect"


UNCOVERED_VM = b"""
@prefix hv: <https://w3id.org/hv-advisor/ontology#> .
@prefix hvs: <https://w3id.org/hv-advisor/shapes#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:hv01 a hv:HyperVHost ; rdfs:label "HV01" .
ex:web01 a hv:VirtualMachine ; rdfs:label "WEB01" ; hv:runsOn ex:hv01 .
ex:job a hv:BackupJob ; rdfs:label "Nightly" .
"""
DERIVED_SPOOFS = {
    # Each statement, if it took effect, would hide WEB01's COV-001 (no job covers it).
    "protectedBy": "ex:web01 hvs:protectedBy ex:job .",
    "isA": "ex:web01 hvs:isA hv:HyperVHost .",
}


@pytest.mark.parametrize("spoof", sorted(DERIVED_SPOOFS))
@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_a_document_cannot_state_the_facts_the_engine_derives(spoof: str, engine: str) -> None:
    graph = parse_bytes(UNCOVERED_VM + DERIVED_SPOOFS[spoof].encode("utf-8"), RdfFormat.TURTLE)
    report = validate(graph, as_of=dt.date(2026, 11, 25), engine=engine)
    assert [(f.focus_node, f.message) for f in report.findings if f.rule_id == "COV-001"] == [
        ("https://example.org/web01", "WEB01 is not covered by any backup job and no exclusion reason is stated.")
    ], f"the document's hvs:{spoof} took effect"


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
