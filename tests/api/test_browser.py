"""The pages in a real headless chromium that can reach the service and nothing else.

/docs: upload a graph through Swagger UI's form and see the findings; /sparql: run an example query
and see rows in the result table; /redoc: the reference renders. Every request the browser made
went to the service (or was a data: URL): the pages work offline.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.api.conftest import EXAMPLE_TTL
from tests.api.server import Server, serving
from tests.api.webdriver import Browser, available, browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]
VALIDATE = "#operations-Validation-validate_graph_v1_validate_post"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("browser")
    samples = root / "samples"
    samples.mkdir()
    shutil.copy(EXAMPLE_TTL, samples / "branch.ttl")
    with serving(root / "data", root / "server.log", {"ADVISOR_SAMPLES_DIR": str(samples)}) as running:
        yield running


@pytest.fixture(scope="module")
def chromium(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    if not available():
        pytest.fail(
            "the browser tests need the Debian packages chromium and chromium-driver (scripts/test installs them)"
        )
    with browser(server.url, tmp_path_factory.mktemp("downloads")) as session:
        yield session


def assert_offline(chromium: Browser, server: Server) -> None:
    """Every request since the last check went to the service, and nothing was refused or unreachable."""
    for url in chromium.requested_urls():
        assert url.startswith((server.url + "/", "data:", "blob:")), url
    for message in chromium.console_errors():
        assert "net::ERR" not in message and "Content Security Policy" not in message, message


def execute_and_read_response(chromium: Browser, operation: str) -> str:
    """Click Execute on the Swagger UI operation `operation` (its CSS selector), wait for the live response,
    assert its status is 200 and return the response body's text."""
    responses = f"{operation} .live-responses-table"
    chromium.click(chromium.find(f"{operation} button.execute"))
    statuses = chromium.wait(
        lambda: [chromium.text(e) for e in chromium.find_all(f"{responses} .response-col_status")],
        "the response status",
    )
    assert "200" in statuses
    return chromium.text(chromium.find(f"{responses} .response-col_description pre"))


def test_swagger_ui_uploads_a_file_and_shows_the_findings(chromium: Browser, server: Server) -> None:
    chromium.get(f"{server.url}/docs#/Validation/validate_graph_v1_validate_post")
    chromium.click(chromium.find(f"{VALIDATE} select.content-type option[value='multipart/form-data']"))
    chromium.send_keys(chromium.find(f"{VALIDATE} input[type=file]"), str(EXAMPLE_TTL))
    body = execute_and_read_response(chromium, VALIDATE)
    assert '"rule_id": "COV-001"' in body and '"focus_label": "WEB01"' in body
    assert_offline(chromium, server)


def test_sparql_page_runs_an_example_query_and_shows_rows(chromium: Browser, server: Server) -> None:
    chromium.get(f"{server.url}/sparql")
    chromium.wait(lambda: chromium.execute("return !!window.advisorYasgui"), "the query editor")
    examples = chromium.find_all("button.example")
    assert chromium.text(examples[0]) == "Systems without backup"
    chromium.click(examples[0])
    rows = chromium.wait(lambda: [chromium.text(e) for e in chromium.find_all(".yasr tbody tr")], "result rows")
    assert any("WEB01" in row and "Virtual machine" in row for row in rows), rows
    assert any("Branch" in row for row in rows)
    editor = chromium.execute("return window.advisorYasgui.getTab().getQuery()")
    assert "hv:protectsAllVMsOn" in editor
    assert chromium.find_all(".CodeMirror .cm-keyword")  # syntax highlighting
    assert_offline(chromium, server)


def test_redoc_renders_the_reference(chromium: Browser, server: Server) -> None:
    chromium.get(f"{server.url}/redoc")
    heading = chromium.wait(lambda: [chromium.text(e) for e in chromium.find_all("h1")], "the ReDoc title")
    assert any("Hyper-V Backup Advisor" in text for text in heading)
    chromium.find("[data-section-id='tag/Validation']")
    assert_offline(chromium, server)


def test_landing_page_links_the_pages(chromium: Browser, server: Server) -> None:
    chromium.get(server.url + "/")
    links = {chromium.execute("return arguments[0].getAttribute('href')", e) for e in chromium.find_all("a")}
    assert {"/docs", "/redoc", "/sparql"} <= links
    assert "Branch" in chromium.text(chromium.find("table.environments"))
    assert_offline(chromium, server)


