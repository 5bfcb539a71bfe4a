"""API latency and throughput against a real `advisor serve` (uvicorn) on the loopback interface.

The service is started in a process of its own with an empty data directory, warmed up, then sent a bounded
number of requests: first one at a time (latency), then from several concurrent clients (throughput). Every
request goes to 127.0.0.1 only, and the service is stopped at the end.
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HOST = "127.0.0.1"


@dataclass
class ApiFigures:
    requests: int
    p50_ms: float
    p95_ms: float
    concurrent_clients: int = 0
    concurrent_requests: int = 0
    throughput_per_s: float = 0.0
    concurrent_p50_ms: float = 0.0
    concurrent_p95_ms: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _wait_ready(base: str, process: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the service exited with code {process.returncode} before it was ready")
        try:
            if httpx.get(f"{base}/readyz", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise RuntimeError("the service did not become ready in time")


def measure(document: bytes, *, requests: int = 200, clients: int = 4, per_client: int = 50,
            workers: int | None = None) -> ApiFigures:
    """Start the service, measure POST /v1/validate with `document` (Turtle), stop the service."""
    port = _free_port()
    base = f"http://{HOST}:{port}"
    with tempfile.TemporaryDirectory(prefix="advisor-bench-") as data_dir:
        env = {**os.environ, "ADVISOR_HOST": HOST, "ADVISOR_PORT": str(port), "ADVISOR_DATA_DIR": data_dir,
               "ADVISOR_LOAD_SAMPLES": "false", "ADVISOR_LOG_LEVEL": "WARNING"}
        if workers is not None:
            env["ADVISOR_MAX_CONCURRENT_VALIDATIONS"] = str(workers)
        process = subprocess.Popen([sys.executable, "-m", "advisor.cli", "serve"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        try:
            _wait_ready(base, process)
            return _load(base, document, requests, clients, per_client)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _post(client: httpx.Client, base: str, document: bytes) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.post(f"{base}/v1/validate", content=document,
                           headers={"Content-Type": "text/turtle", "Accept": "application/json"},
                           params={"as_of": "2026-11-25"})
    return (time.perf_counter() - started) * 1000, response.status_code


def _load(base: str, document: bytes, requests: int, clients: int, per_client: int) -> ApiFigures:
    statuses: dict[int, int] = {}
    with httpx.Client(timeout=120.0) as client:
        for _ in range(10):  # warm-up: every worker has prepared its engine and seen the document's shape
            _post(client, base, document)
        latencies = []
        for _ in range(requests):
            elapsed, status = _post(client, base, document)
            latencies.append(elapsed)
            statuses[status] = statuses.get(status, 0) + 1
    figures = ApiFigures(requests=requests, p50_ms=statistics.median(latencies), p95_ms=_percentile(latencies, 0.95))
    if clients <= 0:
        figures.statuses = statuses
        return figures
    concurrent: list[float] = []
    lock = threading.Lock()

    def client_loop() -> None:
        with httpx.Client(timeout=120.0) as own:
            for _ in range(per_client):
                elapsed, status = _post(own, base, document)
                with lock:
                    concurrent.append(elapsed)
                    statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    figures.concurrent_clients = clients
    figures.concurrent_requests = len(concurrent)
    figures.throughput_per_s = len(concurrent) / wall
    figures.concurrent_p50_ms = statistics.median(concurrent)
    figures.concurrent_p95_ms = _percentile(concurrent, 0.95)
    figures.statuses = statuses
    return figures


def service_available() -> bool:
    """Whether this checkout has the service (api/ and `advisor serve`)."""
    return (Path(__file__).resolve().parent.parent / "api" / "server.py").is_file()


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.api_load FILE`: the service's latency for one Turtle document, as one JSON object."""
    import argparse
    import json

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("file", type=Path, help="a Turtle document, e.g. `python -m bench.generate 100 -o FILE`")
    parser.add_argument("--requests", type=int, default=200, help="sequential requests timed after 10 to warm up")
    parser.add_argument("--clients", type=int, default=0, help="concurrent clients afterwards (0: none)")
    parser.add_argument("--per-client", type=int, default=50, help="requests of each concurrent client")
    parser.add_argument("--workers", type=int, default=None, help="validation workers (default: the setting's)")
    args = parser.parse_args(argv)
    figures = measure(args.file.read_bytes(), requests=args.requests, clients=args.clients,
                      per_client=args.per_client, workers=args.workers)  # fmt: skip
    sys.stdout.write(json.dumps(figures.__dict__) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
