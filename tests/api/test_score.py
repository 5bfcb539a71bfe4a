"""The posture score in the service: the environment list, /metrics and the landing page."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest

from advisor.loading import RdfFormat, parse_bytes
from advisor.validation import validate
from tests.api.conftest import EXAMPLE_TTL, create
from tests.api.test_operations import metric
from tests.conftest import SAMPLES

pytestmark = pytest.mark.anyio
CLEAN = SAMPLES / "well-run-two-site-cluster.ttl"


def expected_score(data: bytes, as_of: str) -> float:
    return validate(parse_bytes(data, RdfFormat.TURTLE), as_of=dt.date.fromisoformat(as_of)).score


async def test_the_list_metrics_and_landing_page_show_each_environments_score(client: httpx.AsyncClient) -> None:
    example = await create(client, EXAMPLE_TTL.read_bytes(), name="Example <branch>", as_of="2026-02-01")
    clean = await create(client, CLEAN.read_bytes(), name="Clean", as_of="2026-02-01")
    wanted = expected_score(EXAMPLE_TTL.read_bytes(), "2026-02-01")
    assert 0 < wanted < 100
    assert (example["score"], clean["score"]) == (wanted, 100.0)
    listing = {e["id"]: e for e in (await client.get("/v1/environments")).json()["environments"]}
    assert (listing[example["id"]]["score"], listing[clean["id"]]["score"]) == (wanted, 100.0)

    findings = (await client.get(example["links"]["findings"], params={"as_of": "2026-02-01"})).json()
    assert findings["score"] == wanted and findings["systems"] > 0

    text = (await client.get("/metrics")).text
    assert "# TYPE advisor_environment_score gauge" in text
    assert metric(text, "advisor_environment_score", environment=example["id"]) == wanted
    assert metric(text, "advisor_environment_score", environment=clean["id"]) == 100.0

    page = (await client.get("/")).text
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>.*?<td class=\"score\">(.*?)</td>", page, re.S)
    assert ("Example &lt;branch&gt;", f"{wanted:g}") in rows and ("Clean", "100") in rows

    await client.delete(example["links"]["self"])
    text = (await client.get("/metrics")).text
    assert f'environment="{example["id"]}"' not in text  # a deleted environment's gauge goes with it
