"""The `advisor` command line: a thin shell over load -> validate -> render."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from advisor.errors import AdvisorError
from advisor.loading import format_from_label, parse_file
from advisor.render import render_text
from advisor.validation import validate as run_validation

app = typer.Typer(
    name="advisor",
    help="Validate Hyper-V environment graphs against backup best practices.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


@app.callback()
def _root() -> None:
    """Validate Hyper-V environment graphs against backup best practices."""


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(EXIT_INPUT)


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Environment graphs (Turtle, JSON-LD, N-Triples, RDF/XML).")],
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    as_of: Annotated[str | None, typer.Option(help="Date to validate for, YYYY-MM-DD (default today).")] = None,
    input_format: Annotated[
        str | None, typer.Option("--input-format", help="Input format when the extension does not tell.")
    ] = None,
    engine: Annotated[str, typer.Option(help="fast (default) or reference (stock pySHACL).")] = "fast",
) -> None:
    """Validate environment graphs; exit 0 without violations, 1 with, 2 for bad input or usage."""
    import json

    try:
        date = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise _fail(f"--as-of must be a date as YYYY-MM-DD, not {as_of!r}") from None
    if engine not in ("fast", "reference"):
        raise _fail(f"--engine must be fast or reference, not {engine!r}")
    if output_format not in ("text", "json"):
        raise _fail(f"--format must be text or json, not {output_format!r}")
    worst = EXIT_OK
    for path in files:
        try:
            fmt = format_from_label(input_format) if input_format else None
            if not path.is_file():
                raise _fail(f"{path}: no such file")
            report = run_validation(parse_file(path, fmt), as_of=date, engine=engine)  # type: ignore[arg-type]
        except AdvisorError as error:
            raise _fail(f"{path}: {error.message}" if str(path) not in error.message else error.message) from None
        if output_format == "json":
            typer.echo(json.dumps(report.contract(), indent=2, ensure_ascii=False))
        else:
            typer.echo(render_text(report, color=sys.stdout.isatty()), nl=False)
        if not report.conforms:
            worst = EXIT_FINDINGS
    raise typer.Exit(worst)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
