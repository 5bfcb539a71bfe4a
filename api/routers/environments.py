"""Environments: stored graphs, each validated on every change, with their latest findings (reads never write)."""

from __future__ import annotations

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.params import Depends

from advisor.loading import RdfFormat
from api.authors import author_of
from api.deps import (
    RDF_MEDIA_TYPES,
    extras_for,
    rdf_media_type,
    report_media_type,
    report_response,
    serialize_rdf,
    service_of,
    with_charset,
)
from api.inventory import graph_or_inventory, with_inventory
from api.negotiation import negotiate
from api.openapi import alternatives, graph_request_body, problems
from api.params import AS_OF, FORMAT, IsoDate
from api.schemas import EnvironmentList, EnvironmentSummary, ReportContract

HTML = "text/html"
ENVIRONMENT_ID = Path(description="The environment's id, as assigned when it was created.", max_length=64)
NAME = Query(None, description="A name for the environment (default: the uploaded file's name).")


def router(report_media_types: list[str], write_guard: list[Depends]) -> APIRouter:
    api = APIRouter(prefix="/v1/environments", tags=["Environments"])

    @api.post(
        "",
        status_code=201,
        summary="Create an environment from a graph",
        description="Validates the graph and stores it, with its findings, as a new environment. The answer's "
        "`Location` header is the new environment's address. The graph may also be imported from an inventory "
        "(docs/import.md).",
        openapi_extra=with_inventory(graph_request_body()),
        response_model=EnvironmentSummary,
        responses=problems(400, 401, 406, 413, 415, 422, 503),
        dependencies=write_guard,
    )
    async def create_environment(
        request: Request,
        response: Response,
        name: str | None = NAME,
        as_of: IsoDate | None = AS_OF,
        fmt: RdfFormat | None = FORMAT,
    ) -> EnvironmentSummary:
        service = service_of(request)
        negotiate(request.headers.get("accept"), ["application/json"])
        document = await graph_or_inventory(request, service.settings, fmt)
        environment = await service.create_environment(document, name, as_of, author_of(request))
        response.headers["Location"] = f"/v1/environments/{environment.id}"
        return EnvironmentSummary.of(environment)

    @api.get(
        "",
        summary="List environments",
        description="Every environment with its name, size, last validation and findings by severity.",
        response_model=EnvironmentList,
    )
    async def list_environments(request: Request) -> EnvironmentList:
        environments = await service_of(request).environments()
        return EnvironmentList(environments=[EnvironmentSummary.of(e) for e in environments])

    @api.get(
        "/{environment_id}",
        summary="Get an environment's graph",
        description="The graph as stored, in the RDF syntax `Accept` asks for (Turtle by default).",
        response_class=Response,
        responses={200: alternatives(list(RDF_MEDIA_TYPES), "The environment's graph."), **problems(404, 406)},
    )
    async def get_environment(request: Request, environment_id: str = ENVIRONMENT_ID) -> Response:
        media_type = rdf_media_type(request)
        triples = await service_of(request).environment_graph(environment_id)
        return Response(serialize_rdf(triples, media_type), media_type=with_charset(media_type))

    @api.put(
        "/{environment_id}",
        summary="Replace an environment's graph",
        description="Validates the new graph and replaces the old one and its findings in one transaction: a "
        "reader sees the old graph or the new one, never a mix.",
        openapi_extra=with_inventory(graph_request_body()),
        response_model=EnvironmentSummary,
        responses=problems(400, 401, 404, 406, 413, 415, 422, 503),
        dependencies=write_guard,
    )
    async def replace_environment(
        request: Request,
        environment_id: str = ENVIRONMENT_ID,
        name: str | None = NAME,
        as_of: IsoDate | None = AS_OF,
        fmt: RdfFormat | None = FORMAT,
    ) -> EnvironmentSummary:
        service = service_of(request)
        negotiate(request.headers.get("accept"), ["application/json"])
        await service.environment(environment_id)
        document = await graph_or_inventory(request, service.settings, fmt)
        environment = await service.replace_environment(environment_id, document, name, as_of, author_of(request))
        return EnvironmentSummary.of(environment)

    @api.delete(
        "/{environment_id}",
        status_code=204,
        summary="Delete an environment",
        response_class=Response,
        responses=problems(401, 404),
        dependencies=write_guard,
    )
    async def delete_environment(request: Request, environment_id: str = ENVIRONMENT_ID) -> Response:
        await service_of(request).delete_environment(environment_id)
        return Response(status_code=204)

    @api.get(
        "/{environment_id}/findings",
        summary="An environment's findings",
        description="Validates the current graph (as of the given date, default today) and answers with the report "
        "in the format `Accept` asks for. A read: nothing is recorded (`POST .../validate` records).",
        response_class=Response,
        responses={
            200: alternatives(report_media_types, "The validation report.", ReportContract),
            **problems(404, 406, 503),
        },
    )
    async def environment_findings(
        request: Request, environment_id: str = ENVIRONMENT_ID, as_of: IsoDate | None = AS_OF
    ) -> Response:
        service = service_of(request)
        media_type = report_media_type(request)
        stored = await service.environment_findings(environment_id, as_of, extras=extras_for(media_type))
        return await report_response(request, stored.report, media_type, stored.text)

    @api.post(
        "/{environment_id}/validate",
        summary="Re-validate an environment and record its findings",
        description="Validates the current graph as of the given date (default today), keeps the result as the "
        "environment's latest findings (its findings graph and the summary's `as_of`, `last_validated`, `counts`) "
        "and answers with the report in the format `Accept` asks for.",
        response_class=Response,
        responses={
            200: alternatives(report_media_types, "The validation report, as recorded.", ReportContract),
            **problems(401, 404, 406, 503),
        },
        dependencies=write_guard,
    )
    async def revalidate_environment(
        request: Request, environment_id: str = ENVIRONMENT_ID, as_of: IsoDate | None = AS_OF
    ) -> Response:
        service = service_of(request)
        media_type = report_media_type(request)
        stored = await service.revalidate_environment(environment_id, as_of, extras=extras_for(media_type))
        return await report_response(request, stored.report, media_type, stored.text)

    @api.get(
        "/{environment_id}/report",
        summary="An environment's HTML report",
        description="The environment's findings (as of the given date, default today) as one self-contained HTML "
        "page. A read: nothing is recorded.",
        response_class=Response,
        responses={200: alternatives([HTML], "The HTML report."), **problems(404, 503)},
    )
    async def environment_report(
        request: Request, environment_id: str = ENVIRONMENT_ID, as_of: IsoDate | None = AS_OF
    ) -> Response:
        service = service_of(request)
        stored = await service.environment_findings(environment_id, as_of, extras=extras_for(HTML))
        history = await service.history(environment_id)
        body = await service.render(stored.report, HTML, stored.text, history=history)
        return Response(body, media_type=with_charset(HTML))

    return api
