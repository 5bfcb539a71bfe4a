"""A bounded load test of the service on the loopback: mixed validate, read and SPARQL traffic for a fixed time.

    .venv/bin/python -m bench.load --duration 60 --clients 8 --output docs/load-test.md
    .venv/bin/python -m bench.load --duration 60 --clients 8 --replicas 2 --output docs/load-test.md

Starts `advisor serve` in a process group of its own (an empty data directory with the sample graphs
loaded as environments, default settings otherwise), or drives a running one (--url). With
--replicas N it starts `oxigraph serve` (the `oxigraph` package) and N services sharing it as their
remote store, the clients spread over them in turn, and writes its figures as a section of the
report file (the single-process figures stay). Each client sends
one request after another, chosen at random (seeded) from the mix below, until the time is up; the
service's resident memory (all its processes) is sampled every second. The report gives throughput,
latency percentiles per kind of request, every error, and the memory, with the machine and the command.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.machine import describe
from bench.oxigraph_server import OxigraphServer, free_port

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_graphs"
QUERIES = ROOT / "api" / "queries"
EXAMPLE = ROOT / "api" / "examples" / "environment.ttl"
AS_OF = "2026-11-25"


@dataclass(frozen=True)
class Kind:
    name: str
    weight: int
    description: str


MIX = (
    Kind("validate", 30, "POST /v1/validate: a sample graph (Turtle or JSON-LD), the JSON report"),
    Kind("read", 40, "GET an environment's graph (Turtle), the list of environments, or the rule catalog"),
    Kind("sparql", 30, "GET /v1/sparql: one of the example queries of the query page (JSON results)"),
)


@dataclass
class Sample:
    kind: str
    seconds: float
    status: int  # 0: the request failed without an answer


@dataclass
class LoadResult:
    duration: float
    clients: int
    samples: list[Sample] = field(default_factory=list)
    memory: list[tuple[float, int]] = field(default_factory=list)  # (seconds since start, resident bytes)
    errors: list[str] = field(default_factory=list)

    def of(self, kind: str) -> list[Sample]:
        return [s for s in self.samples if s.kind == kind]

    @property
    def failed(self) -> list[Sample]:
        return [s for s in self.samples if not 200 <= s.status < 300]


# ---------------------------------------------------------------- the service


@contextlib.contextmanager
def service(settings: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """`advisor serve` on a free loopback port with a fresh data directory: (its URL, its process group)."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="advisor-load-") as work:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_")}
        env |= {"ADVISOR_LOG_LEVEL": "warning", "ADVISOR_SAMPLES_DIR": str(SAMPLES)}
        env |= {f"ADVISOR_{k.upper()}": v for k, v in (settings or {}).items()}
        command = [sys.executable, "-m", "advisor.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--data-dir", str(Path(work) / "data")]
        process = subprocess.Popen(
            command, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(url, process)
            yield url, process.pid
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def remote_store() -> Iterator[tuple[dict[str, str], int]]:
    """`oxigraph serve` on a free port and a fresh directory: (the services' store settings, its process group)."""
    with tempfile.TemporaryDirectory(prefix="advisor-load-store-") as work, OxigraphServer(Path(work)) as store:
        yield store.settings, store.group


@contextlib.contextmanager
def replicas(count: int, settings: dict[str, str] | None = None) -> Iterator[tuple[list[str], list[int]]]:
    """`count` services sharing one remote store: (their URLs, the process groups, the store's last)."""
    with remote_store() as (store, store_group), contextlib.ExitStack() as stack:
        started = [stack.enter_context(service({**(settings or {}), **store})) for _ in range(count)]
        yield [url for url, _ in started], [group for _, group in started] + [store_group]


def _wait_ready(url: str, process: subprocess.Popen, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the service stopped with status {process.returncode} before it was ready")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError("the service did not become ready in time")


def resident_bytes(group: int) -> int:
    """The resident memory of every process in the process group `group`."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if os.getpgid(int(entry.name)) == group:
                total += int((entry / "statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return total


# ---------------------------------------------------------------- the traffic


@dataclass(frozen=True)
class Requests:
    """Everything the clients choose from: documents to validate, environments to read, queries."""

    documents: list[tuple[bytes, str]]
    environments: list[str]
    queries: list[str]

    @classmethod
    async def gather(cls, client: httpx.AsyncClient) -> Requests:
        documents = [(EXAMPLE.read_bytes(), "text/turtle")]
        documents += [(path.read_bytes(), "text/turtle") for path in sorted(SAMPLES.glob("*.ttl"))]
        documents += [(path.read_bytes(), "application/ld+json") for path in sorted(SAMPLES.glob("*.jsonld"))]
        listing = (await client.get("/v1/environments")).json()["environments"]
        if not listing:
            created = await client.post(
                "/v1/environments", content=EXAMPLE.read_bytes(), headers={"content-type": "text/turtle"}
            )
            created.raise_for_status()
            listing = [created.json()]
        queries = [
            "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
            for path in sorted(QUERIES.glob("*.rq"))
        ]
        return cls(documents, [e["links"]["self"] for e in listing], queries)

    async def send(self, client: httpx.AsyncClient, kind: str, rng: random.Random) -> httpx.Response:
        if kind == "validate":
            data, media_type = rng.choice(self.documents)
            return await client.post(
                "/v1/validate", content=data, headers={"content-type": media_type}, params={"as_of": AS_OF}
            )
        if kind == "read":
            path = rng.choice([*self.environments, *self.environments, "/v1/environments", "/v1/rules"])
            return await client.get(path)
        return await client.get("/v1/sparql", params={"query": rng.choice(self.queries)})


async def _client(url: str, requests: Requests, deadline: float, seed: int, result: LoadResult) -> None:
    rng = random.Random(seed)
    kinds = [kind.name for kind in MIX]
    weights = [kind.weight for kind in MIX]
    async with httpx.AsyncClient(base_url=url, timeout=300) as client:
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights)[0]
            started = time.perf_counter()
            try:
                response = await requests.send(client, kind, rng)
                status = response.status_code
                if status >= 300:
                    result.errors.append(f"{kind}: {status} {response.text[:300]}")
            except httpx.HTTPError as error:
                status = 0
                result.errors.append(f"{kind}: {type(error).__name__}: {error}")
            result.samples.append(Sample(kind, time.perf_counter() - started, status))


async def _watch_memory(groups: Sequence[int], started: float, until: float, result: LoadResult) -> None:
    if not groups:
        return
    while True:
        result.memory.append((time.monotonic() - started, sum(resident_bytes(group) for group in groups)))
        if time.monotonic() >= until:
            return
        await asyncio.sleep(1.0)


async def drive(
    url: str | list[str], *, duration: float, clients: int, group: int | list[int] | None, seed: int = 1125
) -> LoadResult:
    """`clients` clients for `duration` seconds against the service at `url` (after a short warm-up); with
    several URLs (replicas of one service), client n sends to the n-th in turn."""
    urls = [url] if isinstance(url, str) else url
    groups = [] if group is None else [group] if isinstance(group, int) else group
    result = LoadResult(duration=duration, clients=clients)
    async with httpx.AsyncClient(base_url=urls[0], timeout=300) as client:
        requests = await Requests.gather(client)
    for address in urls:  # warm-up: every kind once on each, so the first figures are not the start-up's
        async with httpx.AsyncClient(base_url=address, timeout=300) as client:
            for kind in MIX:
                await requests.send(client, kind.name, random.Random(seed))
    started = time.monotonic()
    deadline = started + duration
    await asyncio.gather(
        _watch_memory(groups, started, deadline, result),
        *(_client(urls[n % len(urls)], requests, deadline, seed + n, result) for n in range(clients)),
    )
    result.duration = time.monotonic() - started
    return result


def run(
    *,
    duration: float,
    clients: int,
    url: str | None = None,
    settings: dict[str, str] | None = None,
    replica_count: int = 1,
) -> LoadResult:
    """Drive a running service (url), or start one (or `replica_count` on one remote store), drive it, stop it."""
    if url is not None:
        return asyncio.run(drive(url, duration=duration, clients=clients, group=None))
    if replica_count > 1:
        with replicas(replica_count, settings) as (urls, groups):
            return asyncio.run(drive(urls, duration=duration, clients=clients, group=groups))
    with service(settings) as (started_url, group):
        return asyncio.run(drive(started_url, duration=duration, clients=clients, group=group))


# ---------------------------------------------------------------- the report


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def _mib(size: int) -> str:
    return f"{size / 2**20:.0f} MiB"


def _results(result: LoadResult) -> list[str]:
    lines = [
        f"{len(result.samples)} requests in {result.duration:.0f} s from {result.clients} clients: "
        f"**{len(result.samples) / result.duration:.1f} requests/s**, **{len(result.failed)} errors**.",
        "",
        "| requests | share | count | per second | p50 ms | p90 ms | p95 ms | p99 ms | max ms | errors |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for kind in [*MIX, Kind("all", 0, "")]:
        samples = result.samples if kind.name == "all" else result.of(kind.name)
        seconds = [s.seconds for s in samples]
        failed = sum(1 for s in samples if not 200 <= s.status < 300)
        share = f"{len(samples) / max(1, len(result.samples)):.0%}"
        lines.append(
            f"| {kind.name} | {share} | {len(samples)} | {len(samples) / result.duration:.1f} | "
            f"{_ms(percentile(seconds, 0.5))} | {_ms(percentile(seconds, 0.9))} | {_ms(percentile(seconds, 0.95))} | "
            f"{_ms(percentile(seconds, 0.99))} | {_ms(max(seconds, default=0))} | {failed} |"
        )
    return lines


REPLICAS_HEADING = "## Replicas on one remote store"


def replica_section(result: LoadResult, command: str, count: int) -> str:
    """The figures of `count` replicas sharing an `oxigraph serve` store, as a section of docs/load-test.md."""
    load = os.getloadavg()
    lines = [
        REPLICAS_HEADING,
        "",
        f"The same traffic against {count} `advisor serve` processes on one machine, each with the default settings",
        "and sharing one `oxigraph serve` as their remote store (docs/deployment.md); client n sends to replica",
        f"n mod {count}. Every replica has its own validation and query workers ({count} times the single",
        "process's), so validations wait less for a free worker; reads and queries cross HTTP to the store, and",
        "on one machine's cores everything shares the same CPUs: the gain of replicas on more machines is larger.",
        "",
        f"    {command}",
        "",
        f"Load average when the section was written: {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}.",
        "",
        *_results(result),
    ]
    if result.memory:
        sizes = [size for _, size in result.memory]
        lines += [
            "",
            f"Resident memory of the {count} replicas and the store together: at the start {_mib(sizes[0])}, "
            f"at the end {_mib(sizes[-1])}, highest {_mib(max(sizes))}.",
        ]
    if result.errors:
        lines += ["", *(f"- error: {error}" for error in result.errors[:20])]
    return "\n".join(lines) + "\n"


def with_section(document: str, section: str) -> str:
    """`document` with its replicas section replaced by `section` (or `section` added at its end)."""
    head = document.split(REPLICAS_HEADING, 1)[0].rstrip("\n")
    return f"{head}\n\n{section}"


def report(result: LoadResult, command: str) -> str:
    machine = describe()
    memory_gib = machine.get("memory_gib")
    load = os.getloadavg()
    lines = [
        "# Load test",
        "",
        "A bounded load test of the service on the loopback interface: several clients send mixed validate, read",
        "and SPARQL requests, one after another, for a fixed time (`bench/load.py`). The service runs with its",
        "default settings (two validation workers, two query workers) and the sample graphs as environments.",
        "",
        "## Command",
        "",
        f"    {command}",
        "",
        "## Machine",
        "",
        f"- CPU: {machine['cpu']}, {machine['cores']} cores",
        f"- Memory: {memory_gib:.1f} GiB" if memory_gib else "- Memory: unknown",
        f"- {machine['os']}, Python {machine['python']}",
        f"- Load average when the report was written: {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}",
        "",
        "## Results",
        "",
        *_results(result),
    ]
    lines += ["", *(f"- **{kind.name}**: {kind.description}." for kind in MIX)]
    lines += [
        "",
        "Each client sends its next request as soon as the previous one is answered (a closed loop), so the",
        "figures show what the service sustains rather than a given arrival rate. Validations dominate: at most",
        "`max_concurrent_validations` run at once and the others wait for a free worker, which is most of their",
        "latency, while reads and queries are answered in the meantime.",
    ]
    if load[0] > (machine["cores"] or 1):
        lines += [
            "",
            "The machine was busy with other work during the run (see the load average): on an idle machine the",
            "figures are better.",
        ]
    if result.memory:
        sizes = [size for _, size in result.memory]
        half = sizes[len(sizes) // 2 :]
        lines += [
            "",
            "## Memory",
            "",
            "Resident memory of the service's whole process group (the service and its worker processes), "
            "sampled every second:",
            "",
            f"- at the start: {_mib(sizes[0])}; at the end: {_mib(sizes[-1])}; highest: {_mib(max(sizes))}",
            f"- over the second half of the run: from {_mib(min(half))} to {_mib(max(half))}",
        ]
    if result.errors:
        lines += ["", "## Errors", "", *(f"- {error}" for error in result.errors[:20])]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="Seconds of traffic (default 60).")
    parser.add_argument("--clients", type=int, default=8, help="Concurrent clients (default 8).")
    parser.add_argument("--url", help="A running service; by default one is started and stopped.")
    parser.add_argument("--output", type=Path, help="Write the Markdown report here (default: standard output).")
    parser.add_argument(
        "--replicas", type=int, default=1, help="Services sharing one oxigraph serve store (default 1: embedded)."
    )
    arguments = parser.parse_args(argv)
    result = run(
        duration=arguments.duration, clients=arguments.clients, url=arguments.url, replica_count=arguments.replicas
    )
    command = ".venv/bin/python -m bench.load " + shlex.join(argv if argv is not None else sys.argv[1:])
    if arguments.replicas > 1:
        section = replica_section(result, command.strip(), arguments.replicas)
        output = arguments.output
        existing = output.read_text(encoding="utf-8") if output and output.exists() else ""
        text = with_section(existing, section) if existing else section
    else:
        text = report(result, command.strip())
        if arguments.output and arguments.output.exists():  # keep the replicas' figures
            old = arguments.output.read_text(encoding="utf-8")
            if REPLICAS_HEADING in old:
                text = with_section(text, REPLICAS_HEADING + old.split(REPLICAS_HEADING, 1)[1])
    if arguments.output:
        arguments.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
