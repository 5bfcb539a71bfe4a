"""The advisory service without HTTP: the pipeline, the environment store and the worker pools together.

Parsing and validation run in the validation workers, untrusted SPARQL in the query workers (the
embedded store's on a read-only snapshot; a remote store's parsed there and evaluated by the store);
the store (`advisor.store`, the one way to the data) is written only here, one transaction per change, and
only after everything that could fail has succeeded, so a failed request stores nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import anyio
import pyoxigraph as ox

from advisor.config import Settings, setting_hint
from advisor.diff import Drift, diff_reports
from advisor.errors import AdvisorError, InputError, NotFoundError
from advisor.knowledge import knowledge_base
from advisor.loading import EXTENSIONS, RdfFormat, format_from_name
from advisor.pipeline import Extras
from advisor.policy import service_policy
from advisor.remote_store import endpoints_of
from advisor.render import FORMATS, format_for_media_type
from advisor.render.shacl_terms import shacl_triples
from advisor.render.trend import History, TrendPoint
from advisor.report import Report
from advisor.resources import samples_dir
from advisor.revisions import Revision
from advisor.sparql import QueryRequest
from advisor.store import Environment, EnvironmentStore, GraphUpload, ValidationSummary, slug, store_from_settings
from api.inputs import GraphInput
from api.metrics import Metrics
from api.problems import NotAcceptableError
from api.tasks import VALIDATING, Checked, check_document, prepare_validation_worker
from api.workers import START_STAGE, Stage, UnavailableError, WorkerPool

log = logging.getLogger("advisor.service")

JSON = "application/json"
SHACL_TURTLE = "text/turtle"


def _triples(data: bytes, fmt: ox.RdfFormat) -> list[ox.Triple]:
    return [quad.triple for quad in ox.parse(data, format=fmt)]


@lru_cache(maxsize=1)
def knowledge_graphs() -> tuple[list[ox.Triple], list[ox.Triple]]:
    """The process's ontology and shapes as Oxigraph triples (converted once)."""
    kb = knowledge_base()
    shapes = _triples(kb.shapes.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
    return list(kb.ontology_triples), shapes


REVALIDATION_ATTEMPTS = 3
NO_EXTRAS = Extras()
TREND_POINTS = 20  # revisions a trend chart shows, the newest


def environment_path(environment_id: str) -> str:
    """An environment's address in the API: what its links and its reports' artifact URIs name."""
    return f"/v1/environments/{environment_id}"


@dataclass(frozen=True)
class StoredReport:
    """A stored environment's report, and the text (the graph's N-Triples) its line numbers refer to."""

    report: Report
    text: str


class AdvisorService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.policy = service_policy(settings)  # read now, so that a bad policy file stops the start
        endpoints_of(settings)  # and so do half-set remote store settings
        self.metrics = Metrics()
        self._store: EnvironmentStore | None = None
        self.validators = WorkerPool(
            "validation",
            settings.max_concurrent_validations,
            size_setting="max_concurrent_validations",
            initializer=prepare_validation_worker,
            arguments=(settings,),
            start_timeout=settings.worker_start_timeout_seconds,
        )
        self.queries = WorkerPool(
            "sparql",
            settings.max_concurrent_queries,
            size_setting="max_concurrent_queries",
            start_timeout=settings.worker_start_timeout_seconds,
        )
        self.ready = False

    # ------------------------------------------------------------ life cycle

    @property
    def store(self) -> EnvironmentStore:
        if self._store is None:
            raise AdvisorError("the service is not started")
        return self._store

    async def start(self) -> None:
        self._store = await anyio.to_thread.run_sync(store_from_settings, self.settings)
        ontology, shapes = await anyio.to_thread.run_sync(knowledge_graphs)
        await anyio.to_thread.run_sync(self.store.replace_knowledge, ontology, shapes)
        self.metrics.count_environments(self._environment_count)
        self.metrics.score_environments(self._environment_scores)
        await self.validators.start()
        await self.queries.start()
        await self.validators.wait_ready()
        if await self._initializes_the_store():
            if self.settings.load_samples:
                await self.load_samples(self.settings.samples_dir or _bundled_samples())
            await anyio.to_thread.run_sync(self.store.mark_initialized)
        self.ready = True

    async def _initializes_the_store(self) -> bool:
        """True if the store is new and this process, of all the replicas sharing it, is the one to fill it."""
        if await anyio.to_thread.run_sync(self.store.is_initialized):
            return False
        return await anyio.to_thread.run_sync(self.store.claim_initialization, secrets.token_hex(8))

    async def stop(self) -> None:
        self.ready = False
        await self.validators.close()
        await self.queries.close()
        if self._store is not None:
            await anyio.to_thread.run_sync(self._store.close)
            self._store = None

    def _environment_count(self) -> int:
        return len(self._store.list()) if self._store is not None else 0

    def _environment_scores(self) -> list[tuple[str, float]]:
        if self._store is None:
            return []
        return [
            (e.id, e.validation.score)
            for e in self._store.list()
            if e.validation is not None and e.validation.score is not None
        ]

    def is_ready(self) -> bool:
        return self.ready and self.validators.alive() and self.queries.alive()

    async def store_reachable(self) -> bool:
        return self._store is not None and await anyio.to_thread.run_sync(self._store.reachable)

    async def load_samples(self, directory: Path | None) -> list[Environment]:
        """Each graph file in `directory` as an environment whose id is its file name's slug."""
        loaded: list[Environment] = []
        if directory is None or not directory.is_dir():
            return loaded
        for path in sorted(directory.iterdir()):
            if not path.is_file() or path.suffix.lower() not in EXTENSIONS:
                continue
            try:
                document = GraphInput(data=path.read_bytes(), format=format_from_name(path.name), source=path.name)
                name = path.stem.replace("-", " ").replace("_", " ").capitalize()
                loaded.append(await self._create(document, name, None, environment_id=slug(path.stem)))
            except AdvisorError as error:
                log.warning("sample %s not loaded: %s", path.name, error.message)
        return loaded

    # ------------------------------------------------------------ validation

    def _stages(self) -> dict[str, Stage]:
        parse, validation = self.settings.parse_timeout_seconds, self.settings.validation_timeout_seconds
        return {
            START_STAGE: Stage(
                parse, "parse_timeout_seconds", f"parsing the graph took longer than {parse:g} s and was stopped"
            ),
            VALIDATING: Stage(
                validation,
                "validation_timeout_seconds",
                f"validating the graph took longer than {validation:g} s and was stopped",
            ),
        }

    async def check(
        self, document: GraphInput, as_of: dt.date | None, *, keep_graph: bool = False, extras: Extras = NO_EXTRAS
    ) -> Checked:
        """Parse and validate one document in a validation worker, with the extras the answer's format shows."""
        self.metrics.validations_running.inc()
        started = time.perf_counter()
        try:
            checked: Checked = await self.validators.run(
                check_document,
                document.data,
                document.format,
                as_of,
                document.source,
                keep_graph,
                extras,
                stages=self._stages(),
                wait=self.settings.validation_timeout_seconds,
            )
        except AdvisorError:
            self.metrics.validations.labels("failed").inc()
            raise
        finally:
            self.metrics.validations_running.dec()
        self.metrics.validated(checked.report, time.perf_counter() - started)
        return checked

    def report_media_types(self) -> list[str]:
        """Media types a report can be rendered in, the JSON contract first."""
        types = [JSON] + [fmt.media_type for fmt in FORMATS.values() if fmt.media_type != JSON]
        return list(dict.fromkeys(types))

    async def render(self, report: Report, media_type: str, source_text: str | None = None, **options: object) -> bytes:
        """The report in a media type; `options` go to the renderer (the HTML report's `history`)."""
        fmt = format_for_media_type(media_type)
        if fmt is None:
            raise NotAcceptableError(f"reports are not available as {media_type}")
        return await anyio.to_thread.run_sync(lambda: fmt.render_one(report, source_text=source_text, **options))

    # ------------------------------------------------------------ environments

    async def environments(self) -> list[Environment]:
        return await anyio.to_thread.run_sync(self.store.list)

    async def environment(self, environment_id: str) -> Environment:
        return await anyio.to_thread.run_sync(self.store.get, environment_id)

    async def environment_graph(self, environment_id: str) -> list[ox.Triple]:
        return await anyio.to_thread.run_sync(self.store.graph, environment_id)

    async def create_environment(
        self, document: GraphInput, name: str | None, as_of: dt.date | None, author: str | None = None
    ) -> Environment:
        return await self._create(document, self._name(name, document), as_of, author=author)

    async def replace_environment(
        self,
        environment_id: str,
        document: GraphInput,
        name: str | None,
        as_of: dt.date | None,
        author: str | None = None,
    ) -> Environment:
        await self.environment(environment_id)  # 404 before any work
        given = name or document.name
        if given is not None:
            self._check_name(given)
        upload = await self._upload(document, as_of, author)
        return await anyio.to_thread.run_sync(self.store.replace, environment_id, upload, given)

    async def delete_environment(self, environment_id: str) -> None:
        await anyio.to_thread.run_sync(self.store.delete, environment_id)

    async def environment_findings(
        self, environment_id: str, as_of: dt.date | None, *, extras: Extras = NO_EXTRAS
    ) -> StoredReport:
        """Validate the environment's current graph as of a date; records nothing (a read never writes)."""
        return (await self._validate_stored(environment_id, as_of, extras))[1]

    async def revalidate_environment(
        self, environment_id: str, as_of: dt.date | None, *, extras: Extras = NO_EXTRAS
    ) -> StoredReport:
        """Validate the current graph as of a date and keep the result as the environment's latest findings.

        A replace that lands while the graph is validated wins; the newer graph is then validated in turn."""
        for _ in range(REVALIDATION_ATTEMPTS):
            environment, stored = await self._validate_stored(environment_id, as_of, extras)
            findings = await anyio.to_thread.run_sync(self._findings_triples, stored.report)
            summary = _summary(stored.report)
            recorded = await anyio.to_thread.run_sync(
                self.store.record_findings, environment_id, environment.revision, findings, summary
            )
            if recorded:
                return stored
        raise UnavailableError(
            f"the environment's graph changed {REVALIDATION_ATTEMPTS} times while it was validated: try again"
        )

    async def _validate_stored(
        self, environment_id: str, as_of: dt.date | None, extras: Extras = NO_EXTRAS
    ) -> tuple[Environment, StoredReport]:
        """The stored graph validated from its own N-Triples serialization (what `GET /v1/environments/{id}`
        answers for `application/n-triples`), its report addressed by the environment's API URL."""
        environment = await self.environment(environment_id)
        triples = await self.environment_graph(environment_id)
        data = await anyio.to_thread.run_sync(lambda: ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        document = GraphInput(data=data, format=RdfFormat.N_TRIPLES, source=environment.name)
        checked = await self.check(document, as_of, extras=extras)
        report = checked.report.model_copy(
            update={"source_uri": environment_path(environment_id), "source_media_type": RdfFormat.N_TRIPLES.media_type}
        )
        return environment, StoredReport(report, data.decode("utf-8"))

    # ------------------------------------------------------------ revisions

    async def revisions(self, environment_id: str) -> list[Revision]:
        await self.environment(environment_id)
        return await anyio.to_thread.run_sync(self.store.revisions, environment_id)

    async def revision(self, environment_id: str, number: int) -> Revision:
        return await anyio.to_thread.run_sync(self.store.revision, environment_id, number)

    async def revision_graph(self, environment_id: str, number: int) -> list[ox.Triple]:
        return await anyio.to_thread.run_sync(self.store.revision_graph, environment_id, number)

    async def revision_findings(self, environment_id: str, number: int) -> StoredReport:
        """A revision's report as recorded when it was made, its lines pointing into the revision's N-Triples."""
        return await anyio.to_thread.run_sync(self._revision_findings, environment_id, number)

    def _revision_findings(self, environment_id: str, number: int) -> StoredReport:
        report = Report.model_validate_json(self.store.revision_report(environment_id, number))
        data = ox.serialize(self.store.revision_graph(environment_id, number), format=ox.RdfFormat.N_TRIPLES)
        located = report.model_copy(
            update={
                "source_uri": f"{environment_path(environment_id)}/revisions/{number}",
                "source_media_type": RdfFormat.N_TRIPLES.media_type,
                "catalog": knowledge_base().catalog,  # not in the stored JSON: the rules the service validates with
            }
        )
        return StoredReport(located, data.decode("utf-8"))

    async def diff(self, environment_id: str, old: int | None, new: int | None) -> Drift:
        """The drift from revision `old` (default: the one before `new`) to `new` (default: the latest)."""
        numbers = [r.number for r in await self.revisions(environment_id)]  # newest first
        if not numbers:
            raise NotFoundError(f"environment {environment_id!r} has no revisions")
        new = numbers[0] if new is None else new
        if old is None:
            older = [n for n in numbers if n < new]
            old = older[0] if older else new
        return await anyio.to_thread.run_sync(self._diff, environment_id, old, new)

    async def history(self, environment_id: str, points: int = TREND_POINTS, *, changes: bool = True) -> History:
        """The trend of the last revisions (oldest first) and, with `changes`, the drift from the one before the
        latest to the latest."""
        revisions = (await self.revisions(environment_id))[:points]
        trend = [TrendPoint(r.number, r.score, r.counts, r.created) for r in reversed(revisions)]
        drift = None
        if changes and len(revisions) > 1:
            drift = await anyio.to_thread.run_sync(
                self._diff, environment_id, revisions[1].number, revisions[0].number
            )
        return History(trend, drift)

    def _diff(self, environment_id: str, old: int, new: int) -> Drift:
        before = Report.model_validate_json(self.store.revision_report(environment_id, old))
        after = Report.model_validate_json(self.store.revision_report(environment_id, new))
        graphs = (self.store.revision_graph(environment_id, old), self.store.revision_graph(environment_id, new))
        return diff_reports(before, after, old_name=f"revision {old}", new_name=f"revision {new}", graphs=graphs)

    async def _create(
        self,
        document: GraphInput,
        name: str,
        as_of: dt.date | None,
        environment_id: str | None = None,
        author: str | None = None,
    ) -> Environment:
        upload = await self._upload(document, as_of, author)
        return await anyio.to_thread.run_sync(self.store.create, name, upload, environment_id)

    async def _upload(self, document: GraphInput, as_of: dt.date | None, author: str | None = None) -> GraphUpload:
        checked = await self.check(document, as_of, keep_graph=True)
        assert checked.ntriples is not None

        def prepare() -> GraphUpload:
            return GraphUpload(
                triples=_triples(checked.ntriples or b"", ox.RdfFormat.N_TRIPLES),
                findings=self._findings_triples(checked.report),
                validation=_summary(checked.report),
                source=document.source,
                author=author,
                report_json=checked.report.model_dump_json(),
            )

        return await anyio.to_thread.run_sync(prepare)

    @staticmethod
    def _findings_triples(report: Report) -> list[ox.Triple]:
        """The report as a W3C SHACL validation report (what the text/turtle report format writes), as triples
        built from its graph: no Turtle written and read back."""
        return shacl_triples(report)

    def _name(self, name: str | None, document: GraphInput) -> str:
        chosen = name or document.name or (Path(document.source).stem if document.source else None) or "Environment"
        self._check_name(chosen)
        return chosen

    def _check_name(self, name: str) -> None:
        if not name.strip():
            raise InputError("the environment name is empty")
        if len(name) > self.settings.max_name_length:
            raise InputError(
                f"the environment name has {len(name)} characters, more than the limit of "
                f"{self.settings.max_name_length}; raise it with {setting_hint('max_name_length')}",
                limit="max_name_length",
                maximum=self.settings.max_name_length,
            )

    # ------------------------------------------------------------ SPARQL

    async def query(self, request: QueryRequest) -> bytes:
        """Run one checked, read-only query through the store, its untrusted parts in a query worker."""
        seconds = self.settings.sparql_timeout_seconds
        stages = {
            START_STAGE: Stage(
                seconds,
                "sparql_timeout_seconds",
                f"the query ran longer than the limit of {seconds:g} s and was stopped: "
                "narrow it down (fewer graphs, more selective patterns, a LIMIT)",
            )
        }

        async def isolate(function, *arguments):  # type: ignore[no-untyped-def]
            return await self.queries.run(function, *arguments, stages=stages, wait=seconds)

        try:
            result = await self.store.answer(request, isolate, seconds)
        except AdvisorError:
            self.metrics.queries.labels("failed").inc()
            raise
        self.metrics.queries.labels("answered").inc()
        return result


def _summary(report: Report) -> ValidationSummary:
    return ValidationSummary(
        validated_at=dt.datetime.now(dt.UTC),
        as_of=report.as_of,
        conforms=report.conforms,
        counts=report.counts(),
        score=report.score,
    )


def _bundled_samples() -> Path | None:
    try:
        return samples_dir()
    except FileNotFoundError:
        return None
