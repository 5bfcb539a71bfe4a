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
        pytest.fail("the browser tests need the Debian packages chromium and chromium-driver (scripts/test installs them)")
    with browser(server.url, tmp_path_factory.mktemp("downloads")) as session:
        yield session


def assert_offline(chromium: Browser, server: Server) -> None:
    """Every request since the last check went to the service, and nothing was refused or unreachable."""
    for url in chromium.requested_urls():
        assert url.startswith((server.url + "/", "data:", "blob:")), url
    for message in chromium.console_errors():
        assert "net::ERR" not in message and "Content Security Policy" not in message, message


def test_swagger_ui_uploads_a_file_and_shows_the_findings(chromium: Browser, server: Server) -> None:
    chromium.get(f"{server.url}/docs#/Validation/validate_graph_v1_validate_post")
    chromium.click(chromium.find(f"{VALIDATE} select.content-type option[value='multipart/form-data']"))
    chromium.send_keys(chromium.find(f"{VALIDATE} input[type=file]"), str(EXAMPLE_TTL))
    chromium.click(chromium.find(f"{VALIDATE} button.execute"))
    statuses = chromium.wait(
        lambda: [chromium.text(e) for e in chromium.find_all(f"{VALIDATE} .live-responses-table .response-col_status")],
        "the response status",
    )
    assert "200" in statuses
    body = chromium.text(chromium.find(f"{VALIDATE} .live-responses-table .response-col_description pre"))
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
