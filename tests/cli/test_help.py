"""Every help text reads as written: `--help` shows each command's and each option's help word for word.

Rich, which draws the help, takes square brackets for markup: unescaped, "A TOML file of [[waivers]]" printed as
"A TOML file of []". The terminal is wide, so no line is wrapped.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import click
import pytest
import typer.main

from advisor.cli import app
from tests.cli.conftest import run_cli

WIDE = 2000


def _commands() -> dict[str, click.Command]:
    """The commands as written in advisor/cli.py (a fresh build: help texts not escaped)."""
    return dict(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def _row(output: str, text: str) -> bool:
    """Whether `text` is shown whole on one line of the help."""
    return any(text in " ".join(line.split()) for line in output.splitlines())


@pytest.mark.parametrize("name", sorted(_commands()))
def test_each_help_text_reads_as_written(name: str, tmp_path: Path) -> None:
    command = _commands()[name]
    run = run_cli(name, "--help", cwd=tmp_path, columns=WIDE)
    assert run.returncode == 0, run.stderr
    texts = [inspect.cleandoc(command.help or "").split("\n\n")[0]]
    texts += [param.help for param in command.params if getattr(param, "help", None)]  # type: ignore[attr-defined]
    missing = [text for text in texts if not _row(run.stdout, " ".join(text.split()))]
    assert missing == [], run.stdout


def test_square_brackets_survive(tmp_path: Path) -> None:
    run = run_cli("validate", "--help", cwd=tmp_path, columns=WIDE)
    assert "A TOML file of [[waivers]]; may be repeated." in run.stdout
    assert "A TOML file of []" not in run.stdout
