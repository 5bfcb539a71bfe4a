"""Revisions of an environment (one per create and replace), their graphs and findings, and the drift between two."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from advisor.render.drift import DRIFT_FORMATS
from advisor.revisions import Revision
from api.deps import (
    RDF_MEDIA_TYPES,
    rdf_media_type,
    report_media_type,
    report_response,
    serialize_rdf,
    service_of,
    with_charset,
)
from api.negotiation import negotiate
from api.openapi import alternatives, problems
from api.routers.environments import ENVIRONMENT_ID
from api.schemas import Counts, ReportContract

REVISION = Path(description="The revision's number: 1 for the environment as created, then 2, 3, ...", ge=1)
DRIFT_MEDIA_TYPES = {media_type: name for name, (media_type, _) in DRIFT_FORMATS.items()}
JSON = "application/json"


class RevisionLinks(BaseModel):
    self: str
    findings: str
    diff: str = Field(description="The drift from the revision before this one to this one.")


class RevisionSummary(BaseModel):
    number: int = Field(examples=[3])
    created: dt.datetime = Field(description="When the create or replace that made it was stored.")
    author: str | None = Field(None, description="Who made it: the X-Author header, or `api-key`, where known.")
    triples: int
    graph: str = Field(description="IRI of the named graph holding the revision's graph (for SPARQL).")
    findings_graph: str = Field(description="IRI of the named graph holding the revision's findings.")
    as_of: dt.date = Field(description="The as-of date its findings were validated for.")
    conforms: bool
    counts: Counts
    score: float | None = Field(None, ge=0, le=100, description="Its posture score (docs/score.md).")
    links: RevisionLinks

    @classmethod
    def of(cls, revision: Revision) -> RevisionSummary:
        path = f"/v1/environments/{revision.environment_id}/revisions/{revision.number}"
        diff = f"/v1/environments/{revision.environment_id}/diff?to={revision.number}"
        return cls(
            number=revision.number,
            created=revision.created,
            author=revision.author,
            triples=revision.triples,
            graph=revision.graph,
            findings_graph=revision.findings_graph,
            as_of=revision.as_of,
            conforms=revision.conforms,
            counts=Counts(**revision.counts),
            score=revision.score,
            links=RevisionLinks(self=path, findings=f"{path}/findings", diff=diff),
        )


class RevisionList(BaseModel):
    revisions: list[RevisionSummary] = Field(description="Newest first.")


def router(report_media_types: list[str]) -> APIRouter:
    api = APIRouter(prefix="/v1/environments", tags=["Environments"])

    @api.get(
        "/{environment_id}/revisions",
        summary="An environment's revisions",
        description="Every kept revision (the newest `revision_retention`), newest first: when, by whom, the "
        "as-of date of its findings, its counts by severity and its posture score.",
        response_model=RevisionList,
        responses=problems(404),
    )
    async def list_revisions(request: Request, environment_id: str = ENVIRONMENT_ID) -> RevisionList:
        revisions = await service_of(request).revisions(environment_id)
        return RevisionList(revisions=[RevisionSummary.of(r) for r in revisions])

    @api.get(
        "/{environment_id}/revisions/{revision}",
        summary="A revision's graph",
        description="The graph as it was stored at this revision, in the RDF syntax `Accept` asks for.",
        response_class=Response,
        responses={200: alternatives(list(RDF_MEDIA_TYPES), "The revision's graph."), **problems(404, 406)},
    )
    async def revision_graph(
        request: Request, environment_id: str = ENVIRONMENT_ID, revision: int = REVISION
    ) -> Response:
        media_type = rdf_media_type(request)
        triples = await service_of(request).revision_graph(environment_id, revision)
        return Response(serialize_rdf(triples, media_type), media_type=with_charset(media_type))

    @api.get(
        "/{environment_id}/revisions/{revision}/findings",
        summary="A revision's findings",
        description="The findings recorded when the revision was made (as of its date), in the report format "
        "`Accept` asks for. Nothing is validated again.",
        response_class=Response,
        responses={
            200: alternatives(report_media_types, "The revision's validation report.", ReportContract),
            **problems(404, 406),
        },
    )
    async def revision_findings(
        request: Request, environment_id: str = ENVIRONMENT_ID, revision: int = REVISION
    ) -> Response:
        service = service_of(request)
        media_type = report_media_type(request)
        stored = await service.revision_findings(environment_id, revision)
        return await report_response(request, stored.report, media_type, stored.text)

    @api.get(
        "/{environment_id}/diff",
        summary="Drift between two revisions",
        description="Findings `new`, `fixed` and `unchanged` (identity: rule id and focus node; a changed message "
        "keeps both) and the resources added, removed and changed with their statements, from revision `from` "
        "(default: the one before `to`) to revision `to` (default: the latest). JSON, text, Markdown or HTML "
        "by `Accept`.",
        response_class=Response,
        responses={200: alternatives(list(DRIFT_MEDIA_TYPES), "The drift."), **problems(404, 406, 422)},
    )
    async def environment_diff(
        request: Request,
        environment_id: str = ENVIRONMENT_ID,
        old: int | None = Query(None, alias="from", ge=1, description="The earlier revision."),
        new: int | None = Query(None, alias="to", ge=1, description="The later revision."),
    ) -> Response:
        media_type = negotiate(request.headers.get("accept"), [JSON, *[t for t in DRIFT_MEDIA_TYPES if t != JSON]])
        drift = await service_of(request).diff(environment_id, old, new)
        body = DRIFT_FORMATS[DRIFT_MEDIA_TYPES[media_type]][1](drift)
        return Response(body, media_type=with_charset(media_type))

    return api
