"""`advisor what-if`: what is lost, and what can still be restored, if a site, host, cluster, volume,
repository or system is lost. Exit 1 when some system would be unrecoverable, 0 when none, 2 for bad input."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from advisor.cli_limits import DEFAULT_MAX_BYTES, MaxBytesOption, size_limit
from advisor.cli_options import WHAT_IF_FORMAT_NAMES
from advisor.errors import InputError

EXIT_UNRECOVERABLE = 1


def what_if_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="An environment graph.", show_default=False)],
    lose: Annotated[
        list[str],
        typer.Option(
            "--lose",
            metavar="KIND:NODE",
            help="A lost element; KIND is site, host, cluster, volume, repository or system, NODE an IRI "
            "(full or prefixed) or a label. May be repeated.",
            show_default=False,
        ),
    ],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=f"Output format: {', '.join(WHAT_IF_FORMAT_NAMES)}.")
    ] = "text",
    as_of: Annotated[
        str | None,
        typer.Option(help="Date to answer for, YYYY-MM-DD (default today); restore point ages count to its end."),
    ] = None,
    input_format: Annotated[
        str | None, typer.Option("--input-format", help="Input format when the extension does not tell.")
    ] = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    """What if these elements were lost? Exit 1 when some system would be unrecoverable, else 0; 2 for bad input."""
    from advisor.loading import format_from_label, format_from_name, read_file
    from advisor.whatif.output import render
    from advisor.whatif.run import what_if_document

    if output_format not in WHAT_IF_FORMAT_NAMES:
        raise InputError(f"--format must be one of {', '.join(WHAT_IF_FORMAT_NAMES)}, not {output_format!r}")
    try:
        date = dt.date.fromisoformat(as_of) if as_of is not None else dt.date.today()
    except ValueError:
        raise InputError(f"--as-of must be a date as YYYY-MM-DD, not {as_of!r}") from None
    if not file.is_file():
        raise InputError(f"{file}: no such file")
    fmt = format_from_label(input_format) if input_format else format_from_name(file.name)
    limit = size_limit(max_bytes)
    data = read_file(file, limit)
    result = what_if_document(
        data, fmt, lose, date, source=str(file), size_limit=limit, inventory=output_format == "html"
    )
    sys.stdout.write(render(result, output_format))
    sys.stdout.flush()
    raise typer.Exit(EXIT_UNRECOVERABLE if result.any_unrecoverable else 0)


def register(app: typer.Typer) -> None:
    """Add the command to the `advisor` app."""
    app.command("what-if")(what_if_command)
