"""Random and mutated graphs thrown at the loader, the validator and the renderers, and random queries at
the SPARQL checks and engine: every outcome is a report (or an answer) or a clean input error.

Mutations start from the example environment in its four syntaxes and from the sample graphs; they flip,
cut, repeat and splice bytes, and insert the tokens that parsers trip on (brackets, long strings, escapes,
declarations, contexts). Random graphs are made of the vocabulary's own terms and of odd literals, and
written in every syntax. ADVISOR_FUZZ_EXAMPLES raises the number of examples for a longer run.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.errors import AdvisorError, InputError, LimitExceededError, RDFSyntaxError
from advisor.loading import RdfFormat, parse_bytes
from advisor.render import FORMATS, get_format
from advisor.report import Report
from advisor.sparql import QueryForm, QueryRequest, inspect_query, media_types_for, on_large_stack, run_query
from advisor.validation import validate
from tests.api.conftest import EXAMPLES
from tests.conftest import SAMPLES
from tests.fuzz.conftest import FUZZ, examples
from tests.security.documents import HV

AS_OF = dt.date(2026, 11, 25)
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FILES = {".ttl": RdfFormat.TURTLE, ".jsonld": RdfFormat.JSON_LD, ".nt": RdfFormat.N_TRIPLES, ".rdf": RdfFormat.RDF_XML}
SEEDS = [(path.read_bytes(), FILES[path.suffix]) for path in sorted(EXAMPLES.iterdir()) if path.suffix in FILES]
SEEDS += [(path.read_bytes(), FILES[path.suffix]) for path in sorted(SAMPLES.iterdir()) if path.suffix in FILES]
TOKENS = [
    b"[",
    b"]",
    b"(",
    b")",
    b"<<",
    b">>",
    b"<<(",
    b")>>",
    b"{|",
    b"|}",
    b"{",
    b"}",
    b'"""',
    b"'''",
    b'"',
    b"'",
    b"\\",
    b"\\u00",
    b"#",
    b"\n",
    b"@prefix hv: <x> .",
    b"@base <file:///etc/> .",
    b"<",
    b">",
    b"_:b",
    b";",
    b",",
    b".",
    b"^^",
    b"@en",
    b"a",
    b'"@context"',
    b'"@id"',
    b'"@type"',
    b'"@graph"',
    b'"@list"',
    b'"@import"',
    b":",
    b"<!DOCTYPE x>",
    b"<!ENTITY e 'x'>",
    b"&e;",
    b"<![CDATA[",
    b"]]>",
    b"<?xml",
    b'rdf:parseType="Collection"',
    b"\xff",
    b"\x00",
    b"\xef\xbb\xbf",
    b"1e999",
    b"NaN",
    b"9" * 5000,
]
CLEAN_ERRORS = (InputError, LimitExceededError)  # syntax errors, refusals, unsupported formats are InputErrors


@st.composite
def mutated(draw: st.DrawFn) -> tuple[bytes, RdfFormat]:
    data, fmt = draw(st.sampled_from(SEEDS))
    document = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(document)))
        operation = draw(st.sampled_from(["insert", "delete", "flip", "repeat", "truncate"]))
        if operation == "insert":
            document[position:position] = draw(st.sampled_from(TOKENS)) * draw(st.integers(1, 300))
        elif operation == "delete":
            del document[position : position + draw(st.integers(1, 64))]
        elif operation == "flip" and position < len(document):
            document[position] = draw(st.integers(0, 255))
        elif operation == "repeat":
            document[position:position] = document[position : position + draw(st.integers(1, 200))] * draw(
                st.integers(2, 50)
            )
        elif operation == "truncate":
            del document[position:]
    other = draw(st.sampled_from([fmt, fmt, fmt, *RdfFormat]))  # now and then, the wrong parser
    return bytes(document), other


