"""Rules, ontology, shapes and the JSON-LD context."""

from __future__ import annotations

import json

import httpx
import pyoxigraph as ox
import pytest

from advisor.knowledge import knowledge_base
from advisor.resources import context_file
from tests.api.conftest import assert_problem

pytestmark = pytest.mark.anyio
OWL_ONTOLOGY = "http://www.w3.org/2002/07/owl#Ontology"
SH_NODE_SHAPE = "http://www.w3.org/ns/shacl#NodeShape"


async def test_rules_list_the_catalog(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/rules")
    assert response.status_code == 200
    catalog = knowledge_base().catalog
    assert response.json() == [rule.model_dump(mode="json") for rule in catalog.values()]


async def test_one_rule_by_id_in_any_case(client: httpx.AsyncClient) -> None:
    rule = next(iter(knowledge_base().catalog.values()))
    for rule_id in (rule.id, rule.id.lower()):
        response = await client.get(f"/v1/rules/{rule_id}")
        assert response.status_code == 200
        assert response.json() == rule.model_dump(mode="json")
    assert_problem(await client.get("/v1/rules/NOPE-000"), 404, "not-found")


@pytest.mark.parametrize(
    ("media_type", "fmt"),
    [("text/turtle", ox.RdfFormat.TURTLE), ("application/ld+json", ox.RdfFormat.JSON_LD), (None, ox.RdfFormat.TURTLE)],
)
async def test_ontology_and_shapes_as_rdf(client: httpx.AsyncClient, media_type: str | None, fmt: ox.RdfFormat) -> None:
    headers = {"accept": media_type} if media_type else {}
    kb = knowledge_base()
    for path, expected_type, size in (
        ("/v1/ontology", OWL_ONTOLOGY, len(kb.ontology)),
        ("/v1/shapes", SH_NODE_SHAPE, len(kb.shapes)),
    ):
        response = await client.get(path, headers=headers)
        assert response.status_code == 200
        triples = [q.triple for q in ox.parse(response.content, format=fmt)]
        assert len(triples) == size
        assert expected_type in {t.object.value for t in triples if t.predicate.value.endswith("#type")}


async def test_context_is_the_bundled_file(client: httpx.AsyncClient) -> None:
    response = await client.get("/context.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    assert response.json() == json.loads(context_file().read_text(encoding="utf-8"))
