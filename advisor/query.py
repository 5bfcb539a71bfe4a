"""Read-only SPARQL over one environment graph with the ontology loaded (so class hierarchy queries work).

The query runs on a fresh in-memory Oxigraph store. The checks are the service's (advisor.sparql):
`SERVICE` (which would reach the network) and updates are refused before the query is parsed.
Results are cut at the settings' row limit.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field

import pyoxigraph as ox

from advisor.config import Settings, get_settings
from advisor.findings import short_name
from advisor.knowledge import KnowledgeBase, knowledge_base
from advisor.loading import ParsedGraph
from advisor.namespaces import PREFIXES
from advisor.pipeline import Options, validation_store
from advisor.sparql import QueryFailedError, inspect_query, on_large_stack, syntax_error

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


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
    settings: Settings | None = None,
) -> ox.Store:
    """The data and the ontology; with `derived`, the store a validation scans (advisor.pipeline): also the
    validation context and the derived facts every rule shares (hvs:protectedBy, hvs:atSite, ...)."""
    kb = kb or knowledge_base()
    if derived:
        return validation_store(graph, Options(as_of=as_of), settings or get_settings(), kb)
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in graph.triples)
    store.extend(kb.ontology_quads)
    return store


def run_query(store: ox.Store, query: str, settings: Settings | None = None) -> QueryResult:
    """Run a read-only query; the advisor's prefixes (hv:, hvs:, rdfs:, ...) are predeclared."""
    settings = settings or get_settings()
    inspect_query(query)
    try:  # on a large stack: a long query overflows the usual one inside Oxigraph (see advisor.sparql)
        return on_large_stack(lambda: _collect(store.query(query, prefixes=PREFIXES), settings.sparql_max_results))
    except SyntaxError as error:
        raise syntax_error(error) from None
    except (OSError, RuntimeError) as error:
        raise QueryFailedError(f"the query failed: {error}") from None


def _collect(answer: ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples, limit: int) -> QueryResult:
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
