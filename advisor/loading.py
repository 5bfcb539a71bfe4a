"""Safe loading: bytes in one of four RDF formats -> triples, offline, within limits.

Nothing here reaches the network or the file system: Oxigraph's parsers never fetch; a JSON-LD
document naming the advisor's context IRI (directly or through `@import`) gets the bundled copy, and any
other remote or relative context or `@import` is refused; every document is first read as UTF-8 or UTF-16
(advisor/encoding.py); RDF/XML with a document type declaration is refused before parsing.
Nesting is measured before Oxigraph sees a document (JSON, Turtle and N-Triples brackets, XML elements):
its parsers recurse per level and crash, or slow down without bound, thousands of levels deep.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from xml.parsers import expat

import pyoxigraph as ox

from advisor.config import Settings, get_settings, setting_hint
from advisor.encoding import utf8_bytes, xml_utf8_bytes
from advisor.errors import InputError, LimitExceededError, RDFSyntaxError, RefusedInputError, UnsupportedFormatError
from advisor.namespaces import CONTEXT_IRI
from advisor.resources import context_file

DEFAULT_BASE_IRI = "urn:hv-advisor:document:"


class RdfFormat(StrEnum):
    """Input formats the advisor reads."""

    TURTLE = "turtle"
    JSON_LD = "json-ld"
    N_TRIPLES = "n-triples"
    RDF_XML = "rdf-xml"

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES_BY_FORMAT[self]

    @property
    def oxigraph(self) -> ox.RdfFormat:
        return _OXIGRAPH_FORMATS[self]


_OXIGRAPH_FORMATS = {
    RdfFormat.TURTLE: ox.RdfFormat.TURTLE,
    RdfFormat.JSON_LD: ox.RdfFormat.JSON_LD,
    RdfFormat.N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    RdfFormat.RDF_XML: ox.RdfFormat.RDF_XML,
}
_MEDIA_TYPES_BY_FORMAT = {
    RdfFormat.TURTLE: "text/turtle",
    RdfFormat.JSON_LD: "application/ld+json",
    RdfFormat.N_TRIPLES: "application/n-triples",
    RdfFormat.RDF_XML: "application/rdf+xml",
}
MEDIA_TYPES = {media: fmt for fmt, media in _MEDIA_TYPES_BY_FORMAT.items()} | {
    "application/x-turtle": RdfFormat.TURTLE,
    "text/n3": RdfFormat.TURTLE,
    "text/plain": RdfFormat.N_TRIPLES,
    "application/json": RdfFormat.JSON_LD,
    "application/xml": RdfFormat.RDF_XML,
    "text/xml": RdfFormat.RDF_XML,
}
EXTENSIONS = {
    ".ttl": RdfFormat.TURTLE,
    ".turtle": RdfFormat.TURTLE,
    ".jsonld": RdfFormat.JSON_LD,
    ".json": RdfFormat.JSON_LD,
    ".nt": RdfFormat.N_TRIPLES,
    ".ntriples": RdfFormat.N_TRIPLES,
    ".rdf": RdfFormat.RDF_XML,
    ".owl": RdfFormat.RDF_XML,
    ".xml": RdfFormat.RDF_XML,
}
FORMAT_NAMES = {fmt.value: fmt for fmt in RdfFormat} | {
    "ttl": RdfFormat.TURTLE,
    "jsonld": RdfFormat.JSON_LD,
    "nt": RdfFormat.N_TRIPLES,
    "ntriples": RdfFormat.N_TRIPLES,
    "xml": RdfFormat.RDF_XML,
    "rdfxml": RdfFormat.RDF_XML,
}


def format_from_name(name: str) -> RdfFormat:
    """The format of a file by its extension."""
    suffix = Path(name).suffix.lower()
    if suffix not in EXTENSIONS:
        known = ", ".join(sorted(EXTENSIONS))
        raise UnsupportedFormatError(f"cannot tell the RDF format of {Path(name).name!r}: known extensions are {known}")
    return EXTENSIONS[suffix]


def format_from_media_type(media_type: str) -> RdfFormat:
    base = media_type.split(";", 1)[0].strip().lower()
    if base not in MEDIA_TYPES:
        known = ", ".join(_MEDIA_TYPES_BY_FORMAT.values())
        raise UnsupportedFormatError(f"unsupported media type {base!r}: send one of {known}")
    return MEDIA_TYPES[base]


def format_from_label(label: str) -> RdfFormat:
    """The format from a user-given name such as 'turtle', 'ttl', 'json-ld' or a media type."""
    key = label.strip().lower()
    if key in FORMAT_NAMES:
        return FORMAT_NAMES[key]
    if "/" in key:
        return format_from_media_type(key)
    raise UnsupportedFormatError(f"unknown RDF format {label!r}: use one of {', '.join(f.value for f in RdfFormat)}")


class ParsedGraph:
    """The triples of one input document, ready for validation.

    Parsing loads the document straight into an Oxigraph store (no Python object per triple); the first
    validation takes that store over instead of copying it. `triples` is read back from the document only
    when something asks for it, in document order and without duplicates.
    """

    def __init__(
        self,
        triples: list[ox.Triple] | None = None,
        format: RdfFormat = RdfFormat.TURTLE,
        source: str | None = None,
        *,
        store: ox.Store | None = None,
        document: bytes | None = None,
        count: int | None = None,
    ) -> None:
        if triples is None and document is None:
            triples = []
        self.format = format
        self.source = source
        self._triples = triples
        self._document = document
        self._store = store
        self._count = count if count is not None else len(triples or [])
        self._lock = threading.Lock()

    @property
    def triples(self) -> list[ox.Triple]:
        with self._lock:
            if self._triples is None:
                assert self._document is not None
                quads = ox.parse(self._document, format=self.format.oxigraph, base_iri=DEFAULT_BASE_IRI)
                self._triples = list(dict.fromkeys(quad.triple for quad in quads))
            return self._triples

    def ntriples(self) -> bytes:
        """The graph as N-Triples, written from the store it was parsed into while that is still here (no Python
        object per triple), else from its triples."""
        with self._lock:
            store = self._store
        if store is not None:
            return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        return ox.serialize(self.triples, format=ox.RdfFormat.N_TRIPLES)

    def take_store(self) -> ox.Store:
        """A store holding exactly this graph's triples in its default graph, for the caller to own and change.

        The first call hands over the store the document was parsed into; later calls build a new one.
        """
        with self._lock:
            store, self._store = self._store, None
        if store is not None:
            return store
        store = ox.Store()
        if self._triples is None and self._document is not None:
            store.load(self._document, format=self.format.oxigraph, base_iri=DEFAULT_BASE_IRI)
        else:
            store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in self.triples)
        return store

    def __len__(self) -> int:
        return self._count


@dataclass(frozen=True)
class SizeLimit:
    """The largest input accepted, the limit's name (the `limit` of the error) and what raises it."""

    maximum: int
    limit: str = "max_body_bytes"
    raised_by: str = field(default_factory=lambda: setting_hint("max_body_bytes"))

    @classmethod
    def of(cls, settings: Settings) -> SizeLimit:
        """The service's limit: the setting max_body_bytes."""
        return cls(settings.max_body_bytes)

    def error(self, what: str, size: int, verb: str = "is") -> LimitExceededError:
        return LimitExceededError(
            f"{what} {verb} {size} bytes, more than the limit of {self.maximum} bytes; raise it with {self.raised_by}",
            limit=self.limit,
            maximum=self.maximum,
        )


