"""The remote store's settings, credentials and failures, against real HTTP servers started here."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from advisor.config import Settings
from advisor.errors import AdvisorError
from advisor.store import StoreUnavailableError, store_from_settings
from api.app import create_app
from tests.api.conftest import assert_problem, running
from tests.api.remote import free_port, oxigraph_serving

EMPTY_RESULTS = json.dumps({"head": {"vars": ["id"]}, "results": {"bindings": []}}).encode()


def settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, **values)  # type: ignore[call-arg]


class Recording(BaseHTTPRequestHandler):
    """A stand-in SPARQL endpoint that records each request's headers and answers with no rows; on /moved
    with a redirect, on /flaky with a 503 every other time, on /slow after a while."""

    seen: ClassVar[list[dict[str, str]]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        type(self).seen.append({k.lower(): v for k, v in self.headers.items()})
        if self.path.startswith("/flaky") and len(type(self).seen) % 2:
            self.send_response(503)
            self.send_header("content-length", "0")
            self.end_headers()
            return
        if self.path.startswith("/slow"):
            time.sleep(1.0)
        if self.path.startswith("/moved"):
            self.send_response(307)
            self.send_header("location", "http://127.0.0.1:9/elsewhere")
            self.send_header("content-length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("content-type", "application/sparql-results+json")
        self.send_header("content-length", str(len(EMPTY_RESULTS)))
        self.end_headers()
        self.wfile.write(EMPTY_RESULTS)

    def log_message(self, *args: object) -> None:
        """Quiet."""


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (the time limit test) is expected."""


@contextlib.contextmanager
def recording_endpoint() -> Iterator[str]:
    Recording.seen = []
    server = QuietServer(("127.0.0.1", 0), Recording)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"store_query_url": "http://127.0.0.1:1/query"}, "store_update_url"),
        ({"store_update_url": "http://127.0.0.1:1/update"}, "store_query_url"),
        ({"store_graph_url": "http://127.0.0.1:1/store"}, "store_query_url"),
        ({"store_query_url": "file:///etc/passwd", "store_update_url": "http://127.0.0.1:1/u"}, "store_query_url"),
    ],
)
def test_a_half_set_or_wrong_store_names_the_setting(tmp_path: Path, values: dict, named: str) -> None:
    with pytest.raises(AdvisorError, match=f"{named} \\(ADVISOR_{named.upper()}\\)"):
        store_from_settings(settings(tmp_path, **values))


def test_a_half_set_store_stops_the_start_before_the_server_listens(tmp_path: Path) -> None:
    with pytest.raises(AdvisorError, match="store_update_url"):
        create_app(settings(tmp_path, store_query_url="http://127.0.0.1:1/query"))


def test_no_store_urls_is_the_embedded_store(tmp_path: Path) -> None:
    store = store_from_settings(settings(tmp_path))
    try:
        assert store.list() == [] and (tmp_path / "store").is_dir()
    finally:
        store.close()


def test_an_unreachable_store_is_unavailable_after_the_retries(tmp_path: Path) -> None:
    port = free_port()  # nobody listens there
    store = store_from_settings(
        settings(
            tmp_path,
            store_query_url=f"http://127.0.0.1:{port}/query",
            store_update_url=f"http://127.0.0.1:{port}/update",
            store_retries=1,
        )
    )
    try:
        with pytest.raises(StoreUnavailableError, match="store_query_url") as raised:
            store.list()
        assert str(port) not in raised.value.message  # the store's address stays in the log
    finally:
        store.close()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"store_username": "advisor", "store_password": "s3cret"}, "Basic YWR2aXNvcjpzM2NyZXQ="),
        ({"store_token": "t0ken"}, "Bearer t0ken"),
        ({}, None),
    ],
)
def test_credentials_are_sent_to_the_store(tmp_path: Path, values: dict, expected: str | None) -> None:
    with recording_endpoint() as url:
        store = store_from_settings(
            settings(tmp_path, store_query_url=f"{url}/query", store_update_url=f"{url}/update", **values)
        )
        try:
            assert store.list() == []
        finally:
            store.close()
    assert [headers.get("authorization") for headers in Recording.seen] == [expected]


def test_a_redirect_from_the_store_is_not_followed(tmp_path: Path) -> None:
    with recording_endpoint() as url:
        store = store_from_settings(
            settings(tmp_path, store_query_url=f"{url}/moved", store_update_url=f"{url}/update", store_retries=0)
        )
        try:
            with pytest.raises(StoreUnavailableError, match="307"):
                store.list()
        finally:
            store.close()
    assert len(Recording.seen) == 1


@pytest.mark.anyio
async def test_a_store_that_goes_away_makes_the_replica_unready_and_its_answers_503(tmp_path: Path) -> None:
    with oxigraph_serving(tmp_path / "oxigraph") as store:
        async with running(settings(tmp_path, load_samples=False, store_retries=0, **store.settings)) as client:
            assert (await client.get("/readyz")).status_code == 200
            store.stop()
            ready = await client.get("/readyz")
            assert_problem(ready, 503, "not-ready")
            assert "store" in ready.json()["detail"]
            body = assert_problem(await client.get("/v1/environments"), 503, "store-unavailable")
            assert "store_query_url" in body["detail"] and str(store.port) not in body["detail"]
            assert (await client.get("/healthz")).status_code == 200  # alive: a restart would not help


def test_a_read_answered_503_is_retried(tmp_path: Path) -> None:
    with recording_endpoint() as url:
        store = store_from_settings(
            settings(tmp_path, store_query_url=f"{url}/flaky", store_update_url=f"{url}/update", store_retries=1)
        )
        try:
            assert store.list() == []
        finally:
            store.close()
    assert len(Recording.seen) == 2


def test_a_store_slower_than_its_time_limit_names_the_setting(tmp_path: Path) -> None:
    with recording_endpoint() as url:
        store = store_from_settings(
            settings(
                tmp_path,
                store_query_url=f"{url}/slow",
                store_update_url=f"{url}/update",
                store_timeout_seconds=0.2,
                store_retries=0,
            )
        )
        try:
            with pytest.raises(StoreUnavailableError, match="store_timeout_seconds"):
                store.list()
        finally:
            store.close()
