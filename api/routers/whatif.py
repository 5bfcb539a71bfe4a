"""What-if: POST /v1/what-if (a graph and the lost elements) and POST /v1/environments/{id}/what-if.

The what-if runs in a validation worker, within the parse and validation time limits; the answer is in the
format `Accept` names: JSON (the default), plain text, Markdown or HTML. Nothing is stored.
"""

from __future__ import annotations

import datetime as dt

import anyio
import pyoxigraph as ox
from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from advisor.loading import RdfFormat
from advisor.whatif import WhatIfResult
from advisor.whatif.output import MEDIA_TYPES, render
from advisor.whatif.run import what_if_document
from api import tasks
from api.deps import service_of, with_charset
from api.inputs import read_graph
from api.negotiation import negotiate
from api.openapi import alternatives, graph_request_body, problems
from api.params import FORMAT, IsoDate
from api.workers import report_stage

FORMATS_BY_MEDIA_TYPE = {media: name for name, media in MEDIA_TYPES.items()}
OFFERS = list(dict.fromkeys(["application/json", *FORMATS_BY_MEDIA_TYPE]))
AS_OF = Query(None, description="Date to answer for (YYYY-MM-DD); default today. Restore point ages count to its end.")
LOSE = Query(
    min_length=1,
    description="A lost element as KIND:NODE; KIND is site, host, cluster, volume, repository or system, NODE an "
    "IRI (full, or prefixed with the document's or the advisor's prefixes) or a label. Repeat for several.",
    examples=["site:ex:main"],
)
ENVIRONMENT_ID = Path(description="The environment's id, as assigned when it was created.", max_length=64)


class NamedModel(BaseModel):
    iri: str
    label: str


class LostModel(BaseModel):
    iri: str
    label: str
    kind: str | None = Field(description="site, cluster, host, volume, repository or system.")
    because: str = Field(examples=["at site Main"], description="Why it is lost: 'given as lost' when named.")


class SystemModel(BaseModel):
    iri: str
    label: str
    state: str = Field(description="unrecoverable, recoverable, exposed or unaffected.")
    restore_from: list[NamedModel] = Field(description="The surviving repositories a recoverable system comes from.")
    restore_point_age_hours: float | None = Field(
        description="Hours from the newest hv:lastSuccessfulRunAt of those jobs to the end of the as-of day."
    )
    replica_failover: list[NamedModel] = Field(description="Surviving Replica servers of a lost VM.")


class DependencyModel(BaseModel):
    system: NamedModel
    depends_on: NamedModel
    chain: list[NamedModel] = Field(description="One shortest hv:dependsOn chain, both ends included.")


class WhatIfContract(BaseModel):
    """The JSON answer of a what-if (docs/what-if.md)."""

    as_of: dt.date
    lost: list[LostModel]
    systems: list[SystemModel]
    data_sets_lost: list[NamedModel]
    broken_dependencies: list[DependencyModel]


def what_if_task(
    data: bytes, fmt: RdfFormat, specs: list[str], as_of: dt.date, source: str | None, inventory: bool = False
) -> WhatIfResult:
    """In a validation worker: parse (stage "start"), then answer the what-if (stage "validating"); `inventory`
    for the HTML page's diagram."""
    settings = tasks._settings  # the worker's, set when it started (None outside a worker: the process's)
    on_parsed = lambda: report_stage(tasks.VALIDATING)  # noqa: E731
    return what_if_document(
        data, fmt, specs, as_of, source, settings=settings, on_parsed=on_parsed, inventory=inventory
    )


async def _answer(request: Request, data: bytes, fmt: RdfFormat, specs: list[str], as_of: dt.date | None, source):
    service = service_of(request)
    media_type = negotiate(request.headers.get("accept"), OFFERS)
    result: WhatIfResult = await service.validators.run(
        what_if_task,
        data,
        fmt,
        specs,
        as_of or dt.date.today(),
        source,
        FORMATS_BY_MEDIA_TYPE[media_type] == "html",
        stages=service._stages(),
        wait=service.settings.validation_timeout_seconds,
    )
    body = await anyio.to_thread.run_sync(render, result, FORMATS_BY_MEDIA_TYPE[media_type])
    return Response(body.encode("utf-8"), media_type=with_charset(media_type))


def router() -> APIRouter:
    api = APIRouter(tags=["What-if"])
    answers = {200: alternatives(OFFERS, "What is lost and what can still be restored.", WhatIfContract)}

    @api.post(
        "/v1/what-if",
        summary="What if these elements were lost?",
        description="Loses the named elements of the graph (with everything they take with them) and answers with "
        "every system's state (unrecoverable, recoverable with where from, exposed, unaffected), Replica failover "
        "options, lost data sets and broken dependencies, in the format `Accept` names. Nothing is stored.",
        openapi_extra=graph_request_body(),
        response_class=Response,
        responses={**answers, **problems(400, 406, 413, 415, 422, 503)},
    )
    async def what_if_graph(
        request: Request,
        as_of: IsoDate | None = AS_OF,
        fmt: RdfFormat | None = FORMAT,
        lose: list[str] = LOSE,
    ) -> Response:
        document = await read_graph(request, service_of(request).settings, fmt)
        return await _answer(request, document.data, document.format, lose, as_of, document.source)

    @api.post(
        "/v1/environments/{environment_id}/what-if",
        summary="What if these elements of an environment were lost?",
        description="The what-if of the environment's current graph (no request body). A read: nothing is "
        "recorded. Prefixed names may use the advisor's prefixes (hv:, ...); name other nodes by IRI or label.",
        response_class=Response,
        responses={**answers, **problems(404, 406, 422, 503)},
    )
    async def what_if_environment(
        request: Request,
        environment_id: str = ENVIRONMENT_ID,
        as_of: IsoDate | None = AS_OF,
        lose: list[str] = LOSE,
    ) -> Response:
        service = service_of(request)
        environment = await service.environment(environment_id)
        triples = await service.environment_graph(environment_id)
        data = await anyio.to_thread.run_sync(lambda: ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        return await _answer(request, data, RdfFormat.N_TRIPLES, lose, as_of, environment.name)

    return api
