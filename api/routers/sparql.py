"""GET|POST /v1/sparql: a read-only SPARQL 1.1 Protocol endpoint over every graph of the store.

The default graph is the union of all graphs (environments, findings, metadata, ontology, shapes);
`default-graph-uri` and `named-graph-uri` (or FROM / FROM NAMED) choose another dataset.
"""

from __future__ import annotations

from functools import partial

import anyio
import pyoxigraph as ox
from fastapi import APIRouter, Query, Request, Response

from advisor.errors import InputError, UnsupportedFormatError
from advisor.namespaces import PREFIXES
from advisor.sparql import QueryRefusedError, QueryRequest, QuerySyntaxError, inspect_query, media_types_for
from api.deps import service_of, with_charset
from api.inputs import media_type_of
from api.negotiation import negotiate
from api.openapi import alternatives, problems

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
ANSWER_TYPES = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "text/turtle",
    "application/ld+json",
]
DEFAULT_GRAPHS = Query([], alias="default-graph-uri", description="Graphs whose union is the default graph.")
NAMED_GRAPHS = Query([], alias="named-graph-uri", description="Graphs available to GRAPH patterns.")
UPDATE = Query(None, description="Never accepted: the endpoint is read-only.", include_in_schema=False)
EXAMPLE = (
    "PREFIX hv: <https://w3id.org/hv-advisor/ontology#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "SELECT ?vm ?label WHERE { ?vm a hv:VirtualMachine ; rdfs:label ?label } LIMIT 10"
)
QUERY = Query(None, description="The SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE).", examples=[EXAMPLE])
DESCRIPTION = (
    "A read-only [SPARQL 1.1 Protocol](https://www.w3.org/TR/sparql11-protocol/) endpoint. The default graph is the "
    "union of every graph: environments (`urn:hv-advisor:environment:{id}`), their findings "
    "(`urn:hv-advisor:findings:{id}`), the metadata graph (`urn:hv-advisor:metadata`), the ontology and the shapes. "
    "Updates and `SERVICE` are refused; each query has a time limit and a result limit."
)
_RESULTS = {200: alternatives(ANSWER_TYPES, "Query results, or a graph for CONSTRUCT and DESCRIBE.")}
_GET_RESPONSES = {**_RESULTS, **problems(400, 406, 422, 503)}
_POST_RESPONSES = {**_RESULTS, **problems(400, 406, 413, 415, 422, 503)}  # the body: its size, its media type


def _check_graph_iri(parameter: str, iri: str) -> None:
    """A graph of the dataset is named by an absolute IRI (a name in the store, never fetched)."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        shown = iri if len(iri) <= 200 else iri[:200] + "..."
        raise InputError(f"{parameter} {shown!r} is not an absolute IRI", parameter=parameter) from None


def _refuse_update(request: Request) -> QueryRefusedError:
    service_of(request).metrics.queries.labels("refused").inc()
    return QueryRefusedError("this endpoint is read-only: SPARQL updates are refused", reason="update")


def router() -> APIRouter:
    api = APIRouter(tags=["SPARQL"])

    @api.get(
        "/v1/sparql", summary="Query (GET)", description=DESCRIPTION, response_class=Response, responses=_GET_RESPONSES
    )
    async def sparql_get(
        request: Request,
        query: str | None = QUERY,
        default_graph_uri: list[str] = DEFAULT_GRAPHS,
        named_graph_uri: list[str] = NAMED_GRAPHS,
        update: str | None = UPDATE,
    ) -> Response:
        if update is not None:
            raise _refuse_update(request)
        return await _answer(request, query, default_graph_uri, named_graph_uri)

    @api.post(
        "/v1/sparql",
        summary="Query (POST)",
        description=DESCRIPTION + " Send the query form-encoded (`query=...`) or as the body with Content-Type "
        "`application/sparql-query`.",
        response_class=Response,
        responses=_POST_RESPONSES,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    SPARQL_QUERY: {"schema": {"type": "string"}, "example": EXAMPLE},
                    FORM: {
                        "schema": {
                            "type": "object",
                            "required": ["query"],
                            "properties": {"query": {"type": "string", "example": EXAMPLE}},
                        }
                    },
                },
            }
        },
    )
    async def sparql_post(
        request: Request,
        default_graph_uri: list[str] = DEFAULT_GRAPHS,
        named_graph_uri: list[str] = NAMED_GRAPHS,
    ) -> Response:
        media_type = media_type_of(request)
        if media_type == SPARQL_UPDATE:
            raise _refuse_update(request)
        if media_type == SPARQL_QUERY:
            body = await request.body()
            try:
                query = body.decode("utf-8")
            except UnicodeDecodeError:
                raise QuerySyntaxError("the query is not UTF-8 text") from None
            return await _answer(request, query, default_graph_uri, named_graph_uri)
        if media_type == FORM:
            form = await request.form(max_files=0, max_part_size=service_of(request).settings.max_body_bytes)
            if "update" in form:
                raise _refuse_update(request)
            query = form.get("query")
            defaults = [str(v) for v in form.getlist("default-graph-uri")] or default_graph_uri
            named = [str(v) for v in form.getlist("named-graph-uri")] or named_graph_uri
            return await _answer(request, query if isinstance(query, str) else None, defaults, named)
        raise UnsupportedFormatError(
            f"unsupported media type {media_type or '(none)'!r}: send the query as {FORM} or {SPARQL_QUERY}"
        )

    return api


async def _answer(request: Request, query: str | None, default_graphs: list[str], named_graphs: list[str]) -> Response:
    service = service_of(request)
    if query is None or not query.strip():
        raise QuerySyntaxError("no query: send one in the parameter 'query'")
    settings = service.settings
    check = partial(
        inspect_query, query, max_length=settings.sparql_max_query_length, max_depth=settings.max_nesting_depth
    )
    try:
        form = await anyio.to_thread.run_sync(check)  # tokenizing a long query takes a while: off the event loop
    except QueryRefusedError:
        service.metrics.queries.labels("refused").inc()
        raise
    media_type = negotiate(request.headers.get("accept"), media_types_for(form))
    for parameter, iris in (("default-graph-uri", default_graphs), ("named-graph-uri", named_graphs)):
        for iri in iris:
            _check_graph_iri(parameter, iri)
    result = await service.query(
        QueryRequest(
            query=query,
            form=form,
            media_type=media_type,
            default_graphs=tuple(default_graphs),
            named_graphs=tuple(named_graphs),
            max_results=service.settings.sparql_max_results,
            prefixes=dict(PREFIXES),
        )
    )
    return Response(result, media_type=with_charset(media_type))
