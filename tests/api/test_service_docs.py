"""docs/service.md names every setting, route, error code and metric of the service."""

from __future__ import annotations

import re

import pytest

from advisor.config import Settings
from api.app import create_app
from api.metrics import Metrics
from api.problems import CODES_BY_STATUS, STATUS_BY_ERROR
from tests.api.conftest import ROOT

DOC = ROOT / "docs" / "service.md"
ALL_DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.fixture(scope="module")
def text() -> str:
    return DOC.read_text(encoding="utf-8")


def test_every_setting_is_documented_with_its_variable() -> None:
    documented = "\n".join(path.read_text(encoding="utf-8") for path in ALL_DOCS if path.exists())
    missing = [
        name
        for name in Settings.model_fields
        if f"`{name}`" not in documented or f"ADVISOR_{name.upper()}" not in documented
    ]
    assert not missing, f"settings missing from the docs: {missing}"


def test_every_route_is_documented(text: str) -> None:
    app = create_app(Settings(_env_file=None))  # type: ignore[call-arg]
    paths = set(app.openapi()["paths"]) | {"/", "/docs", "/redoc", "/sparql", "/openapi.json"}
    missing = [path for path in sorted(paths) if f"{path}`" not in text and f"`{path}" not in text]
    assert not missing, f"routes missing from docs/service.md: {missing}"


def test_every_error_code_is_documented(text: str) -> None:
    codes = {cls.code for cls in STATUS_BY_ERROR} | {code for code, _ in CODES_BY_STATUS.values()}
    missing = sorted(code for code in codes if f"`{code}`" not in text)
    assert not missing, f"error codes missing from docs/service.md: {missing}"


def test_every_metric_is_documented(text: str) -> None:
    exposed = set(re.findall(r"^# TYPE (\S+) ", Metrics().exposition().decode(), re.M))
    names = {name for name in exposed if not name.endswith("_created")}
    assert "advisor_findings_total" in names
    missing = sorted(name for name in names if f"`{name}`" not in text)
    assert not missing, f"metrics missing from docs/service.md: {missing}"
