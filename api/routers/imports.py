"""POST /v1/import: inventory documents in, the graph of the hv: vocabulary out, in the RDF syntax Accept asks for."""

from __future__ import annotations

import copy

from fastapi import APIRouter, Request, Response

from advisor.errors import InputError
from advisor.importers.collector import MEDIA_TYPE
from api.deps import RDF_MEDIA_TYPES, rdf_media_type, serialize_rdf, service_of, with_charset
from api.inputs import MULTIPART
from api.inventory import (
    INVENTORY_BODY,
    INVENTORY_FIELD,
    OVERLAY_FIELD,
    import_request,
    inventory_example,
    read_inventory,
    with_inventory,
)
from api.openapi import alternatives, graph_request_body, problems

WARNINGS_HEADER = "X-Import-Warnings"


def _request_body() -> dict:
    """Only the inventory forms of with_inventory(): the collector's document, or inventory and overlay files."""
    extra = with_inventory(graph_request_body())
    content = extra["requestBody"]["content"]
    form = copy.deepcopy(content[MULTIPART]["schema"])
    form["properties"] = {k: v for k, v in form["properties"].items() if k in (INVENTORY_FIELD, OVERLAY_FIELD)}
    form.pop("anyOf", None)
    form["required"] = [INVENTORY_FIELD]
    return {
        "requestBody": {
            "required": True,
            "description": f"The collector's document (or one cmdlet export) as {MEDIA_TYPE}, or inventory files "
            "and overlays as multipart/form-data.",
            "content": {MEDIA_TYPE: {"schema": INVENTORY_BODY, "example": inventory_example()},
                        MULTIPART: {"schema": form}},
        }
    }


def router() -> APIRouter:
    api = APIRouter(tags=["Import"])

    @api.post(
        "/v1/import",
        summary="Import an inventory",
        description="Turns inventory documents into a graph of the hv: vocabulary (docs/import.md): the collector's "
        "file, ConvertTo-Json or Export-Csv of the Hyper-V and cluster cmdlets, with overlays. The graph comes in "
        "the RDF syntax `Accept` names (Turtle by default); import warnings are in it (hvs:ImportWarning) and "
        f"counted in the `{WARNINGS_HEADER}` header. Nothing is stored.",
        openapi_extra=_request_body(),
        responses={
            200: {
                **alternatives(list(RDF_MEDIA_TYPES), "The imported graph."),
                "headers": {WARNINGS_HEADER: {"description": "How many import warnings the graph holds.",
                                              "schema": {"type": "integer"}}},
            },
            **problems(400, 406, 413, 415, 422, 503),
        },
    )
    async def import_inventory(request: Request) -> Response:
        service = service_of(request)
        media_type = rdf_media_type(request)
        found = await read_inventory(request, service.settings)
        if found is None:
            raise InputError(
                f"the request carries no inventory: send the collector's document as {MEDIA_TYPE}, or upload "
                f"files in the multipart/form-data field {INVENTORY_FIELD!r}"
            )
        imported = await import_request(request, *found)
        as_is = media_type == "application/n-triples"
        body = imported.ntriples if as_is else serialize_rdf(imported.graph(), media_type)
        headers = {WARNINGS_HEADER: str(imported.warnings)}
        return Response(body, media_type=with_charset(media_type), headers=headers)

    return api