def parse_bytes(
    data: bytes,
    fmt: RdfFormat,
    *,
    source: str | None = None,
    settings: Settings | None = None,
    size_limit: SizeLimit | None = None,
) -> ParsedGraph:
    """Parse one document safely; raises RDFSyntaxError, RefusedInputError or LimitExceededError.

    `size_limit` is the largest document accepted (default: the setting max_body_bytes).
    """
    settings = settings or get_settings()
    size_limit = size_limit or SizeLimit.of(settings)
    if len(data) > size_limit.maximum:
        raise size_limit.error("the document", len(data))
    name = f"{Path(source).name}: the file" if source else "the document"
    if fmt is RdfFormat.JSON_LD:
        data = _prepare_json_ld(utf8_bytes(data, source=name), settings, size_limit)
    elif fmt is RdfFormat.RDF_XML:
        _refuse_document_type_declaration(data)
        data = xml_utf8_bytes(data, source=name)
        _refuse_document_type_declaration(data)
        _check_xml_depth(data, source, settings)
    else:
        data = utf8_bytes(data, source=name)
        _check_bracket_depth(data, settings)
    store = ox.Store()
    try:
        store.load(data, format=fmt.oxigraph, base_iri=DEFAULT_BASE_IRI)
    except SyntaxError as error:
        raise _syntax_error(error, source) from None
    count = len(store)
    if count > settings.max_triples:
        raise LimitExceededError(
            f"the graph has more than {settings.max_triples} triples; raise it with {setting_hint('max_triples')}",
            limit="max_triples",
            maximum=settings.max_triples,
        )
    _check_literal_lengths(data, fmt, store, settings)
    return ParsedGraph(format=fmt, source=source, store=store, document=data, count=count)


