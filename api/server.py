"""Run the service with uvicorn: settings from the environment, a settings file and the command line."""

from __future__ import annotations

from pathlib import Path

import uvicorn

from advisor.config import Settings
from advisor.errors import InputError
from api.app import create_app

DEFAULT_ENV_FILE = "advisor.env"


def load_settings(
    host: str | None = None,
    port: int | None = None,
    data_dir: Path | None = None,
    env_file: Path | None = None,
    policy_file: Path | None = None,
) -> Settings:
    """Settings with command-line values over ADVISOR_* variables over the settings file over the defaults."""
    if env_file is not None and not env_file.is_file():
        raise InputError(f"settings file {env_file} does not exist")
    given = {"host": host, "port": port, "data_dir": data_dir, "policy_file": policy_file}
    overrides = {k: v for k, v in given.items() if v is not None}
    return Settings(_env_file=env_file or DEFAULT_ENV_FILE, **overrides)  # type: ignore[call-arg]


def serve(settings: Settings) -> None:
    """Serve until interrupted (SIGINT or SIGTERM stop it cleanly: workers end, the store is flushed)."""
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        server_header=False,
    )
