"""Read-only SPARQL for untrusted queries: checks on the query's tokens, and running it within limits.

The checks read the query as the SPARQL grammar's terminals (comments, strings, IRIs, prefixed
names, variables, keywords), so a keyword written inside a comment, a string or an IRI is never
taken for one, and a real keyword cannot hide from the check behind a comment or a line break. A
query that cannot be read that way is refused before it reaches the engine.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import TypeVar

import pyoxigraph as ox

from advisor.config import get_settings, setting_hint
from advisor.errors import InputError, LimitExceededError

# ---------------------------------------------------------------- errors


class QuerySyntaxError(InputError):
    """The query is not well-formed SPARQL; carries line and column where known."""

    code = "query-syntax-error"
    title = "SPARQL syntax error"

    def __init__(self, message: str, line: int | None = None, column: int | None = None, **details: object) -> None:
        super().__init__(message, line=line, column=column, **details)
        self.line = line
        self.column = column


class QueryRefusedError(InputError):
    """The query asks for something the endpoint never does (an update, a federated SERVICE call)."""

    code = "query-refused"
    title = "Query refused"


class QueryFailedError(InputError):
    """The query is well-formed but its evaluation failed."""

    code = "query-failed"
    title = "Query failed"


class ResultLimitError(LimitExceededError):
    """A query would return more rows or triples than the endpoint hands out."""

    code = "result-limit"
    title = "Result limit exceeded"


# ---------------------------------------------------------------- tokens

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"

_TOKEN_PATTERNS: list[tuple[str, str]] = [
    ("space", r"[ \t\r\n]+"),
    ("comment", r"#[^\r\n]*"),
    ("string", r"'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''"),
    ("string", r'"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""'),
    ("string", r"'(?:[^'\\\n\r]|\\.)*'"),
    ("string", r'"(?:[^"\\\n\r]|\\.)*"'),
    ("iri", r"<[^<>\"{}|^`\\\x00-\x20]*>"),
    ("langtag", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?"),
    ("variable", f"[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"),
    ("bnode", f"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"),
    ("pname", f"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
    ("number", r"(?:[0-9]+\.?[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)"),
    ("word", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("punct", r"\^\^|&&|\|\||!=|<=|>=|<<|>>|\{\||\|\}|[{}()\[\],;.=<>!+\-*/^|~?]"),
]
_TOKENS = re.compile("|".join(f"(?P<t{i}>{pattern})" for i, (_, pattern) in enumerate(_TOKEN_PATTERNS)), re.DOTALL)
_KINDS = [kind for kind, _ in _TOKEN_PATTERNS]


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    line: int
    column: int


def tokenize(text: str) -> list[Token]:
    """The query's tokens without spaces and comments; raises QuerySyntaxError where no token fits."""
    tokens: list[Token] = []
    position, line, line_start = 0, 1, 0
    while position < len(text):
        match = _TOKENS.match(text, position)
        if match is None or match.end() == position:
            column = position - line_start + 1
            raise QuerySyntaxError(
                f"syntax error at line {line}, column {column}: unexpected {text[position]!r}", line=line, column=column
            )
        kind = _KINDS[int(match.lastgroup[1:])]  # type: ignore[index]
        value = match.group()
        if kind not in ("space", "comment"):
            tokens.append(Token(kind, value, line, position - line_start + 1))
        newlines = value.count("\n")
        if newlines:
            line += newlines
            line_start = position + value.rindex("\n") + 1
        position = match.end()
    return tokens


# ---------------------------------------------------------------- inspection


class QueryForm(StrEnum):
    SELECT = "SELECT"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"
    ASK = "ASK"

    @property
    def returns_graph(self) -> bool:
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})


