"""Request-scoped helpers shared by the routers: the service, the API key check, RDF answers."""

from __future__ import annotations

import hmac

import pyoxigraph as ox
from fastapi import Request, Response, Security
from fastapi.security import APIKeyHeader

from advisor.namespaces import PREFIXES
from advisor.pipeline import Extras
from advisor.render import format_for_media_type
from advisor.report import Report
from api.negotiation import negotiate
from api.problems import UnauthorizedError
from api.service import AdvisorService

API_KEY_HEADER = "X-API-Key"
_api_key = APIKeyHeader(name=API_KEY_HEADER, auto_error=False, description="The service's API key, when it has one.")

RDF_MEDIA_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
TEXT_TYPES = ("text/", "application/ld+json", "application/json", "application/sparql-results+json")


def service_of(request: Request) -> AdvisorService:
    return request.app.state.service


def check_api_key(request: Request, key: str | None = Security(_api_key)) -> None:
    """Refuse a request without the configured API key (routes get this only when a key is configured)."""
    expected = service_of(request).settings.api_key
    if expected is None:
        return
    if key is None or not hmac.compare_digest(key.encode("utf-8"), expected.encode("utf-8")):
        raise UnauthorizedError(f"this request needs the header {API_KEY_HEADER} with the service's API key")


def with_charset(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith(TEXT_TYPES) else media_type


def rdf_media_type(request: Request) -> str:
    """The RDF syntax the request accepts (Turtle by default); NotAcceptableError if none."""
    return negotiate(request.headers.get("accept"), list(RDF_MEDIA_TYPES))


def serialize_rdf(triples: list[ox.Triple], media_type: str) -> bytes:
    return ox.serialize(triples, format=RDF_MEDIA_TYPES[media_type], prefixes=PREFIXES)


def report_media_type(request: Request) -> str:
    """The report format the request accepts (the JSON contract by default); NotAcceptableError if none."""
    return negotiate(request.headers.get("accept"), service_of(request).report_media_types())


async def report_response(request: Request, report: Report, media_type: str, source_text: str | None) -> Response:
    """The report rendered in the negotiated media type; `source_text` is what its line numbers refer to."""
    body = await service_of(request).render(report, media_type, source_text)
    return Response(body, media_type=with_charset(media_type))


def extras_for(media_type: str) -> Extras:
    """What a validation answered in this media type adds to the findings (inventory, blast radius)."""
    return Extras.shown_by(format_for_media_type(media_type))
