"""Settings for `advisor serve`: command line over environment over settings file over defaults; CORS."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.errors import InputError
from api.server import load_settings
from tests.api.conftest import running, settings_for


def test_precedence_of_command_line_environment_and_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / "service.env"
    env_file.write_text(
        'ADVISOR_PORT=9001\nADVISOR_SPARQL_MAX_RESULTS=5\nADVISOR_API_KEY=from-file\nADVISOR_CORS_ORIGINS=["https://a.example"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("ADVISOR_API_KEY", "from-environment")
    settings = load_settings(env_file=env_file)
    assert (settings.port, settings.sparql_max_results) == (9001, 5)
    assert settings.api_key == "from-environment"
    assert settings.cors_origins == ["https://a.example"]
    overridden = load_settings(host="0.0.0.0", port=9002, data_dir=tmp_path / "d", env_file=env_file)
    assert (overridden.host, overridden.port, overridden.data_dir) == ("0.0.0.0", 9002, tmp_path / "d")


def test_a_missing_settings_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_settings(env_file=tmp_path / "missing.env")


@pytest.mark.anyio
async def test_cors_allows_only_the_configured_origins(tmp_path: Path) -> None:
    async with running(settings_for(tmp_path / "data", cors_origins=["https://portal.example"])) as client:
        allowed = await client.get("/v1/rules", headers={"origin": "https://portal.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://portal.example"
        other = await client.get("/v1/rules", headers={"origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers
        preflight = await client.options(
            "/v1/environments",
            headers={"origin": "https://portal.example", "access-control-request-method": "POST"},
        )
        assert preflight.status_code == 200
