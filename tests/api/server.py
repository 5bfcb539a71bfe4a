"""The real service as a separate process, started with the README's command (scripts/serve)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.api.conftest import ROOT

START_TIMEOUT = 180.0  # scripts/serve first brings the virtual environment up to date


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path, log: Path, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [str(ROOT / "scripts" / "serve"), "--port", str(self.port), "--data-dir", str(self.data_dir)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.log.read_text(errors='replace')[-3000:]}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not become ready: {self.log.read_text(errors='replace')[-3000:]}")

    def stop(self) -> int:
        """SIGTERM, as a service manager would send it; the whole process group if it lingers."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            code = self.process.wait()
        self.process = None
        return code

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=120)


@contextlib.contextmanager
def serving(data_dir: Path, log: Path, env: dict[str, str] | None = None) -> Iterator[Server]:
    server = Server(data_dir, log, env)
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.stop()
