"""Oxigraph's RDF terms as rdflib's, for the parts that work on rdflib graphs (the knowledge base, pySHACL)."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def rdflib_term(
    term: ox.NamedNode | ox.BlankNode | ox.Literal, *, normalize: bool | None = None
) -> URIRef | BNode | Literal:
    """The same term in rdflib. A plain string has no datatype, as rdflib's own parsers make it; `normalize`
    is rdflib's (None: its default, False: a literal keeps its text whatever its datatype)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=normalize)
