"""Pieces of the OpenAPI document: request bodies with a real example per input type, response sets."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from advisor.loading import RdfFormat
from api.inputs import FILE_FIELD, FORMAT_FIELD, MULTIPART, NAME_FIELD
from api.schemas import Problem

EXAMPLES = Path(__file__).resolve().parent / "examples"
_EXAMPLE_FILES = {
    RdfFormat.TURTLE: "environment.ttl",
    RdfFormat.JSON_LD: "environment.jsonld",
    RdfFormat.N_TRIPLES: "environment.nt",
    RdfFormat.RDF_XML: "environment.rdf",
}
# JSON-LD 1.1, section 9: an object, or an array of objects (advisor/loading.py refuses anything else).
JSON_LD_DOCUMENT = {"anyOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}]}
PROBLEM_STATUSES = {
    400: "Syntax error in the graph or query (with line and column), or a refused query.",
    401: "The API key is missing or wrong (only when the service is configured with one).",
    404: "No such resource.",
    406: "None of the media types in Accept is available.",
    413: "The body, or the graph, is larger than a limit.",
    415: "The graph's format is not one the advisor reads.",
    422: "The input is not usable (empty, refused content, invalid parameter).",
    503: "A time limit was hit, or every worker stayed busy.",
}


def example_text(fmt: RdfFormat) -> str:
    return (EXAMPLES / _EXAMPLE_FILES[fmt]).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def graph_request_body() -> dict:
    """The request body of every route that takes a graph: raw in four formats, or a file upload."""
    content: dict = {}
    for fmt in RdfFormat:
        text = example_text(fmt)
        if fmt is RdfFormat.JSON_LD:
            content[fmt.media_type] = {"schema": JSON_LD_DOCUMENT, "example": json.loads(text)}
        else:
            content[fmt.media_type] = {"schema": {"type": "string"}, "example": text}
    content[MULTIPART] = {
        "schema": {
            "type": "object",
            "required": [FILE_FIELD],
            "properties": {
                FILE_FIELD: {
                    "type": "string",
                    "format": "binary",
                    "contentMediaType": "application/octet-stream",
                    "description": "The graph file; its format comes from its extension (.ttl, .jsonld, .nt, .rdf).",
                },
                FORMAT_FIELD: {
                    "type": "string",
                    "enum": [fmt.value for fmt in RdfFormat],
                    "description": "The format, when the file name does not tell.",
                },
                NAME_FIELD: {"type": "string", "description": "A name for the environment (environments only)."},
            },
        }
    }
    return {
        "requestBody": {
            "required": True,
            "description": "The environment graph, as the raw body (its format from Content-Type) or uploaded "
            "as a file (multipart/form-data).",
            "content": content,
        }
    }


def problems(*statuses: int) -> dict[int | str, dict]:
    """Error responses: each an RFC 9457 problem."""
    schema = Problem.model_json_schema()
    return {
        status: {"description": PROBLEM_STATUSES[status], "content": {"application/problem+json": {"schema": schema}}}
        for status in statuses
    }


def guard_responses(guard: list) -> dict[int | str, dict]:
    """The 401 problem of the routes behind the API key check, for `include_router(responses=...)`: none when
    the check is off (no key configured, or reads not protected)."""
    return problems(401) if guard else {}


def problem_validation_errors(document: dict) -> dict:
    """The document with FastAPI's own 422 (application/json, HTTPValidationError) replaced by what the service
    answers: an RFC 9457 problem. Changes `document` in place (and returns it): calling it again changes nothing."""
    problem = problems(422)[422]
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            if "application/json" in responses.get("422", {}).get("content", {}):
                responses["422"] = problem
    schemas = document.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):  # referred to by FastAPI's 422 only
        schemas.pop(unused, None)
    return document


def alternatives(media_types: list[str], description: str, model: type | None = None) -> dict:
    """A 200 response available in several media types (Swagger UI offers them as the Accept header)."""
    response: dict = {"description": description, "content": {media: {} for media in media_types}}
    if model is not None:
        response["model"] = model
    return response
