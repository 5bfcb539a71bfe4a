"""`oxigraph serve` (the `oxigraph` package) on a free loopback port: a remote SPARQL 1.1 store for a
benchmark (bench/load.py --replicas) or a test (tests/api/remote.py).

    with OxigraphServer(Path("store")) as store:
        ...  # store.settings or store.env for the services, store.group for its memory
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0


def oxigraph_binary() -> str:
    """The `oxigraph` command next to the running Python (the virtual environment's), else on the PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("the oxigraph command is missing: pip install oxigraph (a dev dependency)")
    return found


def free_port() -> int:
    """A loopback port nobody listens on (at the moment of asking)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OxigraphServer:
    """`oxigraph serve` on its own directory and in its own process group: /query, /update and /store, the
    default graph the union. Its output goes to `log` (appended) or nowhere; `query_timeout_seconds` is the
    store's own limit on a query (none by default). A context manager: started on entry, stopped on exit."""

    def __init__(self, location: Path, *, log: Path | None = None, query_timeout_seconds: int | None = None) -> None:
        self.location = location
        self.log = log
        self.query_timeout_seconds = query_timeout_seconds
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
        """The service's settings for this store, by their names in advisor.config.Settings."""
        return {name.removeprefix("ADVISOR_").lower(): value for name, value in self.env.items()}

    @property
    def group(self) -> int:
        """The process group of the running server (its own)."""
        if self.process is None:
            raise RuntimeError("oxigraph serve is not running")
        return self.process.pid

    def command(self) -> list[str]:
        command = [oxigraph_binary(), "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"]
        command.append("--union-default-graph")
        if self.query_timeout_seconds is not None:
            command += ["--timeout-s", str(self.query_timeout_seconds)]
        return command

    def start(self) -> None:
        """Start the server and wait until it answers a query (START_TIMEOUT seconds at most)."""
        self.location.mkdir(parents=True, exist_ok=True)
        command = self.command()
        if self.log is None:
            self.process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
            )
        else:
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if (code := self.process.poll()) is not None:
                self.stop()
                raise RuntimeError(f"oxigraph serve stopped with {code}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.url}/query", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("oxigraph serve did not start")

    def stop(self) -> None:
        """SIGTERM; its whole process group killed if it is still there after STOP_TIMEOUT seconds."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def __enter__(self) -> OxigraphServer:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
