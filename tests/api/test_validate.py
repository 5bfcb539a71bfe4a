"""POST /v1/validate: every input format and upload style, every report format by Accept, as_of."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from advisor.loading import RdfFormat, parse_bytes
from advisor.render import FORMATS
from advisor.validation import validate
from api.openapi import example_text
from tests.api.conftest import EXAMPLES, assert_problem

pytestmark = pytest.mark.anyio
AS_OF = dt.date(2026, 11, 25)
SH = "http://www.w3.org/ns/shacl#"
RDF_SYNTAXES = {"text/turtle": "turtle", "application/ld+json": "json-ld"}


def expected_contract(fmt: RdfFormat, as_of: dt.date = AS_OF) -> dict:
    """What the library itself says about the example document: the API must answer the same."""
    graph = parse_bytes(example_text(fmt).encode("utf-8"), fmt)
    return validate(graph, as_of=as_of, blast_radius=True).contract()  # the JSON report shows the blast radius


@pytest.mark.parametrize("fmt", list(RdfFormat), ids=lambda f: f.value)
async def test_raw_body_in_each_format_gives_the_library_report(client: httpx.AsyncClient, fmt: RdfFormat) -> None:
    response = await client.post(
        "/v1/validate",
        content=example_text(fmt).encode("utf-8"),
        headers={"content-type": fmt.media_type},
        params={"as_of": AS_OF.isoformat()},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body == expected_contract(fmt)
    assert body["conforms"] is False
    assert {(f["rule_id"], f["focus_label"]) for f in body["findings"]} >= {("COV-001", "WEB01")}


@pytest.mark.parametrize(
    ("filename", "form_format"),
    [("branch.ttl", None), ("branch.jsonld", None), ("upload.bin", "turtle"), ("graph", "text/turtle")],
)
async def test_multipart_upload_takes_the_format_from_the_file_name_or_the_form(
    client: httpx.AsyncClient, filename: str, form_format: str | None
) -> None:
    fmt = RdfFormat.JSON_LD if filename.endswith(".jsonld") else RdfFormat.TURTLE
    data = {"format": form_format} if form_format else {}
    response = await client.post(
        "/v1/validate",
        files={"file": (filename, example_text(fmt).encode("utf-8"), "application/octet-stream")},
        data=data,
        params={"as_of": AS_OF.isoformat()},
    )
    assert response.status_code == 200, response.text
    assert response.json() == expected_contract(fmt)


async def test_as_of_changes_the_age_based_findings(client: httpx.AsyncClient) -> None:
    body = example_text(RdfFormat.TURTLE).encode("utf-8")
    answers = {}
    for as_of in (dt.date(2026, 2, 1), dt.date(2027, 6, 1)):
        response = await client.post(
            "/v1/validate", content=body, headers={"content-type": "text/turtle"}, params={"as_of": as_of.isoformat()}
        )
        assert response.status_code == 200
        answers[as_of] = response.json()
        assert answers[as_of] == expected_contract(RdfFormat.TURTLE, as_of)
    assert answers[dt.date(2026, 2, 1)] != answers[dt.date(2027, 6, 1)]  # the restore test ages


async def test_as_of_defaults_to_today(client: httpx.AsyncClient) -> None:
    body = example_text(RdfFormat.TURTLE).encode("utf-8")
    response = await client.post("/v1/validate", content=body, headers={"content-type": "text/turtle"})
    assert response.status_code == 200
    assert response.json() == expected_contract(RdfFormat.TURTLE, dt.date.today())


@pytest.mark.parametrize("name", sorted(FORMATS))
async def test_every_registered_report_format_is_served_by_its_media_type(client: httpx.AsyncClient, name: str) -> None:
    output = FORMATS[name]
    body = example_text(RdfFormat.TURTLE)
    response = await client.post(
        "/v1/validate",
        content=body.encode("utf-8"),
        headers={"content-type": "text/turtle", "accept": output.media_type},
        params={"as_of": AS_OF.isoformat()},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == output.media_type
    graph = parse_bytes(body.encode("utf-8"), RdfFormat.TURTLE)
    report = validate(graph, as_of=AS_OF, blast_radius=output.shows_blast_radius)
    expected = output.render_one(report, source_text=body)
    if output.media_type in RDF_SYNTAXES:  # blank node labels differ from one rendering to the next
        syntax = RDF_SYNTAXES[output.media_type]
        assert isomorphic(
            Graph().parse(data=response.content, format=syntax), Graph().parse(data=expected, format=syntax)
        )
    else:
        assert response.content == expected


async def test_shacl_reports_parse_as_rdf(client: httpx.AsyncClient) -> None:
    for media_type, fmt in (("text/turtle", ox.RdfFormat.TURTLE), ("application/ld+json", ox.RdfFormat.JSON_LD)):
        response = await client.post(
            "/v1/validate",
            content=(EXAMPLES / "environment.ttl").read_bytes(),
            headers={"content-type": "text/turtle", "accept": media_type},
        )
        assert response.status_code == 200
        triples = [q.triple for q in ox.parse(response.content, format=fmt)]
        types = {t.object.value for t in triples if t.predicate.value.endswith("#type")}
        assert {SH + "ValidationReport", SH + "ValidationResult"} <= types


async def test_accept_with_qualities_picks_the_preferred_format(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/validate",
        content=(EXAMPLES / "environment.ttl").read_bytes(),
        headers={"content-type": "text/turtle", "accept": "text/html;q=0.5, application/sarif+json, */*;q=0.1"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sarif+json")
    assert json.loads(response.content)["runs"]


async def test_unknown_accept_is_406_before_the_body_is_read(client: httpx.AsyncClient) -> None:
    body = assert_problem(
        await client.post(
            "/v1/validate", content=b"not even rdf", headers={"content-type": "text/turtle", "accept": "image/png"}
        ),
        406,
        "not-acceptable",
    )
    assert "application/json" in body["available"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
async def test_sarif_locates_a_document_as_windows_writes_it(client: httpx.AsyncClient, encoding: str) -> None:
    """The upload's text is decoded as the loader decodes it: lines and columns of what the client sent."""
    body = example_text(RdfFormat.TURTLE)
    response = await client.post(
        "/v1/validate",
        files={"file": ("estate.ttl", body.encode(encoding), "text/turtle")},
        headers={"accept": "application/sarif+json"},
        params={"as_of": AS_OF.isoformat()},
    )
    assert response.status_code == 200, response.text
    run = response.json()["runs"][0]
    assert run["artifacts"][0]["location"]["uri"] == "estate.ttl"
    lines = body.splitlines()
    regions = [r["locations"][0]["physicalLocation"].get("region") for r in run["results"]]
    assert any(regions)
    for result, region in zip(run["results"], regions, strict=True):
        if region is not None:
            written = lines[region["startLine"] - 1][region["startColumn"] - 1 : region["endColumn"] - 1]
            assert written.rsplit(":", 1)[-1].strip("<>") in result["properties"]["focusNode"], written
