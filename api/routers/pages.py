"""The pages: landing page, Swagger UI, ReDoc and the SPARQL query page, all on self-hosted assets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

import advisor
from advisor.knowledge import knowledge_base
from advisor.namespaces import PREFIXES
from advisor.render.trend import trend_svg
from advisor.store import SERVICE_IRI
from api.deps import service_of
from api.headers import CONTENT_SECURITY_POLICY
from api.schemas import EnvironmentSummary

HERE = Path(__file__).resolve().parent.parent
QUERIES = HERE / "queries"
STATIC = "/static"
TITLE = "Hyper-V Backup Advisor"
LANDING_TRENDS = 50  # environments the landing page draws a trend for (the first, in the list's order)
templates = Jinja2Templates(directory=HERE / "pages")


@dataclass(frozen=True)
class ExampleQuery:
    title: str
    description: str
    query: str


_HEADER = re.compile(r"^#\s*(title|description):\s*(.*)$")


@lru_cache(maxsize=1)
def example_queries() -> tuple[ExampleQuery, ...]:
    """The example queries in api/queries/*.rq (header comments `# title:` and `# description:`)."""
    examples = []
    for path in sorted(QUERIES.glob("*.rq")):
        header: dict[str, str] = {}
        body = []
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _HEADER.match(line)
            if match and not body:
                header[match.group(1)] = match.group(2).strip()
            else:
                body.append(line)
        examples.append(
            ExampleQuery(header.get("title", path.stem), header.get("description", ""), "\n".join(body).strip() + "\n")
        )
    return tuple(examples)


def _secured(response: HTMLResponse) -> HTMLResponse:
    """The page with its CSP (the middleware of api/headers.py adds it to every HTML answer as well)."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


def router() -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/", response_class=HTMLResponse)
    async def landing(request: Request) -> HTMLResponse:
        service = service_of(request)
        locked = bool(service.settings.api_key and service.settings.protect_reads)  # a page cannot send the key
        environments = [] if locked else [EnvironmentSummary.of(e) for e in await service.environments()]
        trends = {}
        for environment in environments[:LANDING_TRENDS]:
            history = await service.history(environment.id, changes=False)  # the chart only
            label = f"{environment.name}: posture score and findings over its revisions"
            trends[environment.id] = trend_svg(history.points, width=240, height=72, label=label)
        context = {
            "static": STATIC,
            "environments": environments,
            "trends": trends,
            "locked": locked,
            "rules": len(knowledge_base().catalog),
            "version": advisor.__version__,
        }
        return _secured(templates.TemplateResponse(request, "landing.html", context))

    @api.get("/docs", response_class=HTMLResponse)
    async def swagger_ui() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=f"{TITLE} · API",
            swagger_js_url=f"{STATIC}/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{STATIC}/swagger-ui/swagger-ui.css",
            swagger_favicon_url=f"{STATIC}/swagger-ui/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None, "tryItOutEnabled": True, "displayRequestDuration": True},
        )
        return _secured(page)

    @api.get("/redoc", response_class=HTMLResponse)
    async def redoc() -> HTMLResponse:
        page = get_redoc_html(
            openapi_url="/openapi.json",
            title=f"{TITLE} · API reference",
            redoc_js_url=f"{STATIC}/redoc/redoc.standalone.js",
            redoc_favicon_url=f"{STATIC}/swagger-ui/favicon-32x32.png",
            with_google_fonts=False,
        )
        return _secured(page)

    @api.get("/sparql", response_class=HTMLResponse)
    async def sparql_page(request: Request) -> HTMLResponse:
        settings = service_of(request).settings
        queries = example_queries()
        config = {
            "endpoint": "/v1/sparql",
            "queries": [{"title": q.title, "query": q.query} for q in queries],
            "prefixes": {**PREFIXES, "svc": SERVICE_IRI},
        }
        context = {
            "static": STATIC,
            "queries": queries,
            "config": config,
            "timeout": f"{settings.sparql_timeout_seconds:g}",
            "max_results": settings.sparql_max_results,
        }
        return _secured(templates.TemplateResponse(request, "sparql.html", context))

    return api
