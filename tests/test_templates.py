"""The predicates of a derivation's CONSTRUCT template, read with Oxigraph's Turtle parser, equal rdflib's reading."""

from __future__ import annotations

import pytest

from advisor.engine.templates import _parsed_template_predicates, _template_as_turtle, template_predicates

PREFIXES = """PREFIX hv: <https://w3id.org/hv-advisor/ontology#>
PREFIX hvs: <https://w3id.org/hv-advisor/shapes#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX : <urn:example:>
"""
HVS = "https://w3id.org/hv-advisor/shapes#"

READ_BY_TURTLE = {
    "one triple, no final dot": ("CONSTRUCT { ?s hvs:name ?n } WHERE { ?s rdfs:label ?n }", {f"{HVS}name"}),
    "semicolons, commas and a": (
        "CONSTRUCT { $this hvs:isA ?c ; a hv:X , hv:Y . ?c :p ?o . } WHERE { $this a ?c . ?c :p ?o }",
        {f"{HVS}isA", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "urn:example:p"},
    ),
    "a variable predicate is no predicate IRI": ("CONSTRUCT { ?s ?p ?o . ?s hvs:atSite ?o } WHERE { ?s ?p ?o }",
                                                 {f"{HVS}atSite"}),
    "a blank node's properties": ("CONSTRUCT { ?s hvs:limit [ hvs:max 4 ; rdfs:label ?l ] } WHERE { ?s rdfs:label ?l }",
                                  {f"{HVS}limit", f"{HVS}max", "http://www.w3.org/2000/01/rdf-schema#label"}),
    "a string holding a brace and a variable": (
        'CONSTRUCT { ?s rdfs:label "} ?not a variable {" ; hvs:name \'$neither\' } WHERE { ?s a hv:X }',
        {"http://www.w3.org/2000/01/rdf-schema#label", f"{HVS}name"},
    ),
    "an IRI holding a question mark": ("CONSTRUCT { ?s <urn:example:p?q=1> ?o } WHERE { ?s :p ?o }",
                                       {"urn:example:p?q=1"}),
    "a full IRI with a fragment": (f"CONSTRUCT {{ ?s <{HVS}protectedBy> ?j }} WHERE {{ ?j hv:protects ?s }}",
                                   {f"{HVS}protectedBy"}),
    "an empty template": ("CONSTRUCT { } WHERE { ?s ?p ?o }", set()),
}

READ_BY_RDFLIB = {
    "CONSTRUCT WHERE": "CONSTRUCT WHERE { ?s hvs:name ?n }",
    "a long string": 'CONSTRUCT { ?s rdfs:label """two\nlines""" } WHERE { ?s a hv:X }',
    "a comment": "CONSTRUCT { ?s hvs:name ?n # a { brace\n } WHERE { ?s rdfs:label ?n }",
}


@pytest.mark.parametrize("name", READ_BY_TURTLE)
def test_a_template_is_read_as_turtle_as_rdflib_reads_it(name: str) -> None:
    query, expected = READ_BY_TURTLE[name]
    assert _template_as_turtle(PREFIXES + query) is not None
    assert template_predicates(PREFIXES + query) == expected == _parsed_template_predicates(PREFIXES + query)


@pytest.mark.parametrize("name", READ_BY_RDFLIB)
def test_a_template_turtle_cannot_read_safely_is_read_by_rdflib(name: str) -> None:
    query = PREFIXES + READ_BY_RDFLIB[name]
    assert _template_as_turtle(query) is None
    assert template_predicates(query) == _parsed_template_predicates(query)


def test_a_named_graph_in_a_template_is_left_to_rdflib() -> None:
    """SPARQL 1.1 has no GRAPH in a CONSTRUCT template; rdflib's parser says so, as it did before."""
    query = "CONSTRUCT { GRAPH :g { ?s hvs:name ?n } } WHERE { ?s rdfs:label ?n }"
    assert _template_as_turtle(PREFIXES + query) is None


def test_every_derivation_of_the_catalog_is_read_as_turtle_as_rdflib_reads_it(kb) -> None:
    for derivation in kb.plan.derivations:
        assert _template_as_turtle(derivation.query) is not None, derivation.shape
        assert derivation.predicates == _parsed_template_predicates(derivation.query), derivation.shape
