"""A revision's findings, read back from the stored JSON (which holds no catalog), still describe the rules."""

from __future__ import annotations

import json

import httpx
import pytest

from advisor.knowledge import knowledge_base
from tests.api.conftest import EXAMPLE_TTL, create

pytestmark = pytest.mark.anyio


async def test_a_revisions_sarif_describes_the_rules_of_the_catalog(client: httpx.AsyncClient) -> None:
    created = await create(client, EXAMPLE_TTL.read_bytes(), as_of="2026-11-25")
    sarif = await client.get(
        f"{created['links']['self']}/revisions/1/findings", headers={"accept": "application/sarif+json"}
    )
    assert sarif.status_code == 200
    run = json.loads(sarif.text)["runs"][0]
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert ids == list(knowledge_base().catalog)
    assert run["results"]
    assert [ids[result["ruleIndex"]] for result in run["results"]] == [result["ruleId"] for result in run["results"]]
