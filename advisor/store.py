"""Environments and their latest findings in an RDF store, read and written with SPARQL only.

Every environment is a named graph; its latest findings (a SHACL validation report plus the
advisor's metadata) are another; the metadata graph describes each environment. The ontology and the
shapes have graphs of their own, so one query can join data, findings, rules and vocabulary:

    <urn:hv-advisor:environment:{id}>        the environment's graph, as uploaded
    <urn:hv-advisor:findings:{id}>           its latest findings
    <urn:hv-advisor:metadata>                name, created, modified, triples, last validated, counts, score;
                                             and one svc:Revision per kept revision (advisor.revisions)
    <urn:hv-advisor:environment:{id}:revision:{n}>   the graph at revision n (each create and replace)
    <urn:hv-advisor:findings:{id}:revision:{n}>      the findings recorded with it
    <https://w3id.org/hv-advisor/ontology>   the ontology and the rule vocabulary
    <https://w3id.org/hv-advisor/shapes>     the rule shapes

`EnvironmentStore` speaks SPARQL 1.1 (queries and one update per change) to a `SparqlStore`, the only
way to the data: `OxigraphStore` is the embedded, on-disk one, `advisor.remote_store.RemoteStore` a
remote SPARQL 1.1 store (`store_from_settings` picks one). Every change is one SPARQL update request,
which the store applies as one transaction: a reader sees the state before it or after it, never a mix.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import secrets
import shutil
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import anyio
import pyoxigraph as ox

from advisor.errors import AdvisorError, NotFoundError
from advisor.namespaces import ONTOLOGY_IRI, RDF_IRI, RDFS_IRI, XSD_IRI
from advisor.revisions import Revision, RevisionRecord, not_found, revision_graph_iri, revision_node_iri, revision_of
from advisor.sparql import QueryRequest, run_on_snapshot

if TYPE_CHECKING:
    from advisor.config import Settings

SERVICE_IRI = "https://w3id.org/hv-advisor/service#"
SHAPES_GRAPH_IRI = "https://w3id.org/hv-advisor/shapes"
ONTOLOGY_GRAPH_IRI = ONTOLOGY_IRI
METADATA_GRAPH_IRI = "urn:hv-advisor:metadata"
ENVIRONMENT_PREFIX = "urn:hv-advisor:environment:"
FINDINGS_PREFIX = "urn:hv-advisor:findings:"
STORE_NODE_IRI = "urn:hv-advisor:store"
DCTERMS_IRI = "http://purl.org/dc/terms/"
SH_IRI = "http://www.w3.org/ns/shacl#"

SEVERITY_COUNTS = {"violation": "violations", "warning": "warnings", "info": "infos"}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class StoreError(AdvisorError):
    """The store cannot be opened or written (a defect of the installation, not of the request)."""

    code = "store-error"
    title = "Store error"


class StoreUnavailableError(StoreError):
    """The remote store cannot be reached, or answered with an error."""

    code = "store-unavailable"
    title = "Store unavailable"


def environment_iri(environment_id: str) -> str:
    return ENVIRONMENT_PREFIX + environment_id


def findings_iri(environment_id: str) -> str:
    return FINDINGS_PREFIX + environment_id


# ---------------------------------------------------------------- the SPARQL interface


Isolate = Callable[..., Awaitable[object]]  # runs function(*arguments) in a query worker, within the time limit


class SparqlStore(Protocol):
    """What EnvironmentStore needs from a SPARQL 1.1 store: the embedded one or a remote one."""

    def select(self, query: str) -> list[dict[str, object]]:
        """Rows of a SELECT query, each a variable name -> term dictionary (unbound variables left out)."""
        ...

    def construct(self, query: str) -> list[ox.Triple]: ...

    def update(self, update: str) -> None:
        """Apply one SPARQL update request as one transaction."""
        ...

    def graph(self, iri: str) -> list[ox.Triple]:
        """Every triple of one named graph (none if it does not exist)."""
        ...

    async def answer(self, request: QueryRequest, isolate: Isolate, timeout: float) -> bytes:
        """An untrusted, checked read-only query answered in `request.media_type`, within `timeout` seconds
        (TimeLimitError past it) and `request.max_results` (ResultLimitError past it)."""
        ...

    def exclusive(self) -> contextlib.AbstractContextManager[None]:
        """Held around each change: one writer at a time among every process sharing the store."""
        ...

    def close(self) -> None: ...


def solution_rows(solutions: ox.QuerySolutions) -> list[dict[str, object]]:
    """SELECT solutions as rows of the variables each binds (an unbound variable is left out)."""
    names = [variable.value for variable in solutions.variables]
    return [{name: value for name in names if (value := solution[name]) is not None} for solution in solutions]


class OxigraphStore:
    """The embedded store: Oxigraph on disk, with cheap read-only snapshots (hard-linked checkpoints)."""

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._snapshots = path.parent / f"{path.name}-snapshots"
        shutil.rmtree(self._snapshots, ignore_errors=True)
        self._snapshots.mkdir(parents=True)
        try:
            self._store = ox.Store(str(path))
        except OSError as error:
            raise StoreError(f"cannot open the store in {path}: {error}") from None
        self._lock = threading.Lock()
        self._generation = 0
        self._current: tuple[int, Path] | None = None
        self._users: dict[Path, int] = {}

    def select(self, query: str) -> list[dict[str, object]]:
        return solution_rows(self._store.query(query))

    def construct(self, query: str) -> list[ox.Triple]:
        return list(self._store.query(query))

    def update(self, update: str) -> None:
        self._store.update(update)
        with self._lock:
            self._generation += 1

    def graph(self, iri: str) -> list[ox.Triple]:
        return [quad.triple for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(iri))]

    def exclusive(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()  # one process owns the files: its own lock is enough

    async def answer(self, request: QueryRequest, isolate: Isolate, timeout: float) -> bytes:
        """Run the query in a query worker (killed past the time limit) on a read-only snapshot."""
        snapshot = self.snapshot()
        path = await anyio.to_thread.run_sync(snapshot.__enter__)
        try:
            return await isolate(run_on_snapshot, path, request)  # type: ignore[return-value]
        finally:
            await anyio.to_thread.run_sync(snapshot.__exit__, None, None, None)

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[str]:
        with self._lock:
            if self._current is None or self._current[0] != self._generation:
                target = self._snapshots / f"{self._generation}-{secrets.token_hex(4)}"
                self._store.backup(str(target))
                self._current = (self._generation, target)
            path = self._current[1]
            self._users[path] = self._users.get(path, 0) + 1
        try:
            yield str(path)
        finally:
            with self._lock:
                self._users[path] -= 1
                self._remove_unused()

    def _remove_unused(self) -> None:
        current = self._current[1] if self._current else None
        for path, users in list(self._users.items()):
            if users == 0 and path != current:
                del self._users[path]
                shutil.rmtree(path, ignore_errors=True)

    def close(self) -> None:
        self._store.flush()
        del self._store
        shutil.rmtree(self._snapshots, ignore_errors=True)


# ---------------------------------------------------------------- environments


@dataclass(frozen=True)
class ValidationSummary:
    """What the metadata graph keeps of an environment's latest validation."""

    validated_at: dt.datetime
    as_of: dt.date
    conforms: bool
    counts: dict[str, int]
    score: float | None = None  # the posture score (advisor.score)


