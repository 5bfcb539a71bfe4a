"""POST /v1/validate: validate one graph, answer with its report in the format Accept asks for."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from advisor.loading import RdfFormat
from api.deps import extras_for, report_media_type, report_response, service_of
from api.inputs import read_graph
from api.inventory import origins, read_inventory_graph, with_inventory
from api.openapi import alternatives, graph_request_body, problems
from api.params import AS_OF, FORMAT, IsoDate
from api.schemas import ReportContract


def router(report_media_types: list[str]) -> APIRouter:
    api = APIRouter(tags=["Validation"])

    @api.post(
        "/v1/validate",
        summary="Validate an environment graph",
        description="Validates the graph against every rule and answers with the report, in the format the "
        "`Accept` header names: the JSON report contract (`application/json`, the default), a SHACL validation "
        "report (`text/turtle`, `application/ld+json`), SARIF, HTML, Markdown, CSV and more. Nothing is stored.",
        openapi_extra=with_inventory(graph_request_body()),
        responses={
            200: alternatives(report_media_types, "The validation report.", ReportContract),
            **problems(400, 406, 413, 415, 422, 503),
        },
    )
    async def validate_graph(
        request: Request, as_of: IsoDate | None = AS_OF, fmt: RdfFormat | None = FORMAT
    ) -> Response:
        service = service_of(request)
        media_type = report_media_type(request)
        inventory = await read_inventory_graph(request, service.settings)
        document = inventory[0] if inventory is not None else await read_graph(request, service.settings, fmt)
        checked = await service.check(document, as_of, extras=extras_for(media_type))
        if inventory is not None:  # findings point at the inventory file and line of their object
            checked.report.origins = origins(inventory[1])
        return await report_response(request, checked.report, media_type, document.text())

    return api
