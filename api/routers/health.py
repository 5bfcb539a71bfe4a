"""Operations: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.deps import service_of
from api.metrics import CONTENT_TYPE
from api.openapi import alternatives, problems
from api.problems import problem_response
from api.schemas import Health


def router() -> APIRouter:
    api = APIRouter(tags=["Operations"])

    @api.get("/healthz", summary="Liveness", response_model=Health)
    async def healthz() -> Health:
        """Answers as long as the service's event loop runs, even while validations are busy."""
        return Health(status="ok")

    @api.get("/readyz", summary="Readiness", response_model=Health, responses=problems(503))
    async def readyz(request: Request) -> Response | Health:
        """Ready once the store is open, the sample graphs are loaded and every worker is alive, and while the
        store answers."""
        service = service_of(request)
        if not service.is_ready():
            return problem_response(
                503, "not-ready", "Not ready", "the service is starting or a worker is down", request.url.path
            )
        if not await service.store_reachable():
            return problem_response(
                503, "not-ready", "Not ready", "the store does not answer (see the service's log)", request.url.path
            )
        return Health(status="ready")

    @api.get(
        "/metrics",
        summary="Prometheus metrics",
        response_class=Response,
        responses={200: alternatives(["text/plain"], "Metrics in the Prometheus text format (0.0.4).")},
    )
    async def metrics(request: Request) -> Response:
        return Response(service_of(request).metrics.exposition(), media_type=CONTENT_TYPE)

    return api
