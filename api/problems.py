"""The one mapping from errors to HTTP: every error is an RFC 9457 problem (application/problem+json).

The body always has `type`, `title`, `status`, `detail`, `code` (stable, machine-readable) and
`instance` (the request path), plus what the error knows: `line` and `column` of a syntax error,
`limit` and `maximum` of a limit. Never a traceback or a file path of the server.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from advisor.errors import (
    AdvisorError,
    InputError,
    KnowledgeBaseError,
    LimitExceededError,
    NotFoundError,
    RDFSyntaxError,
    RefusedInputError,
    TimeLimitError,
    UnsupportedEncodingError,
    UnsupportedFormatError,
)
from advisor.sparql import QueryFailedError, QueryRefusedError, QuerySyntaxError, ResultLimitError
from advisor.store import StoreError, StoreUnavailableError
from api.workers import UnavailableError, WorkerFailedError

log = logging.getLogger("advisor.service")

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://w3id.org/hv-advisor/problems#"


class NotAcceptableError(InputError):
    """No media type the client accepts is one the resource can be answered in."""

    code = "not-acceptable"
    title = "Not acceptable"


class UnauthorizedError(AdvisorError):
    code = "unauthorized"
    title = "API key required"


# Most specific class first: the first match in an error's method resolution order wins.
STATUS_BY_ERROR: dict[type[AdvisorError], int] = {
    RDFSyntaxError: 400,
    QuerySyntaxError: 400,
    QueryRefusedError: 400,
    QueryFailedError: 400,
    UnauthorizedError: 401,
    NotFoundError: 404,
    NotAcceptableError: 406,
    ResultLimitError: 422,
    LimitExceededError: 413,
    UnsupportedFormatError: 415,
    UnsupportedEncodingError: 415,
    RefusedInputError: 422,
    InputError: 422,
    TimeLimitError: 503,
    UnavailableError: 503,
    KnowledgeBaseError: 500,
    StoreUnavailableError: 503,
    StoreError: 500,
    WorkerFailedError: 500,
    AdvisorError: 500,
}

CODES_BY_STATUS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "API key required"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    413: ("limit-exceeded", "Limit exceeded"),
    415: ("unsupported-format", "Unsupported media type"),
    422: ("invalid-input", "Invalid input"),
    500: ("internal-error", "Internal error"),
    503: ("unavailable", "Service unavailable"),
}


def status_for(error: AdvisorError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]  # type: ignore[index]
    return 500


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str,
    instance: str,
    headers: dict[str, str] | None = None,
    **extensions: object,
) -> JSONResponse:
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": instance,
        **{k: v for k, v in extensions.items() if v is not None},
    }
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def error_response(error: AdvisorError, instance: str) -> JSONResponse:
    status = status_for(error)
    headers = {"WWW-Authenticate": 'APIKey header="X-API-Key"'} if status == 401 else None
    if status == 503:
        headers = {"Retry-After": "5"}
    details = {k: v for k, v in error.details.items() if k not in ("type", "title", "status", "detail", "instance")}
    return problem_response(status, error.code, error.title, error.message, instance, headers, **details)


async def _advisor_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, AdvisorError)
    if status_for(error) >= 500 and not isinstance(error, TimeLimitError | UnavailableError):
        log.error("%s: %s", type(error).__name__, error.message)
    return error_response(error, request.url.path)


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code, title = CODES_BY_STATUS.get(error.status_code, ("http-error", "HTTP error"))
    detail = str(error.detail)
    if error.status_code == 404 and detail == "Not Found":
        detail = f"nothing at {request.url.path}"
    headers = dict(error.headers or {})
    if error.status_code == 405:
        allowed = _allowed_methods(request) or headers.get("Allow", "")
        headers["Allow"] = allowed
        detail = f"{request.method} is not allowed on {request.url.path}" + (f": use {allowed}" if allowed else "")
    return problem_response(error.status_code, code, title, detail, request.url.path, headers)


def _allowed_methods(request: Request) -> str:
    """Every method some route of the app fully matches on this path (routes may share a path)."""
    allowed = []
    for method in ("GET", "POST", "PUT", "DELETE"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return ", ".join(allowed)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = []
    for item in error.errors():
        where = " ".join(str(part) for part in item.get("loc", ()))
        problems.append({"where": where, "message": item.get("msg", "")})
    detail = "; ".join(f"{p['where']}: {p['message']}" for p in problems) or "the request is not valid"
    return problem_response(422, "invalid-input", "Invalid input", detail, request.url.path, errors=problems)


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
    return problem_response(
        500, "internal-error", "Internal error", "an unexpected error occurred; it has been logged", request.url.path
    )


def install(app: FastAPI) -> None:
    """Register the handlers: the advisor's errors, HTTP errors, request validation, anything else."""
    app.add_exception_handler(AdvisorError, _advisor_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
