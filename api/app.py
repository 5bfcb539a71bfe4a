"""The FastAPI application: `create_app(settings)` wires the service, its routes and its middleware."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

import advisor
from advisor.config import Settings, get_settings
from advisor.render import load_renderers
from api import problems
from api.authors import AUTHOR_HEADER
from api.deps import API_KEY_HEADER, check_api_key
from api.headers import SecurityHeadersMiddleware
from api.limits import BodyLimitMiddleware
from api.metrics import MetricsMiddleware
from api.openapi import guard_responses, problem_validation_errors
from api.routers import catalog, environments, health, imports, pages, revisions, sparql, validate, whatif
from api.service import AdvisorService

STATIC_DIR = Path(__file__).resolve().parent / "static"
DESCRIPTION = """Validates graphs that describe Windows Server and Hyper-V environments against backup best
practices, and explains every finding. Send a graph to `POST /v1/validate` (Turtle, JSON-LD, N-Triples or
RDF/XML, as the raw body or a file upload); keep environments with `/v1/environments`; query everything
with SPARQL at `/v1/sparql`. Every error is an RFC 9457 problem (`application/problem+json`)."""
TAGS = [
    {"name": "Validation", "description": "Validate a graph without storing it."},
    {"name": "Environments", "description": "Stored graphs with their latest findings (an RDF store)."},
    {"name": "SPARQL", "description": "Read-only SPARQL 1.1 Protocol endpoint over every stored graph."},
    {"name": "What-if", "description": "What losing a site, host, cluster, volume or repository leaves restorable."},
    {"name": "Catalog", "description": "The rules, the ontology, the shapes and the JSON-LD context."},
    {"name": "Operations", "description": "Health, readiness and metrics."},
]


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new application with its own service (store, workers, metrics); started by its lifespan."""
    settings = settings or get_settings()
    service = AdvisorService(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        load_renderers()
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    app = FastAPI(
        title="Hyper-V Backup Advisor",
        version=advisor.__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.service = service
    problems.install(app)
    fastapi_openapi = app.openapi
    app.openapi = lambda: problem_validation_errors(fastapi_openapi())  # type: ignore[method-assign]

    report_types = service.report_media_types()
    guard = [Depends(check_api_key)] if settings.api_key else []
    reads = guard if settings.protect_reads else []
    read_responses = guard_responses(reads)
    app.include_router(validate.router(report_types), dependencies=reads, responses=read_responses)
    app.include_router(imports.router(), dependencies=reads, responses=read_responses)
    app.include_router(environments.router(report_types, guard), dependencies=reads, responses=read_responses)
    app.include_router(revisions.router(report_types), dependencies=reads, responses=read_responses)
    app.include_router(whatif.router(), dependencies=reads, responses=read_responses)
    app.include_router(sparql.router(), dependencies=reads, responses=read_responses)
    app.include_router(catalog.router(), dependencies=reads, responses=read_responses)
    app.include_router(health.router())
    app.include_router(pages.router())
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Content-Type", "Accept", API_KEY_HEADER, AUTHOR_HEADER],
            expose_headers=["Location"],
        )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(MetricsMiddleware, metrics=service.metrics)
    logging.getLogger("advisor").setLevel(settings.log_level.upper())
    return app
