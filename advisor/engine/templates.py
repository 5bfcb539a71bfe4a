"""The predicates a CONSTRUCT query's template states, read without a SPARQL parser in Python.

A template is a block of triple patterns in Turtle's syntax, with variables. With its variables written as
IRIs of their own and the query's PREFIX declarations as Turtle prefixes, Oxigraph's Turtle parser reads it
in microseconds; rdflib's SPARQL parser (pyparsing) took 0.4 s of every process's start for the derivations.
A template this reading may get wrong (a long string, a comment, a GRAPH block, a brace left open) or that
Turtle does not accept falls back to rdflib's parser.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

_PREFIX = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_CONSTRUCT = re.compile(r"\bCONSTRUCT\s*\{", re.IGNORECASE)
# What the template is scanned for: strings and IRIs (kept as they are, whatever they hold), variables, braces,
# and what sends the template to rdflib (long strings, comments).
_LEXEME = re.compile(
    r"(?P<fallback>\"\"\"|'''|#)"
    r"|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|<[^<>\"{}|^`\\\s]*>"
    r"|[?$](?P<variable>[A-Za-z_]\w*)"
    r"|(?P<brace>[{}])"
)
_GRAPH = re.compile(r"\bGRAPH\b", re.IGNORECASE)
_VARIABLE_IRI = "urn:x-template-variable:"


def template_predicates(query: str) -> frozenset[str]:
    """The IRIs in predicate position of a CONSTRUCT query's template."""
    template = _template_as_turtle(query)
    if template is None:
        return _parsed_template_predicates(query)
    prefixes = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in _PREFIX.findall(query))
    try:
        triples = [quad.triple for quad in ox.parse(prefixes + template, format=ox.RdfFormat.TURTLE)]
    except SyntaxError:
        return _parsed_template_predicates(query)
    return frozenset(t.predicate.value for t in triples if not t.predicate.value.startswith(_VARIABLE_IRI))


def _template_as_turtle(query: str) -> str | None:
    """The template between `CONSTRUCT {` and its closing brace, its variables written as IRIs and a final dot
    added; None where it cannot be read so (`CONSTRUCT WHERE`, a long string, a comment, a GRAPH block)."""
    start = _CONSTRUCT.search(query)
    if start is None:
        return None
    pieces, depth, position = [], 1, start.end()
    for lexeme in _LEXEME.finditer(query, start.end()):
        if lexeme.group("fallback"):
            return None
        pieces.append(query[position : lexeme.start()])
        position = lexeme.end()
        if lexeme.group("variable"):
            pieces.append(f"<{_VARIABLE_IRI}{lexeme.group('variable')}>")
        elif lexeme.group("brace") == "{":
            depth += 1
            pieces.append("{")
        elif lexeme.group("brace") == "}":
            depth -= 1
            if depth == 0:
                template = "".join(pieces).strip()
                if _GRAPH.search(template):
                    return None
                return template if not template or template.endswith(".") else template + " ."
            pieces.append("}")
        else:
            pieces.append(lexeme.group())
    return None


def _parsed_template_predicates(query: str) -> frozenset[str]:
    """The same, read by rdflib's SPARQL parser (slow to import and to run, but it reads any query)."""
    from rdflib import URIRef
    from rdflib.plugins.sparql import prepareQuery

    template = prepareQuery(query).algebra["template"] or ()
    return frozenset(str(p) for _, p, _ in template if isinstance(p, URIRef))