@dataclass(frozen=True)
class Environment:
    id: str
    name: str
    triples: int
    created: dt.datetime
    modified: dt.datetime
    revision: int
    source: str | None = None
    validation: ValidationSummary | None = None

    @property
    def graph(self) -> str:
        return environment_iri(self.id)

    @property
    def findings_graph(self) -> str:
        return findings_iri(self.id)


@dataclass(frozen=True)
class GraphUpload:
    """A checked graph ready to store: its triples and the findings of its validation."""

    triples: list[ox.Triple]
    findings: list[ox.Triple]
    validation: ValidationSummary
    source: str | None = None
    author: str | None = None  # who made the change, kept with the revision
    report_json: str | None = None  # the advisor's report as JSON; when set, the change is kept as a revision


def _iri(value: str) -> str:
    return f"<{value}>"


def _svc(name: str) -> str:
    return _iri(SERVICE_IRI + name)


def _term(value: object) -> ox.Literal:
    """A Python value as a typed literal."""
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD_IRI + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD_IRI + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(XSD_IRI + "decimal"))
    if isinstance(value, dt.datetime):
        return ox.Literal(_timestamp(value), datatype=ox.NamedNode(XSD_IRI + "dateTime"))
    if isinstance(value, dt.date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD_IRI + "date"))
    return ox.Literal(str(value))


