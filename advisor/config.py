"""Every setting and limit of the advisor, in one place (environment variables ADVISOR_*, or a .env file)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

_SHORTHAND = {"shorthand_of": "rule_parameters"}


def default_engine_threads() -> int:
    """Threads one validation runs rules in unless set: the cores, at most 4."""
    return min(4, os.cpu_count() or 1)


class Settings(BaseSettings):
    """Settings from ADVISOR_* environment variables, or the file advisor.env in the working directory."""

    model_config = SettingsConfigDict(env_prefix="ADVISOR_", env_file="advisor.env", extra="ignore")

    host: str = Field("127.0.0.1", description="Interface the service listens on.")
    port: int = Field(8000, description="TCP port the service listens on.")
    data_dir: Path = Field(Path("data"), description="Directory of the embedded store (environments and findings).")
    load_samples: bool = Field(True, description="Load sample_graphs/ as environments when the store is new.")
    api_key: str | None = Field(None, description="When set, every write needs the header X-API-Key with this value.")
    protect_reads: bool = Field(False, description="When true and api_key is set, reads need the key too.")
    cors_origins: list[str] = Field(default_factory=list, description="Origins allowed by CORS; empty turns CORS off.")
    samples_dir: Path | None = Field(
        None, description="Graphs loaded as environments when the store is new (default: the bundled sample_graphs/)."
    )
    log_level: str = Field("info", description="Log level of the service (critical, error, warning, info, debug).")

    max_body_bytes: int = Field(
        10 * 1024 * 1024,
        description="Largest request body the service accepts, in bytes (the CLI's limit for files: --max-bytes).",
    )
    max_triples: int = Field(2_000_000, description="Most triples one graph may hold.")
    max_inventory_files: int = Field(
        200, ge=1, description="Most inventory and overlay files one multipart upload may hold (docs/import.md)."
    )
    max_literal_length: int = Field(65_536, description="Longest literal accepted, in characters.")
    max_nesting_depth: int = Field(
        200,
        ge=1,
        le=500,
        description="Deepest nesting accepted: JSON { } [ ], Turtle and N-Triples [ ] ( ) << >> {| |}, XML elements, "
        "SPARQL { } ( ) [ ]. At most 500: the parsers crash some thousands of levels deep.",
    )
    parse_timeout_seconds: float = Field(30.0, description="Time limit for parsing one document.")
    validation_timeout_seconds: float = Field(120.0, description="Time limit for validating one graph in the service.")
    max_concurrent_validations: int = Field(2, description="Validations the service runs at once; more wait.")
    sparql_timeout_seconds: float = Field(10.0, description="Time limit for one SPARQL query.")
    sparql_max_query_length: int = Field(100_000, description="Longest SPARQL query accepted, in characters.")
    sparql_max_results: int = Field(10_000, description="Most rows (or triples) one SPARQL query returns.")
    max_concurrent_queries: int = Field(2, description="SPARQL queries the service runs at once; more wait.")
    worker_start_timeout_seconds: float = Field(
        120.0, description="Time limit for a worker process to start and prepare the knowledge base."
    )
    max_name_length: int = Field(200, description="Longest environment name accepted, in characters.")
    revision_retention: int = Field(
        100, ge=1, description="Revisions kept of each environment (the newest); older ones are dropped."
    )
    rule_parameters: dict[str, int | float | bool] = Field(
        default_factory=dict,
        description="Values of rule parameters for every validation, by policy key (docs/ci.md lists them, "
        "their defaults come from the ontology); a policy file's [parameters] override them. "
        'As a variable, JSON: ADVISOR_RULE_PARAMETERS=\'{"max_restore_test_age_days": 30}\'.',
    )
    # Settings of one parameter each, from before rule_parameters (same key, same meaning), kept for older set-ups.
    max_restore_test_age_days: int | None = Field(
        None, description="Sets rule_parameters' max_restore_test_age_days (TST-002).", json_schema_extra=_SHORTHAND
    )
    max_successful_run_age_days: int | None = Field(
        None, description="Sets rule_parameters' max_successful_run_age_days (REC-001).", json_schema_extra=_SHORTHAND
    )
    engine_threads: int = Field(
        default_factory=default_engine_threads,
        ge=1,
        le=64,
        description="Threads one validation uses to run the rules (default: the cores, at most 4).",
    )
    store_query_url: str | None = Field(
        None,
        description="SPARQL 1.1 query endpoint of a remote store (docs/deployment.md); unset: the embedded store in "
        "data_dir. With store_update_url, every replica of the service shares that store.",
    )
    store_update_url: str | None = Field(
        None, description="SPARQL 1.1 update endpoint of the remote store (needed with store_query_url)."
    )
    store_graph_url: str | None = Field(
        None, description="Graph Store HTTP Protocol endpoint of the remote store (optional: graphs are read there)."
    )
    store_username: str | None = Field(None, description="User name for HTTP basic authentication to the remote store.")
    store_password: SecretStr | None = Field(None, description="Password for basic authentication to the remote store.")
    store_token: SecretStr | None = Field(None, description="Bearer token sent to the remote store (instead of basic).")
    store_timeout_seconds: float = Field(
        30.0,
        gt=0,
        description="Time limit for one request to the remote store (queries of /v1/sparql: sparql_timeout_seconds).",
    )
    store_retries: int = Field(
        2, ge=0, le=10, description="Retries of a remote store request that failed to connect or got a 502, 503 or 504."
    )
    policy_file: Path | None = Field(
        None,
        description="A policy file (TOML, as for `advisor validate --policy`) the service applies to every "
        "validation: disabled rules, severities, rule parameters and waivers. Read when the service starts.",
    )


def parameter_settings(settings: Settings) -> dict[str, object]:
    """The rule parameters the settings set: the older one-parameter settings, then rule_parameters."""
    shorthands = {
        name: getattr(settings, name)
        for name, info in Settings.model_fields.items()
        if info.json_schema_extra == _SHORTHAND and getattr(settings, name) is not None
    }
    return {**shorthands, **settings.rule_parameters}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def setting_hint(name: str) -> str:
    """How to raise a limit, as its error message says it: the setting and its environment variable."""
    assert name in Settings.model_fields, name
    return f"the setting {name} (ADVISOR_{name.upper()})"
