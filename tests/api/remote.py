"""A real remote SPARQL 1.1 store for the tests: `oxigraph serve` (the `oxigraph` package) on a free port."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

START_TIMEOUT = 30.0
QUERY_TIMEOUT_SECONDS = 5  # the store's own limit: a test's runaway query stops there too


def oxigraph_binary() -> str:
    """The `oxigraph` command next to the running Python (the virtual environment's), else on the PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("the oxigraph command is missing: pip install oxigraph (a dev dependency)")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OxigraphServer:
    """`oxigraph serve` on its own directory: /query, /update and /store, the default graph the union."""

    def __init__(self, location: Path) -> None:
        self.location = location
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    @property
    def env(self) -> dict[str, str]:
        """The service's settings for this store, as ADVISOR_* variables."""
        return {
            "ADVISOR_STORE_QUERY_URL": f"{self.url}/query",
            "ADVISOR_STORE_UPDATE_URL": f"{self.url}/update",
            "ADVISOR_STORE_GRAPH_URL": f"{self.url}/store",
        }

    @property
    def settings(self) -> dict[str, str]:
        return {name.removeprefix("ADVISOR_").lower(): value for name, value in self.env.items()}

    def start(self) -> None:
        self.location.mkdir(parents=True, exist_ok=True)
        log = (self.location.parent / f"{self.location.name}.log").open("ab")
        command = [
            oxigraph_binary(),
            "serve",
            "--location",
            str(self.location),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--union-default-graph",
            "--timeout-s",
            str(QUERY_TIMEOUT_SECONDS),
        ]
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph serve stopped with {self.process.returncode}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.url}/query", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("oxigraph serve did not start")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


@contextlib.contextmanager
def oxigraph_serving(location: Path) -> Iterator[OxigraphServer]:
    server = OxigraphServer(location)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class RemoteStores:
    """One `oxigraph serve` per data directory a test names (a fresh store each, kept across restarts of
    the service on that directory), all stopped at the end of the session."""

    def __init__(self) -> None:
        self.servers: dict[Path, OxigraphServer] = {}

    def for_data_dir(self, data_dir: Path) -> OxigraphServer:
        key = data_dir.resolve()
        if key not in self.servers:
            server = OxigraphServer(key.parent / f"{key.name}-oxigraph")
            server.start()
            self.servers[key] = server
        return self.servers[key]

    def stop_all(self) -> None:
        for server in self.servers.values():
            server.stop()
        self.servers.clear()