def _literal(value: object) -> str:
    """A Python value as a literal in SPARQL syntax (escaped: user text never breaks out of it)."""
    return str(_term(value))


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def ntriples(triples: Iterable[ox.Triple], blank_prefix: str) -> str:
    """Triples as N-Triples for INSERT DATA, blank nodes relabelled so two graphs never share one."""

    def term(node):
        if isinstance(node, ox.BlankNode):
            return ox.BlankNode(blank_prefix + node.value)
        if isinstance(node, ox.Triple):
            return ox.Triple(term(node.subject), node.predicate, term(node.object))
        return node

    renamed = (ox.Triple(term(t.subject), t.predicate, term(t.object)) for t in triples)
    return ox.serialize(renamed, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def slug(text: str) -> str:
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return value[:40].strip("-") or "environment"


class _Exclusive:
    """This process's lock, then the store's (the other processes sharing it)."""

    def __init__(self, backend: SparqlStore) -> None:
        self._lock = threading.Lock()
        self._backend = backend
        self._held: contextlib.AbstractContextManager[None] | None = None

    def __enter__(self) -> None:
        self._lock.acquire()
        try:
            held = self._backend.exclusive()
            held.__enter__()
        except BaseException:
            self._lock.release()
            raise
        self._held = held

    def __exit__(self, *exc: object) -> None:
        held, self._held = self._held, None
        try:
            if held is not None:
                held.__exit__(None, None, None)
        finally:
            self._lock.release()


class EnvironmentStore:
    """Create, read, replace and delete environments; keep their latest findings."""

    def __init__(self, backend: SparqlStore, revision_retention: int = 100) -> None:
        self.backend = backend
        self.revision_retention = revision_retention  # revisions kept per environment (the newest)
        self._write = _Exclusive(backend)  # one writer at a time: read-modify-write steps stay consistent

    # ------------------------------------------------------------ reads

    def list(self) -> list[Environment]:
        return self._environments()

    def get(self, environment_id: str) -> Environment:
        if not _ID.match(environment_id):
            raise NotFoundError(f"no environment {environment_id!r}")
        found = self._environments(environment_id)
        if not found:
            raise NotFoundError(f"no environment {environment_id!r}")
        return found[0]

    def graph(self, environment_id: str) -> list[ox.Triple]:
        self.get(environment_id)
        return self.backend.graph(environment_iri(environment_id))

    async def answer(self, request: QueryRequest, isolate: Isolate, timeout: float) -> bytes:
        """An untrusted SPARQL query of `/v1/sparql`, within the time and result limits."""
        return await self.backend.answer(request, isolate, timeout)

    def quads(self) -> list[str]:
        """Every quad of the store as sorted text lines (graph, subject, predicate, object): for checks."""
        rows = self.backend.select("SELECT ?g ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
        return sorted(" ".join(str(row.get(name, "")) for name in ("g", "s", "p", "o")) for row in rows)

    def close(self) -> None:
        self.backend.close()

    def reachable(self) -> bool:
        """True if the store answers a query (a remote store can go away while the service runs)."""
        try:
            self.backend.select("SELECT (1 AS ?one) WHERE {}")
        except StoreError:
            return False
        return True

    def claim_initialization(self, claimant: str) -> bool:
        """True for the one process (of all the replicas sharing a new store) that initializes it, loading
        the samples: one atomic insert-if-absent decides."""
        node, predicate, metadata = _iri(STORE_NODE_IRI), _svc("initializedBy"), _iri(METADATA_GRAPH_IRI)
        with self._write:
            self.backend.update(
                f"INSERT {{ GRAPH {metadata} {{ {node} {predicate} {_literal(claimant)} }} }} "
                f"WHERE {{ FILTER NOT EXISTS {{ GRAPH {metadata} {{ {node} {predicate} ?anyone }} }} }}"
            )
            rows = self.backend.select(f"SELECT ?who WHERE {{ GRAPH {metadata} {{ {node} {predicate} ?who }} }}")
        return [_value(row, "who") for row in rows] == [claimant]

    def is_initialized(self) -> bool:
        pattern = f"{_iri(STORE_NODE_IRI)} {_svc('samplesLoaded')} ?done"
        rows = self.backend.select(f"SELECT ?done WHERE {{ GRAPH {_iri(METADATA_GRAPH_IRI)} {{ {pattern} }} }}")
        return bool(rows)

    def _environments(self, only: str | None = None) -> list[Environment]:
        metadata = _iri(METADATA_GRAPH_IRI)
        restrict = f"FILTER(?id = {_literal(only)})" if only else ""
        rows = self.backend.select(
            f"""
            PREFIX svc: <{SERVICE_IRI}>
            PREFIX dcterms: <{DCTERMS_IRI}>
            PREFIX rdfs: <{RDFS_IRI}>
            SELECT ?id ?name ?triples ?created ?modified ?revision ?source
                   ?validated ?asOf ?conforms ?violations ?warnings ?infos ?score
            WHERE {{ GRAPH {metadata} {{
                ?env a svc:Environment ; svc:id ?id ; rdfs:label ?name ; svc:tripleCount ?triples ;
                     dcterms:created ?created ; dcterms:modified ?modified ; svc:revision ?revision .
                {restrict}
                OPTIONAL {{ ?env svc:source ?source }}
                OPTIONAL {{ ?env svc:lastValidated ?validated ; svc:asOf ?asOf ; svc:conforms ?conforms ;
                                svc:violations ?violations ; svc:warnings ?warnings ; svc:infos ?infos }}
                OPTIONAL {{ ?env svc:score ?score }}
            }} }}
            ORDER BY ?created ?id
            """
        )
        return [_environment(row) for row in rows]

    # ------------------------------------------------------------ writes

    def create(self, name: str, upload: GraphUpload, environment_id: str | None = None) -> Environment:
        """Store a new environment; `environment_id` is chosen by the caller only for bundled samples."""
        with self._write:
            if environment_id is None:
                environment_id = self._new_id(name)
            elif self._environments(environment_id):
                raise StoreError(f"environment {environment_id!r} exists already")
            now = dt.datetime.now(dt.UTC)
            self.backend.update(self._write_update(environment_id, name, upload, created=now, modified=now, revision=1))
            return self.get(environment_id)  # inside the lock: the next writer's revision is not this answer's

    def replace(self, environment_id: str, upload: GraphUpload, name: str | None = None) -> Environment:
        """Replace the graph and its findings in one transaction."""
        with self._write:
            current = self.get(environment_id)
            update = self._write_update(
                environment_id,
                name or current.name,
                upload,
                created=current.created,
                modified=dt.datetime.now(dt.UTC),
                revision=current.revision + 1,
            )
            self.backend.update(update)
            return self.get(environment_id)  # inside the lock: the next writer's revision is not this answer's

    def delete(self, environment_id: str) -> None:
        with self._write:
            self.get(environment_id)
            env = _iri(environment_iri(environment_id))
            old = self._drop_revisions(environment_id, [r.number for r in self.revisions(environment_id)])
            self.backend.update(
                f"{old}DROP SILENT GRAPH {env} ;\n"
                f"DROP SILENT GRAPH {_iri(findings_iri(environment_id))} ;\n"
                f"DELETE WHERE {{ GRAPH {_iri(METADATA_GRAPH_IRI)} {{ {env} ?p ?o }} }}"
            )

    def record_findings(
        self, environment_id: str, revision: int, findings: list[ox.Triple], validation: ValidationSummary
    ) -> bool:
        """Keep a new validation of the graph at `revision`; False (and nothing stored) if the graph changed since."""
        with self._write:
            try:
                current = self.get(environment_id)
            except NotFoundError:
                return False
            if current.revision != revision:
                return False
            env = _iri(environment_iri(environment_id))
            graph = _iri(findings_iri(environment_id))
            metadata = _iri(METADATA_GRAPH_IRI)
            properties = " ".join(
                _svc(name)
                for name in ("lastValidated", "asOf", "conforms", "violations", "warnings", "infos", "score")
            )
            self.backend.update(
                f"DROP SILENT GRAPH {graph} ;\n"
                f"CREATE SILENT GRAPH {graph} ;\n"
                f"DELETE {{ GRAPH {metadata} {{ {env} ?p ?o }} }} WHERE {{ GRAPH {metadata} {{ {env} ?p ?o }}"
                f" VALUES ?p {{ {properties} }} }} ;\n"
                f"INSERT DATA {{ GRAPH {graph} {{\n{_findings_ntriples(environment_id, findings, validation)}\n}}\n"
                f"GRAPH {metadata} {{\n{self._validation_triples(env, validation)}\n}} }}"
            )
        return True

    def replace_knowledge(self, ontology: list[ox.Triple], shapes: list[ox.Triple]) -> None:
        """Put the bundled ontology and shapes in their graphs (replacing an older copy)."""
        with self._write:
            ontology_graph, shapes_graph = _iri(ONTOLOGY_GRAPH_IRI), _iri(SHAPES_GRAPH_IRI)
            self.backend.update(
                f"DROP SILENT GRAPH {ontology_graph} ;\nDROP SILENT GRAPH {shapes_graph} ;\n"
                f"INSERT DATA {{ GRAPH {ontology_graph} {{\n{ntriples(ontology, 'o')}\n}}\n"
                f"GRAPH {shapes_graph} {{\n{ntriples(shapes, 's')}\n}} }}"
            )

    def mark_initialized(self) -> None:
        with self._write:
            self.backend.update(
                f"INSERT DATA {{ GRAPH {_iri(METADATA_GRAPH_IRI)} {{ "
                f"{_iri(STORE_NODE_IRI)} {_svc('samplesLoaded')} {_literal(True)} }} }}"
            )

    def _new_id(self, name: str) -> str:
        base = slug(name)
        while True:
            candidate = f"{base}-{secrets.token_hex(3)}"
            if not self._environments(candidate):
                return candidate

    def _write_update(
        self,
        environment_id: str,
        name: str,
        upload: GraphUpload,
        *,
        created: dt.datetime,
        modified: dt.datetime,
        revision: int,
    ) -> str:
        env = _iri(environment_iri(environment_id))
        graph = _iri(findings_iri(environment_id))
        metadata = _iri(METADATA_GRAPH_IRI)
        description = [
            f"{env} {_iri(RDF_IRI + 'type')} {_svc('Environment')} .",
            f"{env} {_svc('id')} {_literal(environment_id)} .",
            f"{env} {_iri(RDFS_IRI + 'label')} {_literal(name)} .",
            f"{env} {_svc('tripleCount')} {_literal(len(upload.triples))} .",
            f"{env} {_iri(DCTERMS_IRI + 'created')} {_literal(created)} .",
            f"{env} {_iri(DCTERMS_IRI + 'modified')} {_literal(modified)} .",
            f"{env} {_svc('revision')} {_literal(revision)} .",
            f"{env} {_svc('findingsGraph')} {graph} .",
        ]
        if upload.source:
            description.append(f"{env} {_svc('source')} {_literal(upload.source)} .")
        revision_update = ""
        if upload.report_json is not None:
            record = RevisionRecord(revision, modified, upload.author, len(upload.triples), upload.report_json)
            revision_update = " ;\n" + self._revision_update(environment_id, upload, record)
        return (
            f"DROP SILENT GRAPH {env} ;\n"
            f"DROP SILENT GRAPH {graph} ;\n"
            f"DELETE WHERE {{ GRAPH {metadata} {{ {env} ?p ?o }} }} ;\n"
            f"CREATE SILENT GRAPH {env} ;\n"
            f"CREATE SILENT GRAPH {graph} ;\n"
            f"INSERT DATA {{\n"
            f"GRAPH {env} {{\n{ntriples(upload.triples, 'd')}\n}}\n"
            f"GRAPH {graph} {{\n{_findings_ntriples(environment_id, upload.findings, upload.validation)}\n}}\n"
            f"GRAPH {metadata} {{\n{chr(10).join(description)}\n"
            f"{self._validation_triples(env, upload.validation)}\n}}\n"
            f"}}{revision_update}"
        )

    # ------------------------------------------------------------ revisions

    def revisions(self, environment_id: str) -> list[Revision]:
        """The environment's kept revisions, newest first."""
        return self._revisions(environment_id)

    def revision(self, environment_id: str, number: int) -> Revision:
        self.get(environment_id)
        found = self._revisions(environment_id, number)
        if not found:
            raise not_found(environment_id, number)
        return found[0]

    def revision_graph(self, environment_id: str, number: int) -> list[ox.Triple]:
        return self.backend.graph(self.revision(environment_id, number).graph)

    def revision_report(self, environment_id: str, number: int) -> str:
        """The advisor's JSON report of a revision, as it was validated when the revision was made."""
        graph = _iri(self.revision(environment_id, number).findings_graph)
        rows = self.backend.select(f"SELECT ?json WHERE {{ GRAPH {graph} {{ {graph} {_svc('reportJson')} ?json }} }}")
        if not rows:
            raise StoreError(f"revision {number} of {environment_id!r} has no stored report")
        return _value(rows[0], "json") or ""

    def _revisions(self, environment_id: str, number: int | None = None) -> list[Revision]:
        env = _iri(environment_iri(environment_id))
        restrict = f"FILTER(?number = {_literal(number)})" if number is not None else ""
        rows = self.backend.select(
            f"""
            PREFIX svc: <{SERVICE_IRI}>
            PREFIX dcterms: <{DCTERMS_IRI}>
            SELECT ?number ?created ?author ?triples ?graph ?findings ?asOf ?conforms ?violations ?warnings ?infos
                   ?score
            WHERE {{ GRAPH {_iri(METADATA_GRAPH_IRI)} {{
                ?rev a svc:Revision ; svc:environment {env} ; svc:number ?number ; dcterms:created ?created ;
                     svc:tripleCount ?triples ; svc:graph ?graph ; svc:findingsGraph ?findings ; svc:asOf ?asOf ;
                     svc:conforms ?conforms ; svc:violations ?violations ; svc:warnings ?warnings ; svc:infos ?infos .
                {restrict}
                OPTIONAL {{ ?rev dcterms:creator ?author }}
                OPTIONAL {{ ?rev svc:score ?score }}
            }} }}
            ORDER BY DESC(?number)
            """
        )
        return [revision_of(environment_id, row) for row in rows]

    def _revision_update(self, environment_id: str, upload: GraphUpload, record: RevisionRecord) -> str:
        """INSERT DATA for a new revision, after dropping the revisions that fall out of the retention."""
        number = record.number
        graph = revision_graph_iri(environment_iri(environment_id), number)
        findings = revision_graph_iri(findings_iri(environment_id), number)
        node = _iri(revision_node_iri(environment_id, number))
        validation = upload.validation
        description = [
            f"{node} {_iri(RDF_IRI + 'type')} {_svc('Revision')} .",
            f"{node} {_svc('environment')} {_iri(environment_iri(environment_id))} .",
            f"{node} {_svc('number')} {_literal(number)} .",
            f"{node} {_iri(DCTERMS_IRI + 'created')} {_literal(record.created)} .",
            f"{node} {_svc('tripleCount')} {_literal(record.triples)} .",
            f"{node} {_svc('graph')} {_iri(graph)} .",
            f"{node} {_svc('findingsGraph')} {_iri(findings)} .",
            f"{node} {_svc('asOf')} {_literal(validation.as_of)} .",
            f"{node} {_svc('conforms')} {_literal(validation.conforms)} .",
        ]
        description += [
            f"{node} {_svc(name)} {_literal(validation.counts.get(severity, 0))} ."
            for severity, name in SEVERITY_COUNTS.items()
        ]
        if validation.score is not None:
            description.append(f"{node} {_svc('score')} {_literal(validation.score)} .")
        if record.author:
            description.append(f"{node} {_iri(DCTERMS_IRI + 'creator')} {_literal(record.author)} .")
        report = ox.Triple(ox.NamedNode(findings), ox.NamedNode(SERVICE_IRI + "reportJson"), _term(record.report_json))
        kept = {r.number for r in self._revisions(environment_id)} | {number}
        dropped = sorted(n for n in kept if n <= number - self.revision_retention)
        return (
            f"{self._drop_revisions(environment_id, [*dropped, number])}"
            f"INSERT DATA {{\n"
            f"GRAPH {_iri(graph)} {{\n{ntriples(upload.triples, f'r{number}d')}\n}}\n"
            f"GRAPH {_iri(findings)} {{\n"
            f"{_findings_ntriples(environment_id, upload.findings, validation, node=findings)}\n"
            f"{ntriples([report], f'r{number}f')}\n}}\n"
            f"GRAPH {_iri(METADATA_GRAPH_IRI)} {{\n{chr(10).join(description)}\n}}\n"
            f"}}"
        )

    @staticmethod
    def _drop_revisions(environment_id: str, numbers: list[int]) -> str:
        """The update steps (each ending in ' ;') that remove these revisions' graphs and descriptions."""
        steps = []
        for number in numbers:
            node = _iri(revision_node_iri(environment_id, number))
            steps += [
                f"DROP SILENT GRAPH {_iri(revision_graph_iri(environment_iri(environment_id), number))} ;",
                f"DROP SILENT GRAPH {_iri(revision_graph_iri(findings_iri(environment_id), number))} ;",
                f"DELETE WHERE {{ GRAPH {_iri(METADATA_GRAPH_IRI)} {{ {node} ?p ?o }} }} ;",
            ]
        return "".join(step + "\n" for step in steps)

    @staticmethod
    def _validation_triples(env: str, validation: ValidationSummary) -> str:
        lines = [
            f"{env} {_svc('lastValidated')} {_literal(validation.validated_at)} .",
            f"{env} {_svc('asOf')} {_literal(validation.as_of)} .",
            f"{env} {_svc('conforms')} {_literal(validation.conforms)} .",
        ]
        for severity, name in SEVERITY_COUNTS.items():
            lines.append(f"{env} {_svc(name)} {_literal(validation.counts.get(severity, 0))} .")
        if validation.score is not None:
            lines.append(f"{env} {_svc('score')} {_literal(validation.score)} .")
        return "\n".join(lines)


def _findings_ntriples(
    environment_id: str, findings: list[ox.Triple], validation: ValidationSummary, node: str | None = None
) -> str:
    """The SHACL report plus what the advisor knows of the validation, on the findings graph's own node
    (`node`: a revision's findings graph, else the environment's latest)."""
    blank = "f" if node is None else f"{node.rsplit(':', 1)[-1]}f"
    node = ox.NamedNode(node or findings_iri(environment_id))
    svc = SERVICE_IRI
    described = [
        ox.Triple(node, ox.NamedNode(RDF_IRI + "type"), ox.NamedNode(svc + "Findings")),
        ox.Triple(node, ox.NamedNode(svc + "environment"), ox.NamedNode(environment_iri(environment_id))),
        ox.Triple(node, ox.NamedNode(svc + "validatedAt"), _term(validation.validated_at)),
        ox.Triple(node, ox.NamedNode(svc + "asOf"), _term(validation.as_of)),
        ox.Triple(node, ox.NamedNode(svc + "conforms"), _term(validation.conforms)),
    ]
    for severity, name in SEVERITY_COUNTS.items():
        described.append(ox.Triple(node, ox.NamedNode(svc + name), _term(validation.counts.get(severity, 0))))
    if validation.score is not None:
        described.append(ox.Triple(node, ox.NamedNode(svc + "score"), _term(validation.score)))
    report_type = (ox.NamedNode(RDF_IRI + "type"), ox.NamedNode(SH_IRI + "ValidationReport"))
    for triple in findings:
        if (triple.predicate, triple.object) == report_type:
            described.append(ox.Triple(node, ox.NamedNode(svc + "report"), triple.subject))
    return ntriples([*findings, *described], blank)


def _value(row: dict[str, object], name: str) -> str | None:
    term = row.get(name)
    return None if term is None else term.value  # type: ignore[attr-defined]


def _environment(row: dict[str, object]) -> Environment:
    validation = None
    if row.get("validated") is not None:
        validation = ValidationSummary(
            validated_at=dt.datetime.fromisoformat(_value(row, "validated")),  # type: ignore[arg-type]
            as_of=dt.date.fromisoformat(_value(row, "asOf")),  # type: ignore[arg-type]
            conforms=_value(row, "conforms") == "true",
            counts={severity: int(_value(row, name) or 0) for severity, name in SEVERITY_COUNTS.items()},
            score=float(_value(row, "score")) if row.get("score") is not None else None,  # type: ignore[arg-type]
        )
    return Environment(
        id=_value(row, "id") or "",
        name=_value(row, "name") or "",
        triples=int(_value(row, "triples") or 0),
        created=dt.datetime.fromisoformat(_value(row, "created")),  # type: ignore[arg-type]
        modified=dt.datetime.fromisoformat(_value(row, "modified")),  # type: ignore[arg-type]
        revision=int(_value(row, "revision") or 0),
        source=_value(row, "source"),
        validation=validation,
    )


def open_store(data_dir: Path, revision_retention: int = 100) -> EnvironmentStore:
    """The environment store kept in `data_dir` (created when missing)."""
    return EnvironmentStore(OxigraphStore(data_dir / "store"), revision_retention)


def store_from_settings(settings: Settings) -> EnvironmentStore:
    """The remote store the settings name (store_query_url, store_update_url), else the embedded one in data_dir."""
    from advisor.remote_store import RemoteStore, endpoints_of

    endpoints = endpoints_of(settings)
    if endpoints is None:
        return open_store(settings.data_dir, settings.revision_retention)
    return EnvironmentStore(RemoteStore(endpoints, settings), settings.revision_retention)


__all__ = [
    "ENVIRONMENT_PREFIX",
    "FINDINGS_PREFIX",
    "METADATA_GRAPH_IRI",
    "ONTOLOGY_GRAPH_IRI",
    "SERVICE_IRI",
    "SHAPES_GRAPH_IRI",
    "SH_IRI",
    "Environment",
    "EnvironmentStore",
    "GraphUpload",
    "OxigraphStore",
    "SparqlStore",
    "StoreError",
    "StoreUnavailableError",
    "ValidationSummary",
    "open_store",
    "store_from_settings",
]
