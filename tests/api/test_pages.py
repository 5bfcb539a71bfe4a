"""Pages and the OpenAPI document: everything loads from the service itself, and the examples work."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import httpx
import pytest

from advisor.loading import RdfFormat
from api.openapi import example_text
from api.routers.pages import CONTENT_SECURITY_POLICY, example_queries
from tests.api.conftest import BASE_URL

pytestmark = pytest.mark.anyio
PAGES = ["/", "/docs", "/redoc", "/sparql"]
GRAPH_ROUTES = [("post", "/v1/validate"), ("post", "/v1/environments"), ("put", "/v1/environments/{environment_id}")]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.assets: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "img") and values.get("src"):
            self.assets.append(values["src"] or "")
        if tag == "link" and values.get("href"):
            self.assets.append(values["href"] or "")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")


def urls_in(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("path", PAGES)
async def test_page_loads_every_asset_from_the_service(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    found = urls_in(response.text)
    assert found.assets, path
    for asset in found.assets:
        assert asset.startswith("/static/"), asset
        served = await client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.content) > 0
    # no address on another host anywhere in the page (scripts included)
    for url in re.findall(r"""https?://[^\s"'<>)]+""", response.text):
        assert url.startswith(BASE_URL) or "w3id.org/hv-advisor" in url or "www.w3.org" in url, url


async def test_landing_page_links_the_pages_and_lists_environments(client: httpx.AsyncClient) -> None:
    created = await client.post(
        "/v1/environments",
        content=example_text(RdfFormat.TURTLE),
        headers={"content-type": "text/turtle"},
        params={"name": "Listed on the landing page"},
    )
    page = await client.get("/")
    links = urls_in(page.text).links
    assert {"/docs", "/redoc", "/sparql"} <= set(links)
    assert created.json()["links"]["report"] in links
    assert "Listed on the landing page" in page.text
    for link in links:
        if link.startswith("/"):
            assert (await client.get(link)).status_code == 200, link


async def test_sparql_page_offers_every_example_query(client: httpx.AsyncClient) -> None:
    page = (await client.get("/sparql")).text
    titles = [q.title for q in example_queries()]
    assert len(titles) >= 4
    for title in titles:
        assert title in page
    config = json.loads(
        re.search(r'<script type="application/json" id="sparql-config">(.*?)</script>', page, re.S).group(1)
    )
    assert config["endpoint"] == "/v1/sparql"
    assert [q["query"] for q in config["queries"]] == [q.query for q in example_queries()]


async def test_vendored_assets_ship_with_their_licenses(client: httpx.AsyncClient) -> None:
    for asset in ("swagger-ui/LICENSE", "redoc/LICENSE", "yasgui/LICENSE"):
        assert (await client.get(f"/static/{asset}")).status_code == 200


INVENTORY = "application/vnd.hv-advisor.inventory+json"


async def test_openapi_has_a_real_example_for_each_input_type(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    for method, path in GRAPH_ROUTES:
        content = document["paths"][path][method]["requestBody"]["content"]
        assert set(content) == {fmt.media_type for fmt in RdfFormat} | {"multipart/form-data", INVENTORY}
        inventory = await client.post("/v1/validate", json=content[INVENTORY]["example"],
                                      headers={"content-type": INVENTORY})
        assert inventory.status_code == 200, inventory.text  # the collector document of docs/import.md
        assert any(f["rule_id"] == "COV-001" for f in inventory.json()["findings"])
        file_field = content["multipart/form-data"]["schema"]["properties"]["file"]
        assert file_field["format"] == "binary"
        for fmt in RdfFormat:
            example = content[fmt.media_type]["example"]
            body = json.dumps(example) if isinstance(example, dict) else example
            response = await client.post(
                "/v1/validate", content=body.encode(), headers={"content-type": fmt.media_type}
            )
            assert response.status_code == 200, (fmt, response.text)
            assert any(f["rule_id"] == "COV-001" for f in response.json()["findings"])


async def test_openapi_lists_report_formats_and_problem_responses(client: httpx.AsyncClient) -> None:
    operation = (await client.get("/openapi.json")).json()["paths"]["/v1/validate"]["post"]
    offered = set(operation["responses"]["200"]["content"])
    assert {
        "application/json",
        "text/turtle",
        "application/ld+json",
        "application/sarif+json",
        "text/html",
        "text/markdown",
        "text/csv",
    } <= offered
    for status in ("400", "413", "415", "422", "503"):
        assert "application/problem+json" in operation["responses"][status]["content"]
