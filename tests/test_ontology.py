"""The ontology declares the whole public vocabulary, and the JSON-LD context matches it."""

from __future__ import annotations

import json
import re

import pytest
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef

from advisor.namespaces import HV
from scripts.build_context import build_context
from tests.conftest import ROOT

VOCABULARY_MD = ROOT.parent / "shared" / "design" / "vocabulary.md"
RELEASE_YEARS = {
    "WindowsServer2000": 2000, "WindowsServer2003": 2003, "WindowsServer2008": 2008, "WindowsServer2008R2": 2009,
    "WindowsServer2012": 2012, "WindowsServer2012R2": 2013, "WindowsServer2016": 2016, "WindowsServer2019": 2018,
    "WindowsServer2022": 2021, "WindowsServer2025": 2024,
}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "hv.ttl")


def _vocabulary_terms() -> set[str]:
    if not VOCABULARY_MD.is_file():
        pytest.skip("the design contract vocabulary.md is not beside the checkout")
    return set(re.findall(r"`hv:([A-Za-z0-9]+)`", VOCABULARY_MD.read_text(encoding="utf-8")))


def test_every_term_of_the_vocabulary_contract_is_declared_with_label_and_comment(ontology: Graph) -> None:
    missing = []
    for name in sorted(_vocabulary_terms()):
        term = HV[name]
        if (term, RDF.type, None) not in ontology:
            missing.append(f"hv:{name} undeclared")
        elif ontology.value(term, RDFS.label) is None or ontology.value(term, RDFS.comment) is None:
            missing.append(f"hv:{name} without label or comment")
    assert not missing


def test_every_property_has_domain_and_range(ontology: Graph) -> None:
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in ontology.subjects(RDF.type, kind):
            assert ontology.value(prop, RDFS.domain) is not None, prop
            assert ontology.value(prop, RDFS.range) is not None, prop


def test_windows_versions_carry_their_release_year(ontology: Graph) -> None:
    for name, year in RELEASE_YEARS.items():
        assert ontology.value(HV[name], HV.releaseYear) == Literal(year, datatype=XSD.integer), name
    for name in ("Linux", "OtherOS"):
        assert ontology.value(HV[name], HV.releaseYear) is None


def test_json_ld_context_file_is_built_from_the_ontology(ontology: Graph) -> None:
    on_disk = json.loads((ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8"))
    assert on_disk == build_context(ontology), "run: .venv/bin/python scripts/build_context.py"


def test_context_coerces_objects_enumerations_and_literals() -> None:
    context = json.loads((ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert context["runsOn"] == {"@id": "hv:runsOn", "@type": "@id"}
    assert context["tier"] == {"@id": "hv:tier", "@type": "@vocab"}
    assert context["virtualProcessorCount"] == {"@id": "hv:virtualProcessorCount", "@type": "xsd:integer"}
    assert context["lastRestoreTestDate"] == {"@id": "hv:lastRestoreTestDate", "@type": "xsd:date"}
    assert context["@vocab"] == str(HV)
    assert context["label"] == "rdfs:label"


def test_ontology_terms_only_use_the_hv_namespace_for_declared_terms(ontology: Graph) -> None:
    declared = {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef)}
    used = {t for triple in ontology for t in triple if isinstance(t, URIRef) and str(t).startswith(str(HV))}
    assert used - declared == set()

