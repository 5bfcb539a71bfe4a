"""Swagger UI sends an inventory: the collector's example document on /v1/validate, and the findings name the
VMs and hosts by their Hyper-V names (the browser fixtures of tests/api/test_browser.py)."""

from __future__ import annotations

import pytest

from tests.api.server import Server
from tests.api.test_browser import (  # noqa: F401  (chromium and server are fixtures)
    VALIDATE,
    assert_offline,
    chromium,
    execute_and_read_response,
    server,
)
from tests.api.webdriver import Browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]
INVENTORY = "application/vnd.hv-advisor.inventory+json"


def test_swagger_ui_validates_the_example_inventory(chromium: Browser, server: Server) -> None:  # noqa: F811
    chromium.get(f"{server.url}/docs#/Validation/validate_graph_v1_validate_post")
    chromium.click(chromium.find(f"{VALIDATE} select.content-type option[value='{INVENTORY}']"))
    editor = chromium.wait(lambda: chromium.find_all(f"{VALIDATE} textarea.body-param__text"), "the body editor")
    assert '"hv-advisor-inventory"' in chromium.execute("return arguments[0].value", editor[0])
    body = execute_and_read_response(chromium, VALIDATE)
    assert '"rule_id": "COV-003"' in body and '"focus_label": "SQL01"' in body and '"focus_label": "HV01"' in body
    assert_offline(chromium, server)
