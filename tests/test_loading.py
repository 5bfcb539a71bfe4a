"""Safe loading: four formats, offline JSON-LD context, clear syntax errors, refusals and limits."""

from __future__ import annotations

import json

import pytest

from advisor.config import Settings
from advisor.errors import LimitExceededError, RDFSyntaxError, RefusedInputError, UnsupportedFormatError
from advisor.loading import RdfFormat, format_from_media_type, format_from_name, parse_bytes

HV = "https://w3id.org/hv-advisor/ontology#"
TURTLE = b"""@prefix hv: <https://w3id.org/hv-advisor/ontology#> .
<https://example.org/vm1> a hv:VirtualMachine ; hv:runsOn <https://example.org/hv01> .
"""


def _terms(graph) -> set[tuple[str, str, str]]:
    return {(t.subject.value, t.predicate.value, t.object.value) for t in graph.triples}


def test_the_same_graph_in_four_formats() -> None:
    ntriples = (
        b"<https://example.org/vm1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <" + HV.encode()
        + b"VirtualMachine> .\n<https://example.org/vm1> <" + HV.encode() + b"runsOn> <https://example.org/hv01> .\n"
    )
    rdfxml = f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:hv="{HV}">
  <hv:VirtualMachine rdf:about="https://example.org/vm1"><hv:runsOn rdf:resource="https://example.org/hv01"/></hv:VirtualMachine>
</rdf:RDF>""".encode()
    jsonld = json.dumps({
        "@context": ["https://w3id.org/hv-advisor/context.jsonld", {"ex": "https://example.org/"}],
        "@id": "ex:vm1", "@type": "VirtualMachine", "runsOn": "ex:hv01",
    }).encode()
    expected = _terms(parse_bytes(TURTLE, RdfFormat.TURTLE))
    assert len(expected) == 2
    assert _terms(parse_bytes(ntriples, RdfFormat.N_TRIPLES)) == expected
    assert _terms(parse_bytes(rdfxml, RdfFormat.RDF_XML)) == expected
    assert _terms(parse_bytes(jsonld, RdfFormat.JSON_LD)) == expected


def test_json_ld_context_types_values_and_keeps_misspelt_keys() -> None:
    document = {
        "@context": ["https://w3id.org/hv-advisor/context.jsonld", {"ex": "https://example.org/"}],
        "@id": "ex:vm1", "@type": "VirtualMachine", "label": "VM 1", "tier": "Production",
        "virtualProcessorCount": 8, "runOn": "ex:hv01",
    }
    graph = parse_bytes(json.dumps(document).encode(), RdfFormat.JSON_LD)
    triples = {(t.predicate.value, str(t.object)) for t in graph.triples}
    assert (HV + "tier", f"<{HV}Production>") in triples
    assert (HV + "virtualProcessorCount", '"8"^^<http://www.w3.org/2001/XMLSchema#integer>') in triples
    assert (HV + "runOn", '"ex:hv01"') in triples  # kept, for DQ-001 to report
    assert ("http://www.w3.org/2000/01/rdf-schema#label", '"VM 1"') in triples


@pytest.mark.parametrize("context", [
    "https://example.com/context.jsonld",
    "http://127.0.0.1:9/context.jsonld",
    "file:///etc/passwd",
    "/etc/passwd",
    "context.jsonld",
])
def test_any_other_remote_or_local_context_is_refused(context: str) -> None:
    document = json.dumps({"@context": context, "@id": "https://example.org/a", "p": 1}).encode()
    with pytest.raises(RefusedInputError) as refused:
        parse_bytes(document, RdfFormat.JSON_LD)
    assert "only the advisor's own context" in refused.value.message


def test_context_import_is_refused() -> None:
    document = json.dumps({"@context": {"@import": "https://example.com/c.jsonld"}, "@id": "https://example.org/a"})
    with pytest.raises(RefusedInputError, match="@import"):
        parse_bytes(document.encode(), RdfFormat.JSON_LD)


def test_turtle_syntax_error_has_line_and_column() -> None:
    with pytest.raises(RDFSyntaxError) as error:
        parse_bytes(b'@prefix ex: <https://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "open', RdfFormat.TURTLE)
    assert error.value.line == 3
    assert error.value.column is not None
    assert "line 3" in error.value.message


def test_json_syntax_error_has_line_and_column() -> None:
    with pytest.raises(RDFSyntaxError) as error:
        parse_bytes(b'{\n  "@id": "https://example.org/a",\n  "x": }', RdfFormat.JSON_LD)
    assert (error.value.line, error.value.column) == (3, 8)


@pytest.mark.parametrize(
    ("document", "found"),
    [
        (b"null", "its top level is null"),
        (b"5", "its top level is a number"),
        (b'"x"', "its top level is a string"),
        (b"true", "its top level is a boolean"),
        (b'[{"@id": "https://example.org/a"}, 1]', "item 2 of its top-level array is a number"),
        (b"[[]]", "item 1 of its top-level array is an array"),
    ],
)
def test_json_that_is_no_json_ld_document_is_a_syntax_error(document: bytes, found: str) -> None:
    with pytest.raises(RDFSyntaxError) as error:
        parse_bytes(document, RdfFormat.JSON_LD)
    assert error.value.message == (
        f"not a JSON-LD document: {found}; a JSON-LD document is an object or an array of objects"
    )


def test_an_object_or_an_array_of_objects_is_a_json_ld_document() -> None:
    node = {"@id": "https://example.org/vm1", "@type": HV + "VirtualMachine"}
    assert len(parse_bytes(json.dumps([node, node]).encode(), RdfFormat.JSON_LD).triples) == 1
    assert len(parse_bytes(json.dumps(node).encode(), RdfFormat.JSON_LD).triples) == 1
    assert len(parse_bytes(b"[]", RdfFormat.JSON_LD).triples) == 0


def test_rdf_xml_document_type_declaration_is_refused_before_parsing() -> None:
    laughs = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>"""
    with pytest.raises(RefusedInputError, match="document type declaration"):
        parse_bytes(laughs, RdfFormat.RDF_XML)


