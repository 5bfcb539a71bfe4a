"""The SHACL validation report of a Report as Oxigraph triples, for the store (no Turtle in between)."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from advisor.render.shacl import report_graph
from advisor.report import Report


def oxigraph_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as the same Oxigraph term (IRI, blank node, literal with its datatype or language)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def shacl_triples(report: Report) -> list[ox.Triple]:
    """What `render_shacl(report)` writes, as triples."""
    return [
        ox.Triple(oxigraph_term(s), oxigraph_term(p), oxigraph_term(o))  # type: ignore[arg-type]
        for s, p, o in report_graph([report])
    ]
