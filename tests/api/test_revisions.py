"""Revisions: every create and replace is kept (graph, findings, counts, score, when, by whom), across restarts,
with a retention; the drift between two revisions."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import httpx
import pytest

from advisor.loading import RdfFormat, parse_bytes
from advisor.validation import validate
from tests.api.conftest import BOTH_STORES, EXAMPLE_TTL, assert_problem, create, running, settings_for
from tests.conftest import SAMPLES

pytestmark = [pytest.mark.anyio, *BOTH_STORES]
AS_OF = "2026-11-25"
OFFICE = "https://example.org/small-office/"
SAMPLE = (SAMPLES / "small-office.ttl").read_text(encoding="utf-8")
# Revision 2: LIC01 joins the nightly job. Revision 3: and WEB09, a new VM, is added with no job.
NIGHTLY = "hv:protects ex:dc01, ex:fs01, ex:app01, ex:acct01, ex:rds01"
SECOND = SAMPLE.replace(f"{NIGHTLY} ;", f"{NIGHTLY}, ex:lic01 ;")
THIRD = SECOND + '\nex:web09 a hv:VirtualMachine ; rdfs:label "WEB09" ; hv:runsOn ex:hv01 .\n'


def findings_of(text: str) -> dict[tuple[str, str], dict]:
    report = validate(parse_bytes(text.encode(), RdfFormat.TURTLE), as_of=dt.date.fromisoformat(AS_OF))
    return {(f.rule_id, f.focus_node): f.model_dump(mode="json") for f in report.findings}


async def put(client: httpx.AsyncClient, path: str, text: str, **headers: str) -> dict:
    response = await client.put(
        path, content=text.encode(), params={"as_of": AS_OF}, headers={"content-type": "text/turtle", **headers}
    )
    assert response.status_code == 200, response.text
    return response.json()


def keys(items: list[dict]) -> set[tuple[str, str]]:
    return {(f["rule_id"], f["focus_node"]) for f in items}


async def test_create_replace_twice_restart_three_revisions_and_the_drift_from_1_to_3(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    async with running(settings) as client:
        response = await client.post(
            "/v1/environments",
            content=SAMPLE.encode(),
            params={"as_of": AS_OF, "name": "Office"},
            headers={"content-type": "text/turtle", "x-author": "Ana Ops"},
        )
        assert response.status_code == 201, response.text
        created = response.json()
        path = created["links"]["self"]
        await put(client, path, SECOND, **{"x-author": "Bo"})
        await put(client, path, THIRD)
    async with running(settings) as client:  # the same store, after a restart
        listing = (await client.get(f"{path}/revisions")).json()["revisions"]
        assert [r["number"] for r in listing] == [3, 2, 1]
        assert [r["author"] for r in listing] == [None, "Bo", "Ana Ops"]
        for revision, text in zip(listing, (THIRD, SECOND, SAMPLE), strict=True):
            expected = validate(parse_bytes(text.encode(), RdfFormat.TURTLE), as_of=dt.date.fromisoformat(AS_OF))
            assert revision["as_of"] == AS_OF
            summary = (revision["counts"], revision["score"], revision["conforms"])
            assert summary == (expected.counts(), expected.score, expected.conforms)
            assert revision["triples"] == len(parse_bytes(text.encode(), RdfFormat.TURTLE).triples)
            findings = await client.get(revision["links"]["findings"])
            assert findings.status_code == 200
            assert findings.json() == expected.contract()
        assert listing[2]["created"] <= listing[1]["created"] <= listing[0]["created"]

        graph = await client.get(f"{path}/revisions/1", headers={"accept": "application/n-triples"})
        assert graph.status_code == 200 and graph.headers["content-type"].startswith("application/n-triples")
        first = parse_bytes(graph.text.encode(), RdfFormat.N_TRIPLES)
        assert len(first.triples) == listing[2]["triples"]
        assert "ex:lic01" not in graph.text and f"<{OFFICE}web09>" not in graph.text
        latest = await client.get(f"{path}/revisions/3", headers={"accept": "application/n-triples"})
        assert f"<{OFFICE}web09>" in latest.text

        drift = await client.get(f"{path}/diff", params={"from": 1, "to": 3})
        assert drift.status_code == 200, drift.text
        body = drift.json()
        before, after = findings_of(SAMPLE), findings_of(THIRD)
        assert keys(body["findings"]["new"]) == after.keys() - before.keys()
        assert keys(body["findings"]["fixed"]) == before.keys() - after.keys()
        assert keys(body["findings"]["unchanged"]) == before.keys() & after.keys()
        assert ("COV-001", OFFICE + "web09") in keys(body["findings"]["new"])  # pinned on the two versions
        assert ("COV-001", OFFICE + "lic01") in keys(body["findings"]["fixed"])
        assert (body["old"]["name"], body["new"]["name"]) == ("revision 1", "revision 3")
        assert [r["label"] for r in body["resources"]["added"]] == ["WEB09"]
        job = next(r for r in body["resources"]["changed"] if r["node"] == OFFICE + "job-nightly")
        assert job["added"] == [{"property": "hv:protects", "value": "LIC01"}] and job["removed"] == []

        default = (await client.get(f"{path}/diff")).json()  # the latest against the one before
        assert (default["old"]["name"], default["new"]["name"]) == ("revision 2", "revision 3")
        assert keys(default["findings"]["fixed"]) == findings_of(SECOND).keys() - after.keys()
        html = await client.get(f"{path}/diff", params={"from": 1, "to": 3}, headers={"accept": "text/html"})
        assert html.headers["content-type"].startswith("text/html") and "WEB09" in html.text
        text = await client.get(f"{path}/diff", params={"from": 1, "to": 3}, headers={"accept": "text/plain"})
        assert text.text.startswith("revision 1 → revision 3: ")


async def test_revisions_are_in_named_graphs_and_the_metadata_graph_for_sparql(client: httpx.AsyncClient) -> None:
    created = await create(client, EXAMPLE_TTL.read_bytes(), as_of=AS_OF)
    await put(client, created["links"]["self"], EXAMPLE_TTL.read_text())
    revisions = (await client.get(f"{created['links']['self']}/revisions")).json()["revisions"]
    query = f"""PREFIX svc: <https://w3id.org/hv-advisor/service#>
        SELECT ?number ?graph ?findings ?score WHERE {{
          GRAPH <urn:hv-advisor:metadata> {{ ?rev a svc:Revision ; svc:environment <{created["graph"]}> ;
                svc:number ?number ; svc:graph ?graph ; svc:findingsGraph ?findings ; svc:score ?score }}
          GRAPH ?findings {{ ?findings svc:asOf ?asOf }}
          FILTER EXISTS {{ GRAPH ?graph {{ ?s ?p ?o }} }}
        }} ORDER BY ?number"""
    rows = (await client.get("/v1/sparql", params={"query": query})).json()["results"]["bindings"]
    assert [int(r["number"]["value"]) for r in rows] == [1, 2]
    assert [r["graph"]["value"] for r in rows] == [r["graph"] for r in reversed(revisions)]
    assert [r["findings"]["value"] for r in rows] == [r["findings_graph"] for r in reversed(revisions)]
    assert [float(r["score"]["value"]) for r in rows] == [r["score"] for r in reversed(revisions)]


async def test_retention_keeps_the_newest_revisions(tmp_path: Path) -> None:
    async with running(settings_for(tmp_path / "data", revision_retention=2)) as client:
        created = await create(client, EXAMPLE_TTL.read_bytes(), as_of=AS_OF)
        for _ in range(3):
            await put(client, created["links"]["self"], EXAMPLE_TTL.read_text())
        listing = (await client.get(f"{created['links']['self']}/revisions")).json()["revisions"]
        assert [r["number"] for r in listing] == [4, 3]
        assert_problem(await client.get(f"{created['links']['self']}/revisions/1"), 404, "not-found")
        query = "ASK { GRAPH ?g { ?s ?p ?o } FILTER(STRENDS(STR(?g), ':revision:1')) }"
        assert (await client.get("/v1/sparql", params={"query": query})).json()["boolean"] is False


async def test_a_lower_retention_after_a_restart_drops_the_older_revisions_at_the_next_change(tmp_path: Path) -> None:
    async with running(settings_for(tmp_path / "data", revision_retention=10)) as client:
        created = await create(client, EXAMPLE_TTL.read_bytes(), as_of=AS_OF)
        for _ in range(3):
            await put(client, created["links"]["self"], EXAMPLE_TTL.read_text())
    async with running(settings_for(tmp_path / "data", revision_retention=2)) as client:
        path = f"{created['links']['self']}/revisions"
        assert [r["number"] for r in (await client.get(path)).json()["revisions"]] == [4, 3, 2, 1]  # kept until then
        await put(client, created["links"]["self"], EXAMPLE_TTL.read_text())
        assert [r["number"] for r in (await client.get(path)).json()["revisions"]] == [5, 4]


async def test_deleting_an_environment_drops_its_revisions(client: httpx.AsyncClient) -> None:
    created = await create(client, EXAMPLE_TTL.read_bytes(), as_of=AS_OF)
    await put(client, created["links"]["self"], EXAMPLE_TTL.read_text())
    assert (await client.delete(created["links"]["self"])).status_code == 204
    query = f"""PREFIX svc: <https://w3id.org/hv-advisor/service#>
        ASK {{ {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{created["graph"]}:revision:")) }}
               UNION {{ GRAPH <urn:hv-advisor:metadata> {{ ?rev svc:environment <{created["graph"]}> }} }} }}"""
    assert (await client.get("/v1/sparql", params={"query": query})).json()["boolean"] is False
    assert_problem(await client.get(f"{created['links']['self']}/revisions"), 404, "not-found")


async def test_revision_findings_in_other_formats_and_bad_requests(client: httpx.AsyncClient) -> None:
    created = await create(client, EXAMPLE_TTL.read_bytes(), as_of=AS_OF)
    base = created["links"]["self"]
    sarif = await client.get(f"{base}/revisions/1/findings", headers={"accept": "application/sarif+json"})
    assert sarif.status_code == 200
    run = json.loads(sarif.text)["runs"][0]
    assert run["artifacts"][0]["location"]["uri"] == f"{base}/revisions/1"
    assert any("region" in r["locations"][0]["physicalLocation"] for r in run["results"])
    markdown = await client.get(f"{base}/revisions/1/findings", headers={"accept": "text/markdown"})
    assert markdown.status_code == 200 and "Posture score" in markdown.text
    assert_problem(await client.get(f"{base}/revisions/7"), 404, "not-found")
    assert_problem(await client.get(f"{base}/revisions/7/findings"), 404, "not-found")
    assert_problem(await client.get(f"{base}/diff", params={"from": 1, "to": 9}), 404, "not-found")
    assert_problem(await client.get(f"{base}/revisions/0"), 422)
    assert_problem(await client.get(f"{base}/diff", params={"from": "one"}), 422)
    assert_problem(await client.get(f"{base}/diff", headers={"accept": "image/png"}), 406)
    assert_problem(await client.get("/v1/environments/no-such/revisions"), 404, "not-found")


async def test_a_bad_author_header_is_refused_and_nothing_is_stored(client: httpx.AsyncClient) -> None:
    created = await create(client, EXAMPLE_TTL.read_bytes(), as_of=AS_OF)
    long_name = "x" * 201
    for value, words in (("   ", "is empty"), (long_name, "more than max_name_length (200)")):
        response = await client.put(
            created["links"]["self"],
            content=EXAMPLE_TTL.read_bytes(),
            headers={"content-type": "text/turtle", "x-author": value},
        )
        body = assert_problem(response, 422, "invalid-input")
        assert "X-Author" in body["detail"] and words in body["detail"]
    listing = (await client.get(f"{created['links']['self']}/revisions")).json()["revisions"]
    assert [r["number"] for r in listing] == [1]


async def test_the_html_report_and_the_landing_page_show_the_trend_and_the_last_change(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/v1/environments",
        content=SAMPLE.encode(),
        params={"as_of": AS_OF, "name": "Trend office"},
        headers={"content-type": "text/turtle"},
    )
    created = response.json()
    first = await client.get(created["links"]["report"], params={"as_of": AS_OF})
    assert "This is the environment's first revision: nothing to compare with yet." in first.text
    await put(client, created["links"]["self"], SECOND)
    await put(client, created["links"]["self"], THIRD)
    revisions = (await client.get(f"{created['links']['self']}/revisions")).json()["revisions"]
    page = (await client.get(created["links"]["report"], params={"as_of": AS_OF})).text
    chart = re.search(r'<svg class="trend".*?</svg>', page, re.S)
    assert chart is not None
    points = re.findall(r'<g class="point" data-revision="(\d+)" data-score="([\d.]+)"', chart.group(0))
    assert points == [(str(r["number"]), f"{r['score']:g}") for r in reversed(revisions)]
    fresh = findings_of(THIRD).keys() - findings_of(SECOND).keys()
    assert f"Since revision 2: <strong>{len(fresh)} new</strong>" in page
    assert "new violation</span> COV-001 — WEB09" in page and "added WEB09" in page
    landing = (await client.get("/")).text
    row = re.search(r"<td>Trend office</td>.*?</tr>", landing, re.S)
    assert row is not None and row.group(0).count('<g class="point"') == 3


async def test_a_browser_client_on_an_allowed_origin_may_name_the_author(tmp_path: Path) -> None:
    async with running(settings_for(tmp_path / "data", cors_origins=["https://portal.example"])) as client:
        preflight = await client.options(
            "/v1/environments",
            headers={
                "origin": "https://portal.example",
                "access-control-request-method": "PUT",
                "access-control-request-headers": "content-type, x-author",
            },
        )
        assert preflight.status_code == 200
        assert "x-author" in preflight.headers["access-control-allow-headers"].lower()