NODES = st.sampled_from(
    [ox.NamedNode(f"https://example.org/n{i}") for i in range(6)] + [ox.BlankNode(f"b{i}") for i in range(3)]
)
PREDICATES = st.sampled_from(
    [
        ox.NamedNode(HV + name)
        for name in (
            "runsOn",
            "memberOfCluster",
            "protects",
            "storesTo",
            "locatedAt",
            "memoryMB",
            "tier",
            "notes",
            "lastRestoreTest",
            "excludedFromBackup",
        )
    ]
    + [
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
    ]
)
CLASSES = st.sampled_from(
    [
        ox.NamedNode(HV + name)
        for name in (
            "VirtualMachine",
            "HyperVHost",
            "Cluster",
            "BackupJob",
            "BackupRepository",
            "Site",
            "Production",
            "NoSuchClass",
        )
    ]
)
LITERALS = st.one_of(
    st.text(max_size=40).map(ox.Literal),
    st.integers(-(10**30), 10**30).map(
        lambda n: ox.Literal(str(n), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    ),
    st.text(max_size=12).map(lambda s: ox.Literal(s, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))),
    st.text(max_size=12).map(
        lambda s: ox.Literal(s, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    ),
    st.text(max_size=12).map(lambda s: ox.Literal(s, language="en")),
)
TRIPLES = st.builds(ox.Triple, NODES, PREDICATES, st.one_of(NODES, CLASSES, LITERALS))
SYNTAXES = {
    RdfFormat.TURTLE: ox.RdfFormat.TURTLE,
    RdfFormat.N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    RdfFormat.RDF_XML: ox.RdfFormat.RDF_XML,
    RdfFormat.JSON_LD: ox.RdfFormat.JSON_LD,
}


def outcome(data: bytes, fmt: RdfFormat) -> Report | AdvisorError:
    """Load, validate and render every report format; a report or a clean input error, nothing else."""
    try:
        report = validate(parse_bytes(data, fmt), as_of=AS_OF)
    except CLEAN_ERRORS as error:
        assert error.message and isinstance(error.message, str)
        if isinstance(error, RDFSyntaxError) and error.line is not None:
            assert error.line >= 1
        return error
    source = data.decode("utf-8", "replace")
    for name in FORMATS:
        rendered = get_format(name).render_one(report, source_text=source)
        assert isinstance(rendered, bytes) and rendered
    json.loads(get_format("json").render_one(report))
    return report


@settings(FUZZ, max_examples=examples(40))
@given(mutated())
def test_mutated_documents_give_a_report_or_a_clean_error(document: tuple[bytes, RdfFormat]) -> None:
    outcome(*document)


@settings(FUZZ, max_examples=examples(25))
@given(st.lists(TRIPLES, max_size=40), st.sampled_from(list(SYNTAXES)))
def test_random_graphs_in_every_syntax_give_a_report(triples: list[ox.Triple], fmt: RdfFormat) -> None:
    data = ox.serialize(triples, format=SYNTAXES[fmt])
    result = outcome(data, fmt)
    if fmt is RdfFormat.RDF_XML and any(not_xml(t.object) for t in triples):
        assert isinstance(result, RDFSyntaxError), result  # Oxigraph writes control characters XML forbids
        return
    assert isinstance(result, Report), result  # a graph Oxigraph wrote is one the advisor reads
    assert result.triples == len(set(triples))


def not_xml(term: object) -> bool:
    """A literal with a character XML 1.0 does not allow (most control characters, U+FFFE, U+FFFF)."""
    return isinstance(term, ox.Literal) and bool(XML_ILLEGAL.search(term.value))


# ---------------------------------------------------------------- SPARQL

QUERY_TOKENS = st.sampled_from(
    [
        "SELECT",
        "ASK",
        "CONSTRUCT",
        "DESCRIBE",
        "WHERE",
        "*",
        "?s",
        "?p",
        "?o",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        ".",
        ";",
        ",",
        "|",
        "^",
        "/",
        "+",
        "!",
        "FILTER",
        "OPTIONAL",
        "UNION",
        "MINUS",
        "BIND",
        "AS",
        "VALUES",
        "GRAPH",
        "SERVICE",
        "LOAD",
        "INSERT",
        "DELETE",
        "EXISTS",
        "NOT",
        "LIMIT",
        "1",
        "'x'",
        '"""y"""',
        "<https://e/p>",
        "hv:runsOn",
        "a",
        "#c\n",
        "COUNT",
        "GROUP",
        "BY",
        "ORDER",
        "PREFIX",
        "ex:",
        "<<",
        ">>",
        "&&",
        "||",
        "=",
        "<",
        "REGEX",
        "STR",
    ]
)
STORE = parse_bytes((EXAMPLES / "environment.nt").read_bytes(), RdfFormat.N_TRIPLES).take_store()


@settings(FUZZ, max_examples=examples(60))
@given(st.one_of(st.lists(QUERY_TOKENS, max_size=40).map(" ".join), st.text(max_size=200)))
def test_random_queries_give_an_answer_or_a_clean_error(text: str) -> None:
    try:
        form = inspect_query(text)
    except CLEAN_ERRORS:
        return
    assert isinstance(form, QueryForm)
    request = QueryRequest(query=text, form=form, media_type=media_types_for(form)[0], max_results=100)
    try:
        answer = on_large_stack(run_query, STORE, request)
    except CLEAN_ERRORS:
        return
    assert isinstance(answer, bytes)