def inspect_query(text: str, *, max_length: int | None = None, max_depth: int | None = None) -> QueryForm:
    """The form of a read-only query; refuses updates and SERVICE (anywhere, at any depth), a query longer
    than `max_length` characters and brackets nested deeper than `max_depth` (default: the settings')."""
    settings = get_settings()
    max_length = settings.sparql_max_query_length if max_length is None else max_length
    max_depth = settings.max_nesting_depth if max_depth is None else max_depth
    if len(text) > max_length:
        raise LimitExceededError(
            f"the query has {len(text)} characters, more than the limit of {max_length}; "
            f"raise it with {setting_hint('sparql_max_query_length')}",
            limit="sparql_max_query_length",
            maximum=max_length,
        )
    tokens = tokenize(text)
    _check_depth(tokens, max_depth)
    words = [t for t in tokens if t.kind == "word"]
    for token in words:
        keyword = token.text.upper()
        if keyword == "SERVICE":
            raise QueryRefusedError(
                f"SERVICE (line {token.line}, column {token.column}) is refused: this endpoint never calls "
                "other endpoints, so no query reaches the network",
                reason="service",
                line=token.line,
                column=token.column,
            )
        if keyword in UPDATE_KEYWORDS:
            raise QueryRefusedError(
                f"{keyword} (line {token.line}, column {token.column}) is a SPARQL update: this endpoint is "
                "read-only and refuses every update",
                reason="update",
                line=token.line,
                column=token.column,
            )
    for token in words:
        keyword = token.text.upper()
        if keyword in QueryForm.__members__:
            return QueryForm(keyword)
        if keyword not in ("BASE", "PREFIX"):
            break
    raise QuerySyntaxError("the query must be a SELECT, CONSTRUCT, DESCRIBE or ASK query")


_OPENING = frozenset({"{", "(", "[", "<<", "{|"})
_CLOSING = frozenset({"}", ")", "]", ">>", "|}"})


def _check_depth(tokens: list[Token], max_depth: int) -> None:
    """Refuse brackets nested deeper than `max_depth`: Oxigraph's query parser recurses once per level."""
    depth = 0
    for token in tokens:
        if token.kind != "punct":
            continue
        if token.text in _OPENING:
            depth += 1
            if depth > max_depth:
                raise LimitExceededError(
                    f"the query nests brackets deeper than the limit of {max_depth} (max_nesting_depth), "
                    f"at line {token.line}, column {token.column}",
                    limit="max_nesting_depth",
                    maximum=max_depth,
                )
        elif token.text in _CLOSING:
            depth = max(0, depth - 1)


def syntax_error(error: SyntaxError) -> QuerySyntaxError:
    """Oxigraph's parse error as a QuerySyntaxError with line and column."""
    message = str(error.args[0]) if error.args else str(error)
    match = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        return QuerySyntaxError(f"syntax error at line {line}, column {column}: {match.group(3)}", line, column)
    return QuerySyntaxError(f"syntax error: {message}")


# ---------------------------------------------------------------- result formats

RESULT_MEDIA_TYPES: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/xml": ox.QueryResultsFormat.XML,
}
BOOLEAN_MEDIA_TYPES = ("application/sparql-results+json", "application/sparql-results+xml", "application/json")
GRAPH_MEDIA_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}


def media_types_for(form: QueryForm) -> list[str]:
    """The media types a query of this form can be answered in, the default first."""
    if form.returns_graph:
        return list(GRAPH_MEDIA_TYPES)
    if form is QueryForm.ASK:
        return list(BOOLEAN_MEDIA_TYPES)
    return list(RESULT_MEDIA_TYPES)


# ---------------------------------------------------------------- running


@dataclass(frozen=True)
class QueryRequest:
    """One query with its protocol dataset and the answer's media type (picked by negotiation)."""

    query: str
    form: QueryForm
    media_type: str
    max_results: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    prefixes: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _open_read_only(path: str) -> ox.Store:
    return ox.Store.read_only(path)


def run_on_snapshot(path: str, request: QueryRequest) -> bytes:
    """Run one query on the read-only store at `path` (a snapshot no process writes to)."""
    return on_large_stack(run_query, _open_read_only(path), request)


QUERY_STACK_BYTES = 512 * 1024 * 1024
_T = TypeVar("_T")


