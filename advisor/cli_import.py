"""`advisor import`: inventory documents (raw cmdlet exports, the collector's file) and an overlay -> RDF;
and the inventory route of `advisor validate` (`advisor validate exports/ --overlay site.toml`).

Exit statuses as for validate: 0 imported, 2 for bad input (nothing is written). Import warnings go to
standard error; they are also in the graph, where validation reports them as IMP-00N findings.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from advisor.cli_limits import DEFAULT_MAX_BYTES, OPTION, MaxBytesOption
from advisor.errors import AdvisorError, InputError

if TYPE_CHECKING:
    import pyoxigraph as ox

    from advisor.batch import BatchOptions, FileResult
    from advisor.importers.inputs import Limit

OUTPUT_FORMAT_NAMES = ("turtle", "json-ld", "n-triples")


def _rdf_format(name: str) -> ox.RdfFormat:
    """The pyoxigraph format of an --format name (imported only when a graph is written)."""
    import pyoxigraph as ox

    return {"turtle": ox.RdfFormat.TURTLE, "json-ld": ox.RdfFormat.JSON_LD, "n-triples": ox.RdfFormat.N_TRIPLES}[name]


def _limit(max_bytes: int) -> Limit:
    from advisor.importers.inputs import Limit

    return Limit(max_bytes, OPTION)


def _write_atomically(target: Path, content: bytes) -> None:
    """The whole file or nothing: written beside the target, then renamed over it.

    A target that exists and is no regular file (/dev/stdout, /dev/null, a named pipe) is written into, never
    replaced; a new file gets the permissions the umask gives, as any file the user writes.
    """
    if target.exists() and not target.is_file():
        with target.open("wb") as stream:
            stream.write(content)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def import_command(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT...",
            help="Inventory documents: the collector's file, ConvertTo-Json or Export-Csv of the Hyper-V and cluster "
            "cmdlets, or folders of them (recognised by content, not by name).",
            show_default=False,
        ),
    ],
    overlay: Annotated[
        list[Path] | None,
        typer.Option("--overlay", help="What PowerShell cannot know: a TOML overlay or an RDF file; may be repeated."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the graph here (default standard output).")
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="turtle, json-ld or n-triples.")
    ] = "turtle",
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    """Import inventory documents into a graph of the hv: vocabulary; exit 0, or 2 for bad input (nothing written)."""
    from advisor.importers.inputs import import_paths, split_arguments

    if output_format not in OUTPUT_FORMAT_NAMES:
        raise InputError(f"--format must be one of {', '.join(OUTPUT_FORMAT_NAMES)}, not {output_format!r}")
    limit = _limit(max_bytes)
    graphs, _, files = split_arguments(inputs, limit)
    if graphs:
        raise InputError(f"{graphs[0]}: not an inventory document or a folder of them (an RDF graph needs no import)")
    result = import_paths(files, overlay or (), limit)
    for warning in result.warnings:
        typer.echo(f"warning: {warning.rule_id}: {warning.text}", err=True)
    content = result.serialize(_rdf_format(output_format))
    if output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        _write_atomically(output, content)
    typer.echo(f"Imported {len(result.triples)} triples from {len(files)} file(s), {len(result.warnings)} warning(s).",
               err=True)


def split_validate_inputs(
    arguments: Sequence[str], max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[str], list[str], list[Path]]:
    """For `advisor validate`: (RDF arguments, inventory arguments, inventory files)."""
    from advisor.importers.inputs import split_arguments

    return split_arguments(arguments, _limit(max_bytes))


def validate_inventory(
    arguments: Sequence[str],
    files: Sequence[Path],
    overlays: Sequence[Path],
    options: BatchOptions,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> FileResult:
    """The inventory arguments imported together (with the overlays) and validated as one environment."""
    from advisor import pipeline
    from advisor.batch import FileError, FileResult
    from advisor.importers.inputs import environment_name, import_paths, parsed_graph

    name = environment_name(arguments)
    try:
        result = import_paths(files, overlays, _limit(max_bytes))
        report = pipeline.run(parsed_graph(result, name), options.pipeline, options.settings).report
        report.origins = {iri: (origin.file, origin.line) for iri, origin in result.origins.items()}
    except AdvisorError as error:
        line = error.details.get("line")
        return FileResult(name, error=FileError(error.code, error.message, line if isinstance(line, int) else None))
    except OSError as error:
        return FileResult(name, error=FileError("unreadable", f"cannot read the file: {error.strerror or error}"))
    return FileResult(name, report=report)


def register(app: typer.Typer) -> None:
    """Add the command to the `advisor` app."""
    app.command("import")(import_command)
