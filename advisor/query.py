"""Read-only SPARQL over one environment graph with the ontology loaded (so class hierarchy queries work).

The query runs on a fresh in-memory Oxigraph store. `SERVICE` (which would reach the network) and
updates are refused before the query is parsed; results are cut at the settings' row limit.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from advisor.config import Settings, get_settings
from advisor.errors import InputError, RefusedInputError
from advisor.findings import short_name
from advisor.knowledge import KnowledgeBase, knowledge_base
from advisor.loading import ParsedGraph
from advisor.namespaces import PREFIXES
from advisor.validation import RuleParameters, build_store

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

# Strings, IRIs and comments, which may contain any word; what is left holds the keywords.
_OPAQUE = re.compile(
    r"'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|"(?:[^"\\\n]|\\.)*"'
    r'|<[^<>"{}|^`\\\s]*>'
    r"|#[^\n]*",
    re.DOTALL,
)
_PROLOGUE = re.compile(r'^\s*(?:(?:PREFIX\s+[^\s:]*:\s*|BASE\s*)""\s*)*', re.IGNORECASE)
_UPDATE_START = re.compile(
    r"(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)(?![\w:-])",
    re.IGNORECASE,
)
_SERVICE = re.compile(r"(?<![\w:?$.\-\\%])SERVICE(?![\w:-])", re.IGNORECASE)
_POSITION = re.compile(r"^error at (\d+):(\d+): ")


def _keywords_only(query: str) -> str:
    """The query with strings, IRIs and comments blanked out."""
    return _OPAQUE.sub(lambda m: " " if m.group(0).startswith("#") else '""', query)


def check_query(query: str) -> None:
    """Refuse what a read-only, offline query must never do."""
    bare = _keywords_only(query)
    if _UPDATE_START.match(bare, _PROLOGUE.match(bare).end()):  # type: ignore[union-attr]
        raise RefusedInputError("SPARQL updates are refused: use SELECT, ASK, CONSTRUCT or DESCRIBE")
    if _SERVICE.search(bare):
        raise RefusedInputError("SPARQL SERVICE is refused: queries never reach other endpoints")


@dataclass
class QueryResult:
    """A SELECT (variables and rows), an ASK (boolean) or a CONSTRUCT/DESCRIBE (triples)."""

    kind: str  # select | ask | graph
    variables: list[str] = field(default_factory=list)
    rows: list[list[Term | None]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False


def query_store(
    graph: ParsedGraph,
    *,
    kb: KnowledgeBase | None = None,
    derived: bool = False,
    as_of: dt.date | None = None,
    parameters: RuleParameters | None = None,
) -> ox.Store:
    """The data and the ontology; with `derived`, also the validation context and the derived facts
    every rule shares (hvs:protectedBy, hvs:atSite, ...)."""
    kb = kb or knowledge_base()
    if derived:
        store = build_store(graph, kb, as_of or dt.date.today(), parameters or RuleParameters())
        for derivation in kb.plan.derivations:
            store.extend([ox.Quad(t.subject, t.predicate, t.object) for t in store.query(derivation.query)])
        return store
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in graph.triples)
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in kb.ontology_triples)
    return store


def run_query(store: ox.Store, query: str, settings: Settings | None = None) -> QueryResult:
    """Run a read-only query; the advisor's prefixes (hv:, hvs:, rdfs:, ...) are predeclared."""
    settings = settings or get_settings()
    check_query(query)
    limit = settings.sparql_max_results
    try:
        answer = store.query(query, prefixes=PREFIXES)
    except SyntaxError as error:
        message = str(error)
        match = _POSITION.match(message)
        if match:
            line, column = int(match.group(1)), int(match.group(2))
            detail = message[match.end() :]
            raise InputError(
                f"SPARQL syntax error at line {line}, column {column}: {detail}", line=line, column=column
            ) from None
        raise InputError(f"SPARQL syntax error: {message}") from None
    except OSError as error:
        raise InputError(f"the query failed: {error}") from None
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows: list[list[Term | None]] = []
        for solution in answer:
            if len(rows) == limit:
                return QueryResult(kind="select", variables=variables, rows=rows, truncated=True)
            rows.append([solution[name] for name in variables])
        return QueryResult(kind="select", variables=variables, rows=rows)
    triples: list[ox.Triple] = []
    for triple in answer:
        if len(triples) == limit:
            return QueryResult(kind="graph", triples=triples, truncated=True)
        triples.append(triple)
    return QueryResult(kind="graph", triples=triples)


# ---------------------------------------------------------------- output


def plain(term: Term | None) -> str:
    """A term as text: the IRI, a literal's lexical form, _:id for a blank node, empty when unbound."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def compact(term: Term | None) -> str:
    """A term for a person: known namespaces shortened (hv:VirtualMachine)."""
    if isinstance(term, ox.NamedNode):
        return short_name(term.value)
    return plain(term)


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 CSV results: a header of variable names, then one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
    else:
        writer.writerow(result.variables)
        writer.writerows([plain(term) for term in row] for row in result.rows)
    return buffer.getvalue()


def _json_term(term: Term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        body: dict = {"type": "literal", "value": term.value}
        if term.language:
            body["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            body["datatype"] = term.datatype.value
        return body
    return {"type": "triple", "value": str(term)}


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.kind == "ask":
        body: dict = {"head": {}, "boolean": result.boolean}
    else:
        bindings = [
            {name: _json_term(term) for name, term in zip(result.variables, row, strict=True) if term is not None}
            for row in result.rows
        ]
        body = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def to_turtle(result: QueryResult) -> str:
    if not result.triples:
        return ""
    return ox.serialize(result.triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode("utf-8")