def test_nothing_outside_the_service_is_reachable(chromium: Browser, server: Server) -> None:
    """The guard itself: a page asking for another origin gets nothing (so the tests above prove something)."""
    chromium.get(f"{server.url}/healthz")
    result = chromium.execute(
        "return fetch('http://example.org/', {mode: 'no-cors'})"
        ".then(function () { return 'reached'; }, function () { return 'blocked'; });"
    )
    assert result == "blocked"
    chromium.requested_urls()  # drain the log


TREND_VMS = """
ex:trend0 a hv:VirtualMachine ; rdfs:label "TREND0" ; hv:runsOn ex:trendhost .
ex:trend1 a hv:VirtualMachine ; rdfs:label "TREND1" ; hv:runsOn ex:trendhost .
ex:trendhost a hv:HyperVHost ; rdfs:label "TRENDHOST" ; hv:backupExclusionReason "rebuilt from a template" .
"""
TREND_JOB = 'ex:trendjob a hv:BackupJob ; rdfs:label "Trend job" ; hv:protects {} .\n'


def test_the_trend_chart_draws_each_revision_in_the_report_and_on_the_landing_page(
    chromium: Browser, server: Server
) -> None:
    """Create and replace twice (each time a VM loses its job): the chart shows three revisions, its score line
    falls, and the browser lays it out (it has a size on the page)."""
    base = EXAMPLE_TTL.read_text(encoding="utf-8") + TREND_VMS
    versions = [base + TREND_JOB.format("ex:trend0, ex:trend1"), base + TREND_JOB.format("ex:trend0"), base]
    turtle = {"content-type": "text/turtle"}
    with server.client() as http:
        created = http.post("/v1/environments", content=versions[0].encode(), params={"name": "Trend"}, headers=turtle)
        assert created.status_code == 201, created.text
        links = created.json()["links"]
        for text in versions[1:]:
            response = http.put(links["self"], content=text.encode(), headers=turtle)
            assert response.status_code == 200, response.text
        revisions = http.get(f"{links['self']}/revisions").json()["revisions"]
    scores = [r["score"] for r in reversed(revisions)]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 3
    chromium.requested_urls(), chromium.console_errors()  # drain what earlier tests left in the logs

    chromium.get(server.url + links["report"])
    drawn = chromium.wait(
        lambda: chromium.execute(
            "var svg = document.querySelector('svg.trend'); if (!svg) return null;"
            "var box = svg.getBoundingClientRect();"
            "return {width: box.width, height: box.height,"
            " points: Array.from(svg.querySelectorAll('g.point')).map(function (g) {"
            "   var c = g.querySelector('circle.score').getBoundingClientRect();"
            "   return [g.getAttribute('data-revision'), parseFloat(g.getAttribute('data-score')), c.top, c.width]; }),"
            " line: svg.querySelector('polyline.score-line').getBBox().width};"
        ),
        "the trend chart",
    )
    assert drawn["width"] > 100 and drawn["height"] > 50 and drawn["line"] > 0
    assert [(p[0], p[1]) for p in drawn["points"]] == [(str(r["number"]), r["score"]) for r in reversed(revisions)]
    tops = [p[2] for p in drawn["points"]]
    assert tops[0] < tops[1] < tops[2] and all(p[3] > 0 for p in drawn["points"])  # a falling score is drawn lower
    changes = chromium.text(chromium.find("p.changes"))
    assert changes.startswith("Since revision 2: 1 new")
    listed = chromium.text(chromium.find("ul.changes"))
    assert "new violation COV-001 — TREND0" in listed and "removed Trend job" in listed

    chromium.get(server.url + "/")
    row = chromium.wait(
        lambda: chromium.execute(
            "var rows = Array.from(document.querySelectorAll('table.environments tbody tr'));"
            "var row = rows.find(function (r) { return r.cells[0].textContent === 'Trend'; });"
            "if (!row) return null; var svg = row.querySelector('svg.trend');"
            "return svg && [svg.querySelectorAll('g.point').length, svg.getBoundingClientRect().width];"
        ),
        "the landing page's trend",
    )
    assert row[0] == 3 and row[1] > 100
    assert_offline(chromium, server)
