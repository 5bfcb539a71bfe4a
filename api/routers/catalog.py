"""The rule catalog and the vocabulary: rules as JSON, ontology and shapes as RDF, the JSON-LD context."""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import FileResponse

from advisor.catalog import Rule
from advisor.errors import NotFoundError
from advisor.knowledge import knowledge_base
from advisor.resources import context_file
from api.deps import RDF_MEDIA_TYPES, rdf_media_type, serialize_rdf, with_charset
from api.openapi import alternatives, problems
from api.service import knowledge_graphs

RULE_ID = Path(description="A rule id such as COV-001 (case does not matter).", max_length=32)


def router() -> APIRouter:
    api = APIRouter(tags=["Catalog"])

    @api.get("/v1/rules", summary="List the rules", response_model=list[Rule])
    async def list_rules() -> list[Rule]:
        return list(knowledge_base().catalog.values())

    @api.get("/v1/rules/{rule_id}", summary="One rule", response_model=Rule, responses=problems(404))
    async def get_rule(rule_id: str = RULE_ID) -> Rule:
        rule = knowledge_base().rule(rule_id)
        if rule is None:
            raise NotFoundError(f"no rule {rule_id!r}: GET /v1/rules lists them")
        return rule

    rdf = {200: alternatives(list(RDF_MEDIA_TYPES), "The graph, in the RDF syntax Accept asks for."), **problems(406)}

    @api.get("/v1/ontology", summary="The ontology", response_class=Response, responses=rdf)
    async def ontology(request: Request) -> Response:
        return await _graph(request, 0)

    @api.get("/v1/shapes", summary="The rule shapes (SHACL)", response_class=Response, responses=rdf)
    async def shapes(request: Request) -> Response:
        return await _graph(request, 1)

    @api.get(
        "/context.jsonld",
        summary="The JSON-LD context",
        description="The context graph authors name as https://w3id.org/hv-advisor/context.jsonld.",
        response_class=FileResponse,
        responses={200: alternatives(["application/ld+json"], "The JSON-LD context.")},
    )
    async def context() -> FileResponse:
        return FileResponse(context_file(), media_type="application/ld+json")

    return api


async def _graph(request: Request, which: int) -> Response:
    media_type = rdf_media_type(request)
    triples = (await anyio.to_thread.run_sync(knowledge_graphs))[which]
    body = await anyio.to_thread.run_sync(serialize_rdf, triples, media_type)
    return Response(body, media_type=with_charset(media_type))
