"""A remote SPARQL 1.1 store: the SPARQL 1.1 Protocol (query, update) and the Graph Store HTTP Protocol.

Set by the operator (`store_query_url`, `store_update_url`, `store_graph_url`), never by a request: a
client's query goes to the query endpoint and nowhere else. Every change the advisor makes is one
update request, which a SPARQL 1.1 store applies as one transaction, so every replica sharing the
store reads the graph before a replace or after it, never a mix. Reads and idempotent requests are
retried when the store cannot be reached or answers 502, 503 or 504; updates only when they never
reached it (every update the advisor sends drops what it inserts first, so a resent one changes nothing
more).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import logging
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import anyio
import httpx
import pyoxigraph as ox

from advisor.config import Settings, setting_hint
from advisor.errors import AdvisorError, TimeLimitError
from advisor.sparql import (
    GRAPH_MEDIA_TYPES,
    RESULT_MEDIA_TYPES,
    QueryFailedError,
    QueryForm,
    QueryRequest,
    _too_many,
    dataset_of,
    names_dataset,
    on_large_stack,
    syntax_error,
)
from advisor.store import SERVICE_IRI, Isolate, StoreUnavailableError, solution_rows

log = logging.getLogger("advisor.store")

TSV = "text/tab-separated-values"
N_TRIPLES = "application/n-triples"
RESULTS_JSON = "application/sparql-results+json"
RETRY_STATUSES = frozenset({502, 503, 504})
RETRY_PAUSE_SECONDS = 0.2
LOCKS_GRAPH_IRI = "urn:hv-advisor:locks"
EMPTY_GRAPH_IRI = "urn:hv-advisor:no-graph"  # never written: an empty default graph
LOCK_NODE_PREFIX = "urn:hv-advisor:lock:"
LOCK_POLL_SECONDS = 0.01
LOCK_LEASE_SECONDS = 10.0  # a claim not renewed for this long is a crashed replica's, and ignored
LOCK_RENEW_SECONDS = 3.0  # how often a live claim is renewed


@dataclass(frozen=True)
class RemoteEndpoints:
    query: str
    update: str
    graph: str | None = None


def endpoints_of(settings: Settings) -> RemoteEndpoints | None:
    """The remote store the settings name, or None for the embedded one; a half-set pair names what is missing."""
    query, update = settings.store_query_url, settings.store_update_url
    if not query and not update and not settings.store_graph_url:
        return None
    for name, value in (("store_query_url", query), ("store_update_url", update)):
        if not value:
            raise AdvisorError(f"a remote store needs {setting_hint(name)} as well")
    for name in ("store_query_url", "store_update_url", "store_graph_url"):
        value = getattr(settings, name)
        if value and not value.startswith(("http://", "https://")):
            raise AdvisorError(f"{setting_hint(name)} must be an http:// or https:// URL, not {value!r}")
    return RemoteEndpoints(str(query), str(update), settings.store_graph_url or None)


def _auth_headers(settings: Settings) -> dict[str, str]:
    if settings.store_token is not None:
        return {"authorization": f"Bearer {settings.store_token.get_secret_value()}"}
    if settings.store_username:
        password = settings.store_password.get_secret_value() if settings.store_password else ""
        pair = base64.b64encode(f"{settings.store_username}:{password}".encode()).decode("ascii")
        return {"authorization": f"Basic {pair}"}
    return {}


def check_syntax(query: str) -> None:
    """Parse the query as the embedded store would (on an empty store), for the same syntax errors with
    line and column; run in a query worker, on a large stack."""

    def parse() -> None:
        try:
            ox.Store().query(query)
        except SyntaxError as error:
            raise syntax_error(error) from None

    on_large_stack(parse)


class RemoteStore:
    """A `SparqlStore` over HTTP."""

    def __init__(self, endpoints: RemoteEndpoints, settings: Settings) -> None:
        self.endpoints = endpoints
        self.retries = settings.store_retries
        self.timeout = settings.store_timeout_seconds
        self._client = httpx.Client(
            headers={"user-agent": "hv-backup-advisor", **_auth_headers(settings)},
            timeout=self.timeout,
            follow_redirects=False,  # the store is where the settings say, not where an answer points
        )

    # ------------------------------------------------------------ requests

    def _send(self, method: str, url: str, *, idempotent: bool, **kwargs: object) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = self._client.request(method, url, **kwargs)  # type: ignore[arg-type]
            except httpx.TimeoutException as error:
                if isinstance(error, httpx.ConnectTimeout) and attempt < self.retries:
                    attempt += 1
                    time.sleep(RETRY_PAUSE_SECONDS * attempt)
                    continue
                raise
            except httpx.ConnectError as error:
                if attempt < self.retries:
                    attempt += 1
                    time.sleep(RETRY_PAUSE_SECONDS * attempt)
                    continue
                log.error("the remote store at %s cannot be reached: %s", url, error)
                raise StoreUnavailableError(
                    f"the remote store cannot be reached; check its address ({setting_hint('store_query_url')} "
                    "and the others) and that it is running"
                ) from None
            except httpx.HTTPError as error:
                if idempotent and attempt < self.retries:
                    attempt += 1
                    time.sleep(RETRY_PAUSE_SECONDS * attempt)
                    continue
                log.error("the remote store at %s failed: %s", url, error)
                raise StoreUnavailableError("the remote store failed to answer; see the service's log") from None
            if response.status_code in RETRY_STATUSES and idempotent and attempt < self.retries:
                attempt += 1
                time.sleep(RETRY_PAUSE_SECONDS * attempt)
                continue
            return response

    def _checked(self, response: httpx.Response, what: str) -> httpx.Response:
        if response.status_code in (401, 403):
            raise StoreUnavailableError(
                f"the remote store refused the {what} ({response.status_code}): check "
                f"{setting_hint('store_username')}, store_password or store_token"
            )
        if response.status_code >= 300:
            log.error("the remote store answered %s to the %s: %s", response.status_code, what, response.text[:2000])
            raise StoreUnavailableError(
                f"the remote store answered {response.status_code} to the {what}; see the service's log"
            )
        return response

    def _query(self, query: str, accept: str) -> bytes:
        try:
            response = self._send(
                "POST",
                self.endpoints.query,
                idempotent=True,
                data={"query": query},
                headers={"accept": accept},
            )
        except httpx.TimeoutException:
            raise StoreUnavailableError(
                f"the remote store did not answer a query within {self.timeout:g} s "
                f"({setting_hint('store_timeout_seconds')})"
            ) from None
        return self._checked(response, "query").content

    # ------------------------------------------------------------ SparqlStore

    def select(self, query: str) -> list[dict[str, object]]:
        return solution_rows(
            ox.parse_query_results(self._query(query, RESULTS_JSON), format=ox.QueryResultsFormat.JSON)
        )

    def construct(self, query: str) -> list[ox.Triple]:
        data = self._query(query, N_TRIPLES)
        return [quad.triple for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]

    def graph(self, iri: str) -> list[ox.Triple]:
        """A whole named graph: a Graph Store Protocol GET when store_graph_url is set, else a CONSTRUCT."""
        if self.endpoints.graph is None:
            return self.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
        try:
            response = self._send(
                "GET", self.endpoints.graph, idempotent=True, params={"graph": iri}, headers={"accept": N_TRIPLES}
            )
        except httpx.TimeoutException:
            raise StoreUnavailableError(
                f"the remote store did not send a graph within {self.timeout:g} s "
                f"({setting_hint('store_timeout_seconds')})"
            ) from None
        if response.status_code == 404:
            return []
        data = self._checked(response, "graph read").content
        return [quad.triple for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]

    def update(self, update: str) -> None:
        try:
            response = self._send(
                "POST",
                self.endpoints.update,
                idempotent=False,
                content=update.encode("utf-8"),
                headers={"content-type": "application/sparql-update"},
            )
        except httpx.TimeoutException:
            raise StoreUnavailableError(
                f"the remote store did not confirm an update within {self.timeout:g} s "
                f"({setting_hint('store_timeout_seconds')}); it may or may not have been applied"
            ) from None
        self._checked(response, "update")

    async def answer(self, request: QueryRequest, isolate: Isolate, timeout: float) -> bytes:
        """An untrusted, checked query: parsed in a query worker (the same syntax errors as the embedded
        store), evaluated by the remote store within `timeout` and refused past `request.max_results`."""
        await isolate(check_syntax, request.query)
        return await anyio.to_thread.run_sync(self._answer, request, timeout)

    def _answer(self, request: QueryRequest, timeout: float) -> bytes:
        form = request.form
        accept = N_TRIPLES if form.returns_graph else RESULTS_JSON if form is QueryForm.ASK else TSV
        defaults, named = request.default_graphs, request.named_graphs
        if not defaults and not named and names_dataset(request.query):
            defaults, named = dataset_of(request.query)  # a store whose default graph is the union may ignore FROM
        form_data: dict[str, str | list[str]] = {"query": request.query}
        if defaults:
            form_data["default-graph-uri"] = list(defaults)
        if named:
            form_data["named-graph-uri"] = list(named)
        if named and not defaults:
            form_data["default-graph-uri"] = [EMPTY_GRAPH_IRI]  # FROM NAMED alone: an empty default graph
        limit_lines = request.max_results + (0 if form.returns_graph else 1)  # TSV: the header line
        deadline = time.monotonic() + timeout
        chunks: list[bytes] = []
        try:
            with self._client.stream(
                "POST", self.endpoints.query, data=form_data, headers={"accept": accept}, timeout=timeout
            ) as response:
                if response.status_code == 400:
                    response.read()
                    raise QueryFailedError(f"the store refused the query: {response.text[:500]}")
                if response.status_code >= 300:
                    response.read()
                    self._checked(response, "query")
                lines = 0
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    lines += chunk.count(b"\n")
                    if form is not QueryForm.ASK and lines > limit_lines:
                        what = "triples" if form.returns_graph else "rows"
                        raise _too_many(request.max_results, what)
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("deadline")
        except httpx.TimeoutException:
            raise TimeLimitError(
                f"the query ran longer than the limit of {timeout:g} s and was stopped: "
                "narrow it down (fewer graphs, more selective patterns, a LIMIT)",
                limit="sparql_timeout_seconds",
                maximum=timeout,
            ) from None
        except httpx.TransportError as error:
            log.error("the remote store failed while answering a query: %s", error)
            raise StoreUnavailableError("the remote store failed while answering the query") from None
        data = b"".join(chunks)
        if form is QueryForm.ASK:
            results = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
            return results.serialize(format=RESULT_MEDIA_TYPES[request.media_type])
        if form.returns_graph:
            triples = [quad.triple for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
            fmt = GRAPH_MEDIA_TYPES[request.media_type]
            return ox.serialize(triples, format=fmt, prefixes=request.prefixes or None)
        target = RESULT_MEDIA_TYPES[request.media_type]
        if target is ox.QueryResultsFormat.TSV:
            return data
        return ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV).serialize(format=target)

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """One writer at a time across every replica sharing the store (see WriteLock)."""
        lock = WriteLock(self)
        lock.acquire()
        try:
            yield
        finally:
            lock.release()

    def close(self) -> None:
        self._client.close()


class WriteLock:
    """Lamport's bakery algorithm over the store's graph <urn:hv-advisor:locks>.

    A SPARQL store applies each update atomically, but need not isolate concurrent ones from each other
    (oxigraph serve does not: two `DROP GRAPH; INSERT DATA` at once leave the union of both). So the
    replicas take turns, with the one thing such a store does guarantee: a read sees every update that
    finished before it. Each writer writes only triples of its own (a `choosing` flag, then a ticket one
    above the highest it sees) and goes ahead once no one is choosing and its (ticket, token) is the
    lowest. A live claim is renewed every LOCK_RENEW_SECONDS; one of a replica that died (kill -9, a lost
    machine) is ignored and removed once LOCK_LEASE_SECONDS have passed without a renewal."""

    def __init__(self, store: RemoteStore) -> None:
        self.store = store
        self.token = secrets.token_hex(8)
        self.node = f"<{LOCK_NODE_PREFIX}{self.token}>"
        self._released = threading.Event()
        self._renewer: threading.Thread | None = None

    @staticmethod
    def _expiry() -> str:
        expires = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=LOCK_LEASE_SECONDS)).isoformat()
        return f'"{expires}"^^<http://www.w3.org/2001/XMLSchema#dateTime>'

    def _renew(self) -> None:
        expires, graph = f"<{SERVICE_IRI}expires>", f"<{LOCKS_GRAPH_IRI}>"
        while not self._released.wait(LOCK_RENEW_SECONDS):
            with contextlib.suppress(AdvisorError):
                self.store.update(
                    f"DELETE {{ GRAPH {graph} {{ {self.node} {expires} ?old }} }} "
                    f"INSERT {{ GRAPH {graph} {{ {self.node} {expires} {self._expiry()} }} }} "
                    f"WHERE {{ GRAPH {graph} {{ {self.node} {expires} ?old }} }}"
                )

    def _claims(self) -> list[tuple[str, bool, int | None]]:
        """The live claims: (token, choosing, ticket); expired ones are removed on the way."""
        rows = self.store.select(
            f"PREFIX svc: <{SERVICE_IRI}> SELECT ?claim ?choosing ?ticket ?expires WHERE {{ GRAPH <{LOCKS_GRAPH_IRI}> "
            f"{{ ?claim svc:expires ?expires OPTIONAL {{ ?claim svc:choosing ?choosing }} "
            f"OPTIONAL {{ ?claim svc:ticket ?ticket }} }} }}"
        )
        now = dt.datetime.now(dt.UTC)
        claims, expired = [], []
        for row in rows:
            claim = str(row["claim"].value)  # type: ignore[attr-defined]
            if dt.datetime.fromisoformat(row["expires"].value) < now:  # type: ignore[attr-defined]
                expired.append(claim)
                continue
            choosing = row.get("choosing")
            ticket = row.get("ticket")
            claims.append((
                claim.removeprefix(LOCK_NODE_PREFIX),
                choosing is None or choosing.value == "true",  # type: ignore[attr-defined]
                int(ticket.value) if ticket is not None else None,  # type: ignore[attr-defined]
            ))
        for claim in expired:
            log.warning("a write lock claim of a replica that stopped has expired: %s", claim)
            self.store.update(f"DELETE WHERE {{ GRAPH <{LOCKS_GRAPH_IRI}> {{ <{claim}> ?p ?o }} }}")
        return claims

    def acquire(self) -> None:
        try:
            self._acquire()
        except BaseException:
            with contextlib.suppress(AdvisorError):
                self.release()  # a failed attempt leaves no claim to wait for
            raise

    def _acquire(self) -> None:
        svc = f"<{SERVICE_IRI}"
        graph = f"<{LOCKS_GRAPH_IRI}>"
        self.store.update(
            f"INSERT DATA {{ GRAPH {graph} {{ {self.node} {svc}choosing> true ; {svc}expires> {self._expiry()} }} }}"
        )
        self._renewer = threading.Thread(target=self._renew, name="advisor-store-lock", daemon=True)
        self._renewer.start()
        tickets = [ticket for _, _, ticket in self._claims() if ticket is not None]
        mine = max(tickets, default=0) + 1
        self.store.update(
            f"DELETE DATA {{ GRAPH {graph} {{ {self.node} {svc}choosing> true }} }} ;\n"
            f"INSERT DATA {{ GRAPH {graph} {{ {self.node} {svc}choosing> false ; {svc}ticket> {mine} }} }}"
        )
        deadline = time.monotonic() + self.store.timeout
        while True:
            others = [claim for claim in self._claims() if claim[0] != self.token]
            ahead = [
                token
                for token, choosing, ticket in others
                if choosing or (ticket is not None and (ticket, token) < (mine, self.token))
            ]
            if not ahead:
                return
            if time.monotonic() > deadline:
                raise StoreUnavailableError(
                    f"another replica held the store's write lock for longer than {self.store.timeout:g} s "
                    f"({setting_hint('store_timeout_seconds')})"
                )
            time.sleep(LOCK_POLL_SECONDS)

    def release(self) -> None:
        self._released.set()
        if self._renewer is not None:
            self._renewer.join()
        self.store.update(f"DELETE WHERE {{ GRAPH <{LOCKS_GRAPH_IRI}> {{ {self.node} ?p ?o }} }}")


__all__ = ["RemoteEndpoints", "RemoteStore", "check_syntax", "endpoints_of"]
