"""Hostile documents and queries, each pointing its remote references at a tripwire or a canary file."""

from __future__ import annotations

import json

from advisor.namespaces import CONTEXT_IRI

HV = "https://w3id.org/hv-advisor/ontology#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
ONE_VM_TURTLE = f"""@prefix hv: <{HV}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/vm1> a hv:VirtualMachine ; rdfs:label "VM1" .
"""


def json_ld(context: object, **extra: object) -> bytes:
    return json.dumps(
        {"@context": context, "@id": "https://example.org/vm1", "@type": "VirtualMachine", **extra}
    ).encode()


# ---------------------------------------------------------------- JSON-LD contexts


def remote_context(url: str) -> bytes:
    return json_ld(url)


def remote_context_after_ours(url: str) -> bytes:
    return json_ld([CONTEXT_IRI, url])


def remote_context_in_a_nested_node(url: str) -> bytes:
    inner = {"@context": url, "@id": "https://example.org/vm2", "label": "VM2"}
    return json.dumps({"@context": CONTEXT_IRI, "@graph": [inner]}).encode()


def remote_scoped_context(url: str) -> bytes:
    return json_ld([CONTEXT_IRI, {"tagged": {"@id": "https://example.org/tagged", "@context": url}}])


def context_import(url: str) -> bytes:
    return json_ld([CONTEXT_IRI, {"@import": url}])


def base_iri(uri: str) -> bytes:
    """A base IRI names things; it is never fetched."""
    return json_ld([CONTEXT_IRI, {"@base": uri}], label="VM1", runsOn={"@id": "host"})


# ---------------------------------------------------------------- Turtle


def owl_imports(*targets: str) -> bytes:
    imports = ", ".join(f"<{target}>" for target in targets)
    return (
        ONE_VM_TURTLE + f"<https://example.org/estate> a <http://www.w3.org/2002/07/owl#Ontology> ;\n"
        f"    <http://www.w3.org/2002/07/owl#imports> {imports} .\n"
    ).encode()


def turtle_base(uri: str) -> bytes:
    return f"@base <{uri}> .\n@prefix hv: <{HV}> .\n<vm1> a hv:VirtualMachine ; hv:runsOn <host> .\n".encode()


# ---------------------------------------------------------------- RDF/XML


def _rdf_xml(prolog: str, body: str = "&x;") -> bytes:
    return (
        f'<?xml version="1.0"?>\n{prolog}\n<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
        f'<rdf:Description rdf:about="https://example.org/vm1"><rdfs:label>{body}</rdfs:label></rdf:Description>'
        "</rdf:RDF>\n"
    ).encode()


def external_entity(uri: str) -> bytes:
    return _rdf_xml(f'<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "{uri}">]>')


def external_entity_utf16(uri: str) -> bytes:
    return (
        _rdf_xml(f'<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "{uri}">]>')
        .decode()
        .replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
        .encode("utf-16")
    )


def external_dtd(uri: str) -> bytes:
    return _rdf_xml(f'<!DOCTYPE rdf:RDF SYSTEM "{uri}">', body="VM1")


def parameter_entity(uri: str) -> bytes:
    return _rdf_xml(f'<!DOCTYPE rdf:RDF [<!ENTITY % p SYSTEM "{uri}"> %p;]>', body="VM1")


def billion_laughs() -> bytes:
    """About 700 bytes that expand to a thousand million 'lol's in a parser that expands entities."""
    entities = ['<!ENTITY l0 "lol">'] + [f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)]
    return _rdf_xml(f"<!DOCTYPE rdf:RDF [{''.join(entities)}]>", body="&l9;")


def xml_base(uri: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:hv="{HV}" xml:base="{uri}">'
        '<hv:VirtualMachine rdf:about="vm1"><hv:runsOn rdf:resource="host"/></hv:VirtualMachine></rdf:RDF>\n'
    ).encode()


def stylesheet_and_xinclude(url: str, uri: str) -> bytes:
    """A processing instruction naming a stylesheet and an XInclude: RDF/XML gives neither a meaning."""
    return (
        f'<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" href="{url}"?>\n'
        f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:hv="{HV}" xmlns:xi="http://www.w3.org/2001/XInclude">'
        f'<hv:VirtualMachine rdf:about="https://example.org/vm1"><hv:notes><xi:include href="{uri}" parse="text"/>'
        "</hv:notes></hv:VirtualMachine></rdf:RDF>\n"
    ).encode()


# ---------------------------------------------------------------- SPARQL


def service_queries(url: str) -> dict[str, str]:
    """SERVICE wherever the grammar allows it, spelt every way a check might miss."""
    return {
        "plain": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "silent-variable": "SELECT * WHERE { BIND(<" + url + "> AS ?e) SERVICE SILENT ?e { ?s ?p ?o } }",
        "lower-case": f"select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
        "optional": f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?x }} }} }}",
        "sub-select": f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        "exists": f"ASK {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "minus": f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "union": f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "after-comment": f"SELECT * WHERE {{ ?s ?p ?o . # SERVICE in a comment\nSERVICE <{url}> {{ ?s ?p ?o }} }}",
        "construct": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "describe": f"DESCRIBE ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    }


def dataset_queries(url: str, uri: str) -> dict[str, str]:
    """FROM, FROM NAMED and GRAPH name graphs of the store; none of them is ever fetched."""
    return {
        "from": f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        "from-named": f"SELECT * FROM NAMED <{uri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "graph": f"SELECT * WHERE {{ GRAPH <{url}> {{ ?s ?p ?o }} }}",
        "describe-iri": f"DESCRIBE <{url}>",
    }


def update_queries(url: str) -> dict[str, str]:
    return {
        "load": f"LOAD <{url}>",
        "load-silent-into": f"LOAD SILENT <{url}> INTO GRAPH <urn:x>",
        "insert-after-select": f"SELECT * WHERE {{ ?s ?p ?o }} ; LOAD <{url}>",
    }
