"""Docs fail when a rule or a CLI command is undocumented (settings, routes, error codes and metrics:
tests/api/test_service_docs.py)."""

from __future__ import annotations

import typer.main

from advisor.cli import app
from scripts.build_rules_doc import rules_markdown
from tests.conftest import ROOT


def _docs_text() -> str:
    paths = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


def test_rule_catalog_page_is_current() -> None:
    on_disk = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert on_disk == rules_markdown(), "run: .venv/bin/python scripts/build_rules_doc.py"


def test_every_rule_is_documented(kb) -> None:
    text = _docs_text()
    assert [rule_id for rule_id in kb.catalog if f"## {rule_id}:" not in text] == []


def test_every_cli_command_is_documented() -> None:
    text = _docs_text()
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    assert commands, "the CLI has no commands"
    assert [name for name in commands if f"advisor {name}" not in text] == []