def test_limits_on_size_triples_literals_and_nesting() -> None:
    small = Settings(max_body_bytes=100, max_triples=1, max_literal_length=5, max_nesting_depth=10)
    with pytest.raises(LimitExceededError) as error:
        parse_bytes(TURTLE, RdfFormat.TURTLE, settings=small.model_copy(update={"max_body_bytes": 10}))
    assert error.value.limit == "max_body_bytes"
    with pytest.raises(LimitExceededError) as error:
        parse_bytes(TURTLE, RdfFormat.TURTLE, settings=small.model_copy(update={"max_body_bytes": 10_000}))
    assert error.value.limit == "max_triples"
    long_literal = b'<https://example.org/a> <https://example.org/p> "abcdefgh" .'
    with pytest.raises(LimitExceededError) as error:
        parse_bytes(long_literal, RdfFormat.N_TRIPLES, settings=small.model_copy(update={"max_body_bytes": 10_000}))
    assert error.value.limit == "max_literal_length"
    deep = ('{"@id": "https://example.org/a", "https://example.org/p": ' * 50 + "1" + "}" * 50).encode()
    with pytest.raises(LimitExceededError) as error:
        parse_bytes(deep, RdfFormat.JSON_LD, settings=small.model_copy(update={"max_body_bytes": 10_000}))
    assert error.value.limit == "max_nesting_depth"


def test_json_nested_far_beyond_the_parser_stack_is_a_limit_error() -> None:
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    with pytest.raises(LimitExceededError):
        parse_bytes(deep, RdfFormat.JSON_LD, settings=Settings(max_body_bytes=1_000_000))


def test_formats_from_names_and_media_types() -> None:
    assert format_from_name("env.ttl") is RdfFormat.TURTLE
    assert format_from_name("env.JSONLD") is RdfFormat.JSON_LD
    assert format_from_media_type("application/ld+json; charset=utf-8") is RdfFormat.JSON_LD
    with pytest.raises(UnsupportedFormatError):
        format_from_name("env.docx")
    with pytest.raises(UnsupportedFormatError):
        format_from_media_type("application/pdf")
