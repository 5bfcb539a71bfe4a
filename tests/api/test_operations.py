"""Health, readiness and metrics; the event loop stays free while validations run."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import BOTH_STORES, EXAMPLE_TTL, create, running, settings_for
from tests.api.graphs import plain

pytestmark = [pytest.mark.anyio, *BOTH_STORES]


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in a Prometheus exposition, or None when the exposition lacks it."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        match = re.match(r"^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$", line)
        if not match or match.group(1) != name:
            continue
        found = ",".join(sorted((match.group(2) or "").split(","))) if match.group(2) else ""
        if found == wanted:
            return float(match.group(3))
    return None


def metric(text: str, name: str, **labels: str) -> float:
    """The value of a sample that must be in the exposition."""
    value = sample(text, name, **labels)
    assert value is not None, f"no sample {name}{labels} in the metrics"
    return value


def increase(before: str, after: str, name: str, **labels: str) -> float:
    """How much a sample grew: it must be present afterwards; a labelled counter may appear only then."""
    return metric(after, name, **labels) - (sample(before, name, **labels) or 0.0)


async def test_healthz_and_readyz(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).json() == {"status": "ready"}


async def test_metrics_count_requests_by_route_validations_and_findings(client: httpx.AsyncClient) -> None:
    before = (await client.get("/metrics")).text
    for _ in range(2):
        response = await client.post(
            "/v1/validate", content=EXAMPLE_TTL.read_bytes(), headers={"content-type": "text/turtle"}
        )
        assert response.status_code == 200
    report = response.json()
    await client.get("/v1/environments/does-not-exist")
    response = await client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    after = response.text
    route = {"method": "POST", "route": "/v1/validate", "status": "200"}
    assert increase(before, after, "advisor_http_requests_total", **route) == 2
    missing = {"method": "GET", "route": "/v1/environments/{environment_id}", "status": "404"}
    assert increase(before, after, "advisor_http_requests_total", **missing) == 1
    timed = {"method": "POST", "route": "/v1/validate"}
    assert increase(before, after, "advisor_http_request_duration_seconds_count", **timed) == 2
    assert increase(before, after, "advisor_validations_total", outcome="does-not-conform") == 2
    assert report["findings"]
    for finding in report["findings"]:
        labels = {"rule_id": finding["rule_id"], "severity": finding["severity"]}
        per_rule = sum(1 for f in report["findings"] if f["rule_id"] == finding["rule_id"])
        assert increase(before, after, "advisor_findings_total", **labels) == 2 * per_rule


async def test_the_environments_gauge_counts_the_stored_environments(client: httpx.AsyncClient) -> None:
    before = metric((await client.get("/metrics")).text, "advisor_environments")
    await create(client, EXAMPLE_TTL.read_bytes(), name="gauge-1")
    await create(client, EXAMPLE_TTL.read_bytes(), name="gauge-2")
    assert metric((await client.get("/metrics")).text, "advisor_environments") == before + 2


async def test_healthz_answers_while_a_large_graph_validates(tmp_path: Path) -> None:
    async with running(settings_for(tmp_path / "data", max_concurrent_validations=1)) as client:
        large = plain(100_000)  # parsing and validating it keeps the worker busy for seconds
        validation = asyncio.create_task(
            client.post("/v1/validate", content=large, headers={"content-type": "application/n-triples"})
        )
        while metric((await client.get("/metrics")).text, "advisor_validations_in_progress") < 1:
            await asyncio.sleep(0.01)
        health = await client.get("/healthz")
        assert health.status_code == 200
        assert not validation.done()
        assert (await validation).status_code == 200
        assert metric((await client.get("/metrics")).text, "advisor_validations_in_progress") == 0
