"""POST /v1/what-if and POST /v1/environments/{id}/what-if, over HTTP on the real app and store."""

from __future__ import annotations

import pytest

from tests.api.conftest import assert_problem, create, running, settings_for, store_state
from tests.whatif.conftest import ESTATE
from tests.whatif.pins import CASES, pinned

pytestmark = pytest.mark.anyio
TURTLE = {"content-type": "text/turtle"}
AS_OF = "2026-11-25"


async def test_what_if_answers_the_json_contract(client):
    path, specs = CASES["estate-lose-main"]
    response = await client.post(
        "/v1/what-if", content=path.read_bytes(), headers=TURTLE, params={"lose": specs, "as_of": AS_OF}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json() == pinned("estate-lose-main")


async def test_what_if_as_a_file_upload_with_several_lost_elements(client):
    path, specs = CASES["well-run-lose-rtm1-and-cloud"]
    response = await client.post(
        "/v1/what-if", files={"file": (path.name, path.read_bytes())}, params={"lose": specs, "as_of": AS_OF}
    )
    assert response.status_code == 200, response.text
    assert response.json() == pinned("well-run-lose-rtm1-and-cloud")


@pytest.mark.parametrize(
    ("accept", "start"),
    [
        ("text/plain", "What if we lose site Main (as of 2026-11-25)\n"),
        ("text/markdown", "# What if we lose site Main\n"),
        ("text/html", "<!DOCTYPE html>"),
    ],
)
async def test_what_if_answers_by_accept(client, accept: str, start: str):
    response = await client.post(
        "/v1/what-if",
        content=ESTATE.read_bytes(),
        headers=TURTLE | {"accept": accept},
        params={"lose": "site:Main", "as_of": AS_OF},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == f"{accept}; charset=utf-8"
    assert response.text.startswith(start)
    assert ('<rect class="lost unrecoverable"' in response.text) == (accept == "text/html")  # the diagram


async def test_environment_what_if_reads_the_stored_graph_and_records_nothing(client):
    environment = await create(client, ESTATE.read_bytes(), name="whatif-estate")
    before = await store_state(client)
    response = await client.post(
        f"/v1/environments/{environment['id']}/what-if",
        params={"lose": ["site:Main"], "as_of": AS_OF},
    )
    assert response.status_code == 200, response.text
    assert response.json() == pinned("estate-lose-main")
    by_iri = await client.post(
        f"/v1/environments/{environment['id']}/what-if",
        params={"lose": "site:https://example.org/whatif/main", "as_of": AS_OF},
    )
    assert by_iri.json() == pinned("estate-lose-main")
    assert await store_state(client) == before


async def test_unknown_node_is_a_422_problem_naming_close_matches(client):
    response = await client.post(
        "/v1/what-if", content=ESTATE.read_bytes(), headers=TURTLE, params={"lose": "site:Mian"}
    )
    body = assert_problem(response, 422, "unknown-element")
    assert body["detail"] == "no site 'Mian' in the graph; did you mean 'Main'?"
    assert body["element"] == "site:Mian" and body["matches"] == ["Main"]


async def test_unknown_kind_is_a_422_problem(client):
    response = await client.post("/v1/what-if", content=ESTATE.read_bytes(), headers=TURTLE, params={"lose": "rack:R1"})
    body = assert_problem(response, 422, "unknown-element")
    assert body["detail"].startswith("'rack:R1' is not KIND:NODE with KIND one of site, cluster, host")


async def test_no_lost_element_is_a_422_problem_naming_the_parameter(client):
    response = await client.post("/v1/what-if", content=ESTATE.read_bytes(), headers=TURTLE)
    body = assert_problem(response, 422, "invalid-input")
    assert "lose" in body["detail"]


async def test_bad_graph_and_bad_date_are_problems(client):
    syntax = await client.post(
        "/v1/what-if",
        content=b"@prefix ex: <https://e.org/> .\nex:a ex:b .\n",
        headers=TURTLE,
        params={"lose": "site:x"},
    )
    assert assert_problem(syntax, 400, "syntax-error")["line"] == 2
    date = await client.post(
        "/v1/what-if", content=ESTATE.read_bytes(), headers=TURTLE, params={"lose": "site:Main", "as_of": "soon"}
    )
    assert "as_of" in assert_problem(date, 422, "invalid-input")["detail"]
    accept = await client.post(
        "/v1/what-if",
        content=ESTATE.read_bytes(),
        headers=TURTLE | {"accept": "application/pdf"},
        params={"lose": "site:Main"},
    )
    assert_problem(accept, 406, "not-acceptable")


async def test_environment_what_if_of_an_unknown_environment_is_404(client):
    response = await client.post("/v1/environments/nothing-here/what-if", params={"lose": "site:Main"})
    assert_problem(response, 404, "not-found")


async def test_reports_of_the_service_carry_the_blast_radius(client):
    from tests.whatif.test_blast_radius import EXPECTED

    report = await client.post("/v1/validate", content=ESTATE.read_bytes(), headers=TURTLE, params={"as_of": AS_OF})
    assert report.status_code == 200, report.text
    assert report.json()["blast_radius"] == EXPECTED
    markdown = await client.post(
        "/v1/validate", content=ESTATE.read_bytes(), headers=TURTLE | {"accept": "text/markdown"}
    )
    assert "| Site | Main | 1 | DB |" in markdown.text
    environment = await create(client, ESTATE.read_bytes(), name="whatif-blast")
    findings = await client.get(f"/v1/environments/{environment['id']}/findings", params={"as_of": AS_OF})
    assert findings.json()["blast_radius"] == EXPECTED
    page = await client.get(f"/v1/environments/{environment['id']}/report")
    assert '<tr><td>Site</td><th scope="row">DR</th><td class="num">1</td><td>LAB</td></tr>' in page.text
    sarif = await client.post(
        "/v1/validate", content=ESTATE.read_bytes(), headers=TURTLE | {"accept": "application/sarif+json"}
    )
    assert "blast" not in sarif.text.lower()


async def test_a_graph_over_the_body_limit_is_a_413_naming_the_setting(tmp_path):
    async with running(settings_for(tmp_path / "data", max_body_bytes=1000)) as small:
        response = await small.post(
            "/v1/what-if", content=ESTATE.read_bytes(), headers=TURTLE, params={"lose": "site:Main"}
        )
    body = assert_problem(response, 413, "limit-exceeded")
    assert body["limit"] == "max_body_bytes" and body["maximum"] == 1000