def parse_file(
    path: Path, fmt: RdfFormat | None = None, settings: Settings | None = None, size_limit: SizeLimit | None = None
) -> ParsedGraph:
    """Parse one local file; `size_limit` as for parse_bytes (the CLI gives its own, see --max-bytes)."""
    fmt = fmt or format_from_name(path.name)
    settings = settings or get_settings()
    size_limit = size_limit or SizeLimit.of(settings)
    data = read_file(path, size_limit)
    return parse_bytes(data, fmt, source=str(path), settings=settings, size_limit=size_limit)


def read_file(path: Path, size_limit: SizeLimit) -> bytes:
    """The bytes of a local file, refused by its size before it is read when larger than the limit."""
    size = path.stat().st_size
    if size > size_limit.maximum:
        raise size_limit.error(f"{path.name}: the file", size)
    return path.read_bytes()


def _check_literal_lengths(data: bytes, fmt: RdfFormat, store: ox.Store, settings: Settings) -> None:
    """Refuse a literal longer than the limit, without looking at every triple when the text rules it out.

    A literal's characters come from one stretch of the document at least as many bytes long; in Turtle and
    N-Triples only a long string (triple quotes) spans lines, so short lines and no long strings are proof.
    """
    limit = settings.max_literal_length
    if len(data) <= limit:
        return
    single_lines = fmt in (RdfFormat.TURTLE, RdfFormat.N_TRIPLES) and b'"""' not in data and b"'''" not in data
    if single_lines and max(map(len, data.split(b"\n"))) <= limit:
        return
    query = "SELECT (MAX(STRLEN(STR(?o))) AS ?longest) WHERE { ?s ?p ?o . FILTER (isLiteral(?o)) }"
    longest = next(iter(store.query(query)))["longest"]
    if longest is not None and int(longest.value) > limit:
        raise LimitExceededError(
            f"a literal of {longest.value} characters is longer than the limit of {limit}; "
            f"raise it with {setting_hint('max_literal_length')}",
            limit="max_literal_length",
            maximum=limit,
        )


_POSITION = re.compile(r"line (\d+)(?:,)? (?:between )?columns? (\d+)")


def _syntax_error(error: SyntaxError, source: str | None) -> RDFSyntaxError:
    message = str(error.args[0]) if error.args else str(error)
    line, column = error.lineno, error.offset
    if line is None:
        match = _POSITION.search(message)
        if match:
            line, column = int(match.group(1)), int(match.group(2))
    where = f" at line {line}, column {column}" if line is not None else ""
    detail = re.sub(r"^Parser error at line \d+ (between columns \d+ and \d+|column \d+): ", "", message)
    name = f"{Path(source).name}: " if source else ""
    return RDFSyntaxError(f"{name}syntax error{where}: {detail}", line=line, column=column)