def on_large_stack(function: Callable[..., _T], *arguments: object) -> _T:
    """`function(*arguments)` in a thread with a large stack, for a caller with no other threads (a worker, the
    command line). Oxigraph parses and evaluates a query recursively: a long chain (thousands of joins, BINDs,
    UNIONs or operators, well within the length limit) overflows the usual 8 MiB stack and kills the process.
    The stack is reserved, not used: only the pages a query touches take memory."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = function(*arguments)
        except BaseException as error:
            outcome["error"] = error

    previous = threading.stack_size(QUERY_STACK_BYTES)
    try:
        thread = threading.Thread(target=target, name="advisor-query", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def names_dataset(query: str) -> bool:
    """True if the query has FROM or FROM NAMED: its own dataset, not the union of every graph."""
    return any(token.kind == "word" and token.text.upper() == "FROM" for token in tokenize(query))


def dataset_of(query: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The graphs of the query's FROM and FROM NAMED clauses (prefixed names resolved): what the protocol's
    default-graph-uri and named-graph-uri say for a store that would not read them from the query."""
    tokens = tokenize(query)
    prefixes: dict[str, str] = {}
    defaults: list[str] = []
    named: list[str] = []
    for index, token in enumerate(tokens):
        following = tokens[index + 1 : index + 4]
        if token.kind == "word" and token.text.upper() == "PREFIX" and len(following) >= 2:
            prefixes[following[0].text[:-1]] = following[1].text[1:-1]
        if token.kind != "word" or token.text.upper() != "FROM" or not following:
            continue
        target = named if following[0].kind == "word" and following[0].text.upper() == "NAMED" else defaults
        graph = following[1] if target is named and len(following) > 1 else following[0]
        if graph.kind == "iri":
            target.append(graph.text[1:-1])
        elif graph.kind == "pname":
            prefix, _, local = graph.text.partition(":")
            target.append(prefixes.get(prefix, "") + local)
    return tuple(defaults), tuple(named)


def run_query(store: ox.Store, request: QueryRequest) -> bytes:
    """Evaluate one checked query and serialize the answer, refusing it past max_results."""
    options: dict = {} if names_dataset(request.query) else {"use_default_graph_as_union": True}
    if request.default_graphs or request.named_graphs:
        options = {
            "default_graph": [ox.NamedNode(iri) for iri in request.default_graphs] or ox.DefaultGraph(),
            "named_graphs": [ox.NamedNode(iri) for iri in request.named_graphs],
        }
    try:
        results = store.query(request.query, **options)
    except SyntaxError as error:
        raise syntax_error(error) from None
    try:
        if request.form.returns_graph:
            return _graph_answer(results, request)
        if request.form is QueryForm.ASK:
            return results.serialize(format=RESULT_MEDIA_TYPES[request.media_type])
        return _solutions_answer(results, request)
    except RuntimeError as error:
        raise QueryFailedError(f"the query failed: {error}") from None


def _too_many(maximum: int, what: str) -> ResultLimitError:
    return ResultLimitError(
        f"the query returns more than {maximum} {what}: add a LIMIT, or narrow it down "
        f"(the limit is {setting_hint('sparql_max_results')})",
        limit="sparql_max_results",
        maximum=maximum,
    )


def _graph_answer(triples, request: QueryRequest) -> bytes:
    collected: list[ox.Triple] = []
    for triple in triples:
        collected.append(triple)
        if len(collected) > request.max_results:
            raise _too_many(request.max_results, "triples")
    return ox.serialize(collected, format=GRAPH_MEDIA_TYPES[request.media_type], prefixes=request.prefixes or None)


class _RowCounter:
    """A write-only file for TSV results that gives up once it has seen more rows than allowed."""

    def __init__(self, max_rows: int) -> None:
        self.max_lines = max_rows + 1  # the header line
        self.lines = 0
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        data = bytes(data)
        self.lines += data.count(b"\n")
        self.chunks.append(data)
        if self.lines > self.max_lines:
            raise ResultLimitError("too many rows", limit="sparql_max_results", maximum=self.max_lines - 1)
        return len(data)

    def flush(self) -> None:
        """Nothing is buffered here."""


def _solutions_answer(solutions, request: QueryRequest) -> bytes:
    """Stream the rows as TSV (one line per row, every term exact) and stop past the limit, then convert."""
    counter = _RowCounter(request.max_results)
    try:
        solutions.serialize(counter, format=ox.QueryResultsFormat.TSV)
    except ResultLimitError:
        raise _too_many(request.max_results, "rows") from None
    except RuntimeError as error:
        raise QueryFailedError(f"the query failed: {error}") from None
    if counter.lines > counter.max_lines:
        raise _too_many(request.max_results, "rows")
    tsv = b"".join(counter.chunks)
    target = RESULT_MEDIA_TYPES[request.media_type]
    if target is ox.QueryResultsFormat.TSV:
        return tsv
    return ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(format=target)
