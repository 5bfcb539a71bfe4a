"""The fast engine and the reference engine (stock pySHACL) give identical findings."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef

from advisor.loading import RdfFormat, parse_bytes
from advisor.validation import validate
from tests.conftest import RULE_FIXTURES, SAMPLES, load_expected, validate_file

FILES = sorted(RULE_FIXTURES.glob("*/*.ttl")) + sorted(p for p in SAMPLES.glob("*") if p.suffix in {".ttl", ".jsonld"})


def _as_of(path: Path) -> dt.date:
    if path.parent.parent == RULE_FIXTURES:
        return dt.date.fromisoformat(load_expected(path.parent).get("as_of", "2026-11-25"))
    return dt.date(2026, 11, 25)


def _key(report) -> list[tuple[str, str, str, str]]:
    return sorted((f.rule_id, f.focus_node, f.severity.value, f.message) for f in report.findings)


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_engines_agree(path: Path) -> None:
    fast = validate_file(path, engine="fast", as_of=_as_of(path))
    reference = validate_file(path, engine="reference", as_of=_as_of(path))
    assert not fast.errors and not reference.errors
    assert _key(fast) == _key(reference)


# Untyped blank-node jobs and repositories have no hvs:name: the rules' name fallback must not fail on
# them (STR of a blank node is an error in Oxigraph, so the finding vanished from the fast engine) and
# must not show the node's generated id (as rdflib's STR does). Other rules (DQ-006, DQ-007) take such
# a node as their focus node, whose id differs between engines, so only the named rules are compared.
UNNAMED_NODES = """
@prefix hv: <https://w3id.org/hv-advisor/ontology#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:vm a hv:VirtualMachine ; rdfs:label "VM" .
ex:a a hv:VirtualMachine ; rdfs:label "A" ; hv:rpoTargetMinutes 60 .
[] hv:protects ex:a ; hv:scheduleIntervalHours 24 .
ex:b a hv:VirtualMachine ; rdfs:label "B" ; hv:rpoTargetMinutes 60 .
[] hv:protects ex:b .
ex:c a hv:VirtualMachine ; rdfs:label "C" ; hv:rpoTargetMinutes 60 .
[] hv:protects ex:c .
ex:jc a hv:BackupJob ; rdfs:label "JC" ; hv:protects ex:c ; hv:scheduleIntervalHours 24 .
ex:j1 a hv:BackupJob ; rdfs:label "J1" ; hv:protects ex:vm ; hv:storesTo [ hv:immutable false ] .
ex:j2 a hv:BackupJob ; rdfs:label "J2" ; hv:protects ex:vm ; hv:storesTo [ hv:media hv:DiskMedia ] .
ex:j3 a hv:BackupJob ; rdfs:label "J3" ; hv:storesTo [ a hv:BackupRepository ; hv:immutable false ] .
"""

UNNAMED_EXPECTED = [
    ("IMM-001", "https://example.org/j1", "J1 writes only to", "not on tape: an unnamed resource."),
    ("IMM-001", "https://example.org/j3", "J3 writes only to", "not on tape: an unnamed resource."),
    ("IMM-002", "https://example.org/j2", "J2 has no repository", "not stated for an unnamed resource."),
    ("RPO-001", "https://example.org/a", "A may lose", "runs that often: an unnamed resource every 24 hours."),
    ("RPO-002", "https://example.org/b", "B may lose", "(hv:scheduleIntervalHours): an unnamed resource. Whether"),
    ("RPO-002", "https://example.org/c", "C may lose", "(hv:scheduleIntervalHours): an unnamed resource. The jobs"),
]


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_unnamed_blank_node_jobs_and_repositories_are_named_alike(engine: str, tmp_path: Path) -> None:
    path = tmp_path / "unnamed.ttl"
    path.write_text(UNNAMED_NODES, encoding="utf-8")
    report = validate_file(path, engine=engine, as_of=dt.date(2026, 12, 1))
    assert not report.errors
    found = sorted((f.rule_id, f.focus_node, f.message) for f in report.findings if f.rule_id[:3] in {"IMM", "RPO"})
    assert [(rule, focus) for rule, focus, _ in found] == [(rule, focus) for rule, focus, *_ in UNNAMED_EXPECTED]
    for (_, _, message), (_, _, start, detail) in zip(found, UNNAMED_EXPECTED, strict=True):
        assert message.startswith(start) and detail in message, message


# Every rule's violation fixture again with its resources as blank nodes (every IRI outside the advisor's and
# W3C namespaces): the rules' name fallbacks must word an unnamed node alike in both engines ("an unnamed
# checkpoint", not the node's generated id, which rdflib's STR gives and Oxigraph refuses).
_VOCABULARIES = ("https://w3id.org/hv-advisor/", "http://www.w3.org/")
VIOLATIONS = sorted(RULE_FIXTURES.glob("*/violation*.ttl"))


def _with_blank_resources(path: Path) -> bytes:
    graph, blanks = Graph().parse(path, format="turtle"), {}

    def blank(term):
        if isinstance(term, URIRef) and not str(term).startswith(_VOCABULARIES):
            return blanks.setdefault(term, BNode())
        return term

    converted = Graph()
    for s, p, o in graph:
        converted.add((blank(s), p, blank(o)))
    return converted.serialize(format="nt", encoding="utf-8")


@pytest.mark.parametrize("path", VIOLATIONS, ids=[p.parent.name for p in VIOLATIONS])
def test_engines_word_blank_node_resources_alike(path: Path) -> None:
    data = _with_blank_resources(path)
    reports = [
        validate(parse_bytes(data, RdfFormat.N_TRIPLES), as_of=_as_of(path), engine=engine)  # type: ignore[arg-type]
        for engine in ("fast", "reference")
    ]
    assert not any(report.errors for report in reports)
    fast, reference = (Counter((f.rule_id, f.severity.value, f.message) for f in r.findings) for r in reports)
    assert fast == reference
