"""Fixtures of the hostile-input tests: tripwires, and the real service with its audit log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import PROBLEM_KEYS
from tests.security.harness import AuditedServer, Canary, Tripwire

# The service's whole process group may grow by this much while it handles one hostile request.
MEMORY_HEADROOM = 300 * 1024 * 1024


@pytest.fixture(scope="module")
def tripwire() -> Iterator[Tripwire]:
    wire = Tripwire()
    yield wire
    wire.close()


@pytest.fixture(scope="module")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Canary]:
    """A canary outside every directory the service may open."""
    pipe = Canary(tmp_path_factory.mktemp("canary"))
    yield pipe
    pipe.close()


@pytest.fixture(autouse=True)
def nothing_reached(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every test of this package: no connection reached the tripwire, nobody opened the canary."""
    yield
    for name, check in (("tripwire", lambda w: w.connections), ("canary", lambda c: c.opens)):
        if name in request.fixturenames:
            assert not check(request.getfixturevalue(name)), f"the {name} was reached"


def start_server(tmp_path_factory: pytest.TempPathFactory, **settings: object) -> AuditedServer:
    server = AuditedServer(tmp_path_factory.mktemp("service"), {k: str(v) for k, v in settings.items()})
    server.start()
    return server


def assert_clean(server: AuditedServer) -> None:
    """The service attempted nothing outbound so far, and is alive and ready."""
    assert server.audit_entries() == []
    assert httpx.get(f"{server.url}/readyz", timeout=30).status_code == 200


def assert_problem(response: httpx.Response, status: int, code: str, *, secret: str | None = None) -> dict:
    """An RFC 9457 problem with this status and code that reveals nothing of the server."""
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert set(body) >= PROBLEM_KEYS, body
    assert (body["status"], body["code"]) == (status, code), body
    for leak in ("Traceback", "/site-packages/", str(Path(__file__).resolve().parents[2]), "root:x:0:0"):
        assert leak not in response.text, leak
    if secret is not None:
        assert secret not in response.text
    return body
