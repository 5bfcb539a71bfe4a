"""Fixtures for the service tests: the real app over httpx (ASGI), in a fresh data directory each.

A module that marks itself with `BOTH_STORES` runs every test twice: on the embedded store, and on a
remote SPARQL 1.1 store (a real `oxigraph serve`, one per data directory, tests/api/remote.py).
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from advisor.config import Settings
from api.app import create_app
from tests.api.remote import RemoteStores

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "api" / "examples"
EXAMPLE_TTL = EXAMPLES / "environment.ttl"
BASE_URL = "http://advisor.test"


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


STORES = ["embedded", "remote"]
_remote = RemoteStores()
_current = {"store": "embedded"}
BOTH_STORES = [
    pytest.mark.usefixtures("store_kind"),
    pytest.mark.parametrize("store_kind", STORES, indirect=True, scope="module"),
]


@pytest.fixture(scope="module")
def store_kind(request: pytest.FixtureRequest) -> Iterator[str]:
    """The store the module's services use: "embedded" unless the module is marked with BOTH_STORES."""
    kind = getattr(request, "param", "embedded")
    _current["store"] = kind
    yield kind
    _current["store"] = "embedded"
    _remote.stop_all()  # the module's services are stopped by now


@pytest.fixture(scope="session", autouse=True)
def _stop_remote_stores() -> Iterator[None]:
    yield
    _remote.stop_all()


def settings_for(data_dir: Path, **overrides: object) -> Settings:
    """Settings for a test service: no settings file, no samples unless asked, the given overrides; on a
    remote store of its own (one per data directory) when the module runs on the remote store."""
    values: dict = {"data_dir": data_dir, "load_samples": False, **overrides}
    if _current["store"] == "remote":
        values = {**_remote.for_data_dir(data_dir).settings, **values}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@contextlib.asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app started (lifespan), with an httpx client talking to it in-process."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL, timeout=120) as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


@pytest.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory, store_kind: str) -> AsyncIterator[httpx.AsyncClient]:
    """One service per test module, on an empty store; tests only look at the environments they create."""
    async with running(settings_for(tmp_path_factory.mktemp("data"))) as service_client:
        yield service_client


@pytest.fixture
def example_samples(tmp_path: Path) -> Path:
    """A samples directory holding the API's example environment in Turtle and JSON-LD."""
    directory = tmp_path / "samples"
    directory.mkdir()
    shutil.copy(EXAMPLE_TTL, directory / "branch.ttl")
    shutil.copy(EXAMPLES / "environment.jsonld", directory / "branch-copy.jsonld")
    return directory


PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "instance"}


def assert_problem(response: httpx.Response, status: int, code: str | None = None) -> dict:
    """The response is an RFC 9457 problem with the given status (and code), and leaks nothing of the server."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert set(body) >= PROBLEM_KEYS, body
    assert body["status"] == status
    assert body["type"].endswith("#" + body["code"])
    if code is not None:
        assert body["code"] == code, body
    text = response.text
    assert "Traceback" not in text and str(ROOT) not in text and "/site-packages/" not in text
    return body


async def create(client: httpx.AsyncClient, data: bytes, media_type: str = "text/turtle", **params: str) -> dict:
    response = await client.post("/v1/environments", content=data, headers={"content-type": media_type}, params=params)
    assert response.status_code == 201, response.text
    return response.json()


def store_content(client: httpx.AsyncClient) -> list[str]:
    """Every quad of the running app's store, sorted: environments, findings, metadata, ontology and shapes."""
    return client.app.state.service.store.quads()  # type: ignore[attr-defined]


async def store_state(client: httpx.AsyncClient) -> list[tuple[str, str, int, str]]:
    """Every environment with its graph (as sorted N-Triples): what a failed request must leave unchanged."""
    listing = (await client.get("/v1/environments")).json()["environments"]
    state = []
    for environment in listing:
        graph = await client.get(environment["links"]["self"], headers={"accept": "application/n-triples"})
        lines = sorted(line for line in graph.text.splitlines() if line.strip())
        state.append((environment["id"], environment["name"], environment["triples"], "\n".join(lines)))
    return state