def _nesting_error(settings: Settings, what: str = "the JSON document") -> LimitExceededError:
    return LimitExceededError(
        f"{what} is nested deeper than the limit of {settings.max_nesting_depth}; "
        f"raise it with {setting_hint('max_nesting_depth')} (at most 500)",
        limit="max_nesting_depth",
        maximum=settings.max_nesting_depth,
    )


# ---------------------------------------------------------------- RDF/XML

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
DOCTYPE_REFUSED = (
    "RDF/XML with a document type declaration (<!DOCTYPE or <!ENTITY) is refused: "
    "entities can read local files or expand without bound"
)


def _refuse_document_type_declaration(data: bytes) -> None:
    if _DOCTYPE.search(data) or _DOCTYPE.search(data.replace(b"\x00", b"")):
        raise RefusedInputError(DOCTYPE_REFUSED)


def _check_xml_depth(data: bytes, source: str | None, settings: Settings) -> None:
    """Read the document once with expat before Oxigraph does: refuse a document type declaration (again, now
    as the XML parser sees it) and elements nested deeper than the limit (Oxigraph's RDF/XML parser slows
    down with the square of the depth). A document that is not well-formed XML is a syntax error."""
    limit = settings.max_nesting_depth
    depth = 0

    def start(*_: object) -> None:
        nonlocal depth
        depth += 1
        if depth > limit:
            raise _nesting_error(settings, "the XML document")

    def end(*_: object) -> None:
        nonlocal depth
        depth -= 1

    def refuse(*_: object) -> None:
        raise RefusedInputError(DOCTYPE_REFUSED)

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        name = f"{Path(source).name}: " if source else ""
        line, column = error.lineno, error.offset + 1
        raise RDFSyntaxError(
            f"{name}syntax error at line {line}, column {column}: {expat.ErrorString(error.code)}",
            line=line,
            column=column,
        ) from None


# ---------------------------------------------------------------- Turtle and N-Triples

# The tokens of Turtle and N-Triples that may hold a bracket which does not nest (strings, IRIs, comments,
# escaped characters in names), as the grammar defines them; then the brackets that nest: [ ] blank nodes,
# ( ) collections, << >> and <<( )>> triple terms, {| |} annotations.
_UNNESTED = [
    rb'"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""',
    rb"'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''",
    rb'"(?:[^"\\\n\r]|\\.)*"',
    rb"'(?:[^'\\\n\r]|\\.)*'",
    rb"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>",
    rb"#[^\n\r]*",
    rb"\\.",
]
_BRACKETS = re.compile(
    b"(" + b"|".join(_UNNESTED) + rb")|(<<|\{\||[\[(])|(>>|\|\}|[\])])",
    re.DOTALL,
)


def _check_bracket_depth(data: bytes, settings: Settings) -> None:
    """Refuse Turtle or N-Triples nested deeper than the limit: Oxigraph crashes on triple terms nested some
    thousands deep. Only a document with more brackets than the limit allows is read token by token."""
    limit = settings.max_nesting_depth
    if sum(data.count(bracket) for bracket in (b"[", b"(", b"<<", b"{|")) <= limit:
        return
    depth = 0
    for match in _BRACKETS.finditer(data):
        if match.lastindex == 2:
            depth += 1
            if depth > limit:
                raise _nesting_error(settings, "the document")
        elif match.lastindex == 3:
            depth = max(0, depth - 1)


# ---------------------------------------------------------------- JSON-LD


@lru_cache(maxsize=1)
def bundled_context() -> dict:
    """The advisor's JSON-LD context object (the value of its top-level @context)."""
    return json.loads(context_file().read_text(encoding="utf-8"))["@context"]


def _prepare_json_ld(data: bytes, settings: Settings, size_limit: SizeLimit) -> bytes:
    """Check nesting depth, resolve the advisor's context from the bundle, refuse any other remote context."""
    try:
        document = json.loads(data)
    except RecursionError:
        raise _nesting_error(settings) from None
    except UnicodeDecodeError as error:
        raise RDFSyntaxError(f"JSON-LD must be UTF-8: {error.reason}") from None
    except json.JSONDecodeError as error:
        raise RDFSyntaxError(
            f"syntax error at line {error.lineno}, column {error.colno}: {error.msg}",
            line=error.lineno,
            column=error.colno,
        ) from None
    except ValueError:  # an integer longer than Python converts
        raise InputError(
            f"the JSON-LD document has a number of more than {sys.get_int_max_str_digits()} digits"
        ) from None
    _check_top_level(document)
    _check_depth(document, settings)
    resolver = _ContextResolver()
    try:
        resolved = resolver.node(document)
    except RecursionError:
        raise _nesting_error(settings) from None
    _check_context_copies(len(data), resolver.copies, size_limit)
    return json.dumps(resolved).encode("utf-8")


_JSON_TYPES = {type(None): "null", bool: "a boolean", int: "a number", float: "a number", str: "a string"}


def _check_top_level(document: object) -> None:
    """A JSON-LD document is an object or an array of objects (JSON-LD 1.1, section 9): `null`, `5` or `"x"` is
    no graph, though the parser would read each as an empty one."""
    items = document if isinstance(document, list) else [document]
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            where = f"item {position + 1} of its top-level array" if isinstance(document, list) else "its top level"
            raise RDFSyntaxError(
                f"not a JSON-LD document: {where} is {_JSON_TYPES.get(type(item), 'an array')}; "
                "a JSON-LD document is an object or an array of objects"
            )


def _check_context_copies(size: int, copies: int, size_limit: SizeLimit) -> None:
    """Each reference to the advisor's context becomes a copy of it: beyond the first, the copies count
    against the size limit, or a few bytes per reference would grow into gigabytes."""
    context_size = len(json.dumps(bundled_context()))
    expanded = size + max(0, copies - 1) * context_size
    if expanded > size_limit.maximum:
        raise size_limit.error(
            f"the JSON-LD document names the advisor's context {copies} times; with the context in place of "
            "each it",
            expanded,
            verb="would be",
        )


def _check_depth(document: object, settings: Settings) -> None:
    stack: list[tuple[object, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > settings.max_nesting_depth:
            raise _nesting_error(settings)
        if isinstance(node, dict):
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)


class _ContextResolver:
    """Puts the bundled context in place of each reference to the advisor's context IRI, counting them."""

    def __init__(self) -> None:
        self.copies = 0

    def node(self, node: object) -> object:
        if isinstance(node, list):
            return [self.node(item) for item in node]
        if not isinstance(node, dict):
            return node
        return {key: (self.context(value) if key == "@context" else self.node(value)) for key, value in node.items()}

    def context(self, value: object) -> object:
        if isinstance(value, list):
            return [self.context(item) for item in value]
        if isinstance(value, str):
            if value.rstrip("#") == CONTEXT_IRI:
                self.copies += 1
                return bundled_context()
            shown = value if len(value) <= 200 else value[:200] + "..."
            raise RefusedInputError(
                f"the JSON-LD context {shown!r} is refused: only the advisor's own context "
                f"{CONTEXT_IRI} (served from the bundled copy) or an inline context object may be used"
            )
        if isinstance(value, dict):
            if "@import" in value:
                value = self.imported(value)
            return {k: (self.context(v) if k == "@context" else self.node(v)) for k, v in value.items()}
        return value

    def imported(self, value: dict) -> dict:
        """A context that `@import`s the advisor's context: the bundled copy, overridden by the local terms."""
        target = value["@import"]
        if not isinstance(target, str) or target.rstrip("#") != CONTEXT_IRI:
            shown = repr(target if not isinstance(target, str) or len(target) <= 200 else target[:200] + "...")
            raise RefusedInputError(
                f"a JSON-LD context with @import of {shown} is refused: contexts are never fetched, and only "
                f"the advisor's own context {CONTEXT_IRI} (served from the bundled copy) may be imported"
            )
        self.copies += 1
        return bundled_context() | {k: v for k, v in value.items() if k != "@import"}
