"""The `advisor` command line: a thin shell over load -> validate -> render, the catalog and SPARQL.

Exit statuses: 0 when no finding fails (see --fail-on), 1 when one does, 2 for bad input or usage
(a file that cannot be read or parsed, a bad option or policy), 3 when the bundled knowledge base
itself is broken, 130 when interrupted. Errors map to statuses in one table, EXIT_CODES, in main().
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import click
import typer
import typer.main

from advisor.cli_history import register as register_history
from advisor.cli_import import register as register_import
from advisor.cli_import import split_validate_inputs, validate_inventory
from advisor.cli_limits import DEFAULT_MAX_BYTES, MaxBytesOption, size_limit
from advisor.cli_options import EXIT_INPUT, REPORT_FORMAT_NAMES, FailOn
from advisor.cli_whatif import register as register_what_if
from advisor.encoding import decode_text
from advisor.errors import AdvisorError, InputError, KnowledgeBaseError, NotFoundError

if TYPE_CHECKING:  # the pipeline, the knowledge base and the renderers load in the commands that use them
    from advisor.baseline import Baseline
    from advisor.batch import BatchOptions, FileResult, Inputs
    from advisor.render.explanation import Part
    from advisor.report import Rule

app = typer.Typer(
    name="advisor",
    help="Validate Hyper-V environment graphs against backup best practices.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_INTERNAL = 3  # 0, 1 and 2 come from advisor.batch.exit_status; Typer exits 130 on Ctrl-C
EXIT_CODES: dict[type[AdvisorError], int] = {
    KnowledgeBaseError: EXIT_INTERNAL,
    AdvisorError: EXIT_INPUT,
}
ENGINES = ("fast", "reference")


@app.callback()
def _root() -> None:
    """Validate Hyper-V environment graphs against backup best practices."""


def _warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


def _as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--as-of must be a date as YYYY-MM-DD, not {value!r}") from None


# ---------------------------------------------------------------- validate


def _run_with_progress(inputs: Inputs, options: BatchOptions, jobs: int, show: bool) -> list[FileResult]:
    from advisor.batch import run_batch

    if not show:
        return run_batch(inputs, options, jobs=jobs)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("Validating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("validate", total=len(inputs.files))
        return run_batch(inputs, options, jobs=jobs, on_result=lambda _: progress.advance(task))


def _is_directory_target(output: str) -> bool:
    return output.endswith(("/", os.sep)) or Path(output).is_dir()


def _write_reports(
    results: list[FileResult], batch: bool, name: str, output: str | None, baseline: Baseline | None = None
) -> None:
    from advisor.baseline import annotate_sarif
    from advisor.batch import render_one, render_results, write_report_directory

    if output is not None and _is_directory_target(output):
        if baseline is not None and name == "sarif":
            raise InputError("--baseline with --format sarif writes one log: give --output a file, not a directory")
        write_report_directory(results, Path(output), name)
        return
    if batch:
        content = render_results(results, name, color=output is None and sys.stdout.isatty())
    elif results[0].report is not None:
        content = render_one(results[0], name, color=output is None and sys.stdout.isatty())
    else:
        return
    if baseline is not None and name == "sarif":
        findings = [f for r in results if r.report is not None for f in r.report.findings]
        log = annotate_sarif(json.loads(content), baseline, findings)
        content = (json.dumps(log, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        target = Path(output)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


@app.command()
def validate(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH...",
            help="Environment graphs (Turtle, JSON-LD, N-Triples, RDF/XML): files, directories "
            "(searched recursively by extension) or glob patterns; or inventory files and folders "
            "(imported together as one environment, see docs/import.md).",
            show_default=False,
        ),
    ],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=f"Report format: {', '.join(REPORT_FORMAT_NAMES)}.")
    ] = "text",
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the report to this file, or one report per input into this directory "
            "(an existing one, or a path ending in /).",
        ),
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="Worker processes; 0 for one per CPU.")] = 1,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", case_sensitive=False, help="Lowest severity that makes the exit status 1.")
    ] = FailOn.VIOLATION,
    policy: Annotated[
        Path | None,
        typer.Option("--policy", help="Policy file (TOML). Default: advisor.toml in the working directory, if any."),
    ] = None,
    no_policy: Annotated[bool, typer.Option("--no-policy", help="Do not read advisor.toml.")] = False,
    waivers: Annotated[
        list[Path] | None, typer.Option("--waivers", help="A TOML file of [[waivers]]; may be repeated.")
    ] = None,
    as_of: Annotated[str | None, typer.Option(help="Date to validate for, YYYY-MM-DD (default today).")] = None,
    input_format: Annotated[
        str | None, typer.Option("--input-format", help="Input format when the extension does not tell.")
    ] = None,
    engine: Annotated[str, typer.Option(help="fast (default) or reference (stock pySHACL).")] = "fast",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    overlay: Annotated[
        list[Path] | None,
        typer.Option("--overlay", help="With inventory inputs: a TOML overlay or an RDF file; may be repeated."),
    ] = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    baseline_file: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            help="The JSON or SARIF report of an earlier run: only findings not in it count toward the exit status.",
        ),
    ] = None,
) -> None:
    """Validate environment graphs; exit 0 without failing findings, 1 with, 2 for bad input or usage."""
    from advisor.baseline import baseline_sentence, load_baseline, only_new
    from advisor.batch import BatchOptions, Inputs, collect_inputs, exit_status, summarize, waiver_notes
    from advisor.config import get_settings
    from advisor.knowledge import knowledge_base
    from advisor.loading import format_from_label
    from advisor.pipeline import Extras, Options
    from advisor.policy import resolve_policy
    from advisor.render import get_format

    date = _as_of(as_of)
    baseline = load_baseline(baseline_file, size_limit(max_bytes)) if baseline_file is not None else None
    get_format(output_format)
    if engine not in ENGINES:
        raise InputError(f"--engine must be fast or reference, not {engine!r}")
    rdf_format = format_from_label(input_format) if input_format else None
    active = resolve_policy(policy, use_default=not no_policy and policy is None, waiver_files=waivers or ())
    catalog = knowledge_base().catalog
    for problem in active.problems(catalog):
        _warn(problem)

    out_dir = Path(output) if output is not None and _is_directory_target(output) else None
    inputs, inventory_inputs, inventory_files = split_validate_inputs(inputs, max_bytes)  # one environment
    collected = collect_inputs(inputs, exclude=out_dir)
    if inventory_inputs and collected.entries:
        collected = Inputs(entries=collected.entries, batch=True)
    settings = get_settings()
    options = BatchOptions(
        pipeline=Options(
            as_of=date,
            engine=engine,  # type: ignore[arg-type]  # checked against ENGINES above
            policy=active,
            input_format=rdf_format,
            size_limit=size_limit(max_bytes),
            extras=Extras.shown_by(get_format(output_format)),
        ),
        settings=settings,
    )
    active.rule_parameters(settings)  # a parameter the settings or the policy set wrongly stops the run here
    started = time.perf_counter()
    show_progress = collected.batch and not quiet and sys.stderr.isatty() and len(collected.files) > 1
    results = _run_with_progress(collected, options, jobs, show_progress)
    if inventory_inputs:
        results.append(validate_inventory(inventory_inputs, inventory_files, overlay or (), options, max_bytes))
    elapsed = time.perf_counter() - started

    for result in results:
        if result.error is not None:
            typer.echo(f"error: {result.file}: {result.error.message}", err=True)
    _write_reports(results, collected.batch, output_format, output, baseline)
    for note in waiver_notes(results, active, catalog):
        _warn(note)
    if collected.batch and not quiet:
        to_stdout = output_format == "text" and output is None
        typer.echo("\n" + "\n".join(summarize(results, active, elapsed).lines()), err=not to_stdout)
    elif active.disabled and not quiet:
        typer.echo(
            f"note: disabled by the policy (findings not reported): {', '.join(sorted(active.disabled))}", err=True
        )
    if baseline is not None:
        findings = [f for r in results if r.report is not None for f in r.report.findings]
        typer.echo(baseline_sentence(baseline, findings), err=not (output_format == "text" and output is None))
        results = [only_new(r, baseline) for r in results]
    raise typer.Exit(exit_status(results, fail_on))


# ---------------------------------------------------------------- the catalog


def _find_rule(rule_id: str) -> Rule:
    import difflib

    from advisor.knowledge import knowledge_base

    catalog = knowledge_base().catalog
    rule = knowledge_base().rule(rule_id)
    if rule is None:
        close = difflib.get_close_matches(rule_id.upper(), list(catalog), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else "; `advisor rules` lists them"
        raise NotFoundError(f"no rule {rule_id!r}{hint}")
    return rule


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


@app.command("rules")
def rules_command(
    output_format: Annotated[str, typer.Option("--format", "-f", help="table, json or markdown.")] = "table",
) -> None:
    """List the rules, read from the shapes."""
    from advisor.knowledge import knowledge_base

    rules = list(knowledge_base().catalog.values())
    if output_format == "json":
        typer.echo(json.dumps([r.model_dump(mode="json") for r in rules], indent=2, ensure_ascii=False))
    elif output_format == "markdown":
        lines = ["| Rule | Severity | Category | Title | Paper section |", "|---|---|---|---|---|"]
        lines += [
            f"| {r.id} | {r.severity.value} | {_markdown_cell(r.category)} | {_markdown_cell(r.title)} | "
            f"{_markdown_cell(r.section or '')} |"
            for r in rules
        ]
        typer.echo("\n".join(lines))
    elif output_format == "table":
        from rich.console import Console
        from rich.table import Table

        table = Table("Rule", "Severity", "Category", "Title", box=None, header_style="bold")
        for rule in rules:
            table.add_row(rule.id, rule.severity.value, rule.category, rule.title)
        Console(highlight=False, width=None if sys.stdout.isatty() else 120).print(table)
    else:
        raise InputError(f"--format must be table, json or markdown, not {output_format!r}")


def _text_block(part: Part) -> list[str]:
    """One part of a rule's explanation for `advisor explain`: its label, then its text indented and wrapped."""
    from advisor.render.explanation import Kind

    if part.kind is Kind.REFERENCES:
        return ["", f"{part.label}:", *(f"  {r}" for r in part.references)]
    heading, body = f"{part.label}:", part.text
    if part.kind is Kind.PAPER:
        heading, body = f"{part.label}{f' ({part.section})' if part.section else ''}:", f"“{part.text}”"
    return ["", heading, textwrap.fill(body, width=100, initial_indent="  ", subsequent_indent="  ")]


def _markdown_block(part: Part) -> list[str]:
    from advisor.render.explanation import Kind

    if part.kind is Kind.PAPER:
        return ["", f"> {part.text}", ">", f"> — {part.label}" + (f" ({part.section})" if part.section else "")]
    if part.kind is Kind.REFERENCES:
        return ["", f"**{part.label}:** " + ", ".join(f"<{r}>" for r in part.references)]
    return ["", f"**{part.label}.** {part.text}"]


def _explain_text(rule: Rule) -> str:
    from advisor.render.explanation import RULE_VIEW, parts

    lines = [f"{rule.id} — {rule.title}", f"Severity: {rule.severity.value}   Category: {rule.category}"]
    if rule.applies_to:
        lines.append(f"Applies to: {', '.join(rule.applies_to)}")
    for part in parts(rule.explanation(), RULE_VIEW, paper_first=True):
        lines += _text_block(part)
    lines += ["", f"Message: {rule.message}"]
    return "\n".join(lines)


def _explain_markdown(rule: Rule) -> str:
    from advisor.render.explanation import RULE_VIEW_MARKDOWN, parts

    lines = [f"## {rule.id} — {rule.title}", "", f"**Severity:** {rule.severity.value} · **Category:** {rule.category}"]
    if rule.applies_to:
        lines.append(f" · **Applies to:** {', '.join(rule.applies_to)}")
    for part in parts(rule.explanation(), RULE_VIEW_MARKDOWN, paper_first=True):
        lines += _markdown_block(part)
    return "\n".join(lines)


@app.command()
def explain(
    rule_id: Annotated[str, typer.Argument(metavar="RULE-ID", help="A rule id such as COV-001.")],
    output_format: Annotated[str, typer.Option("--format", "-f", help="text, json or markdown.")] = "text",
) -> None:
    """Explain a rule: what it checks, the paper's words, why it matters and what to do."""
    rule = _find_rule(rule_id)
    if output_format == "json":
        typer.echo(json.dumps(rule.model_dump(mode="json"), indent=2, ensure_ascii=False))
    elif output_format == "markdown":
        typer.echo(_explain_markdown(rule))
    elif output_format == "text":
        typer.echo(_explain_text(rule))
    else:
        raise InputError(f"--format must be text, json or markdown, not {output_format!r}")


# ---------------------------------------------------------------- SPARQL


def _read_query(argument: str) -> str:
    if argument == "-":
        return sys.stdin.read()
    if argument.startswith("@"):
        path = Path(argument[1:])
        if not path.is_file():
            raise InputError(f"{path}: no such query file")
        return decode_text(path.read_bytes(), source=f"{path}: the file")
    return argument


@app.command()
def query(
    file: Annotated[Path, typer.Argument(help="An environment graph.", show_default=False)],
    sparql: Annotated[
        str, typer.Argument(metavar="SPARQL", help='The query; "@FILE" reads it from a file, "-" from standard input.')
    ],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table, csv or json (SELECT and ASK); CONSTRUCT prints Turtle.")
    ] = "table",
    derived: Annotated[
        bool, typer.Option(help="Add the derived facts the rules share (hvs:protectedBy, hvs:atSite, ...).")
    ] = False,
    as_of: Annotated[str | None, typer.Option(help="As-of date for --derived, YYYY-MM-DD.")] = None,
    input_format: Annotated[
        str | None, typer.Option("--input-format", help="Input format when the extension does not tell.")
    ] = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    """Run a read-only SPARQL query over a graph and the ontology (prefixes hv:, hvs:, rdfs:, ... predeclared)."""
    from advisor import query as sparql_query
    from advisor.loading import format_from_label, parse_file
    from advisor.sparql import inspect_query

    if output_format not in ("table", "csv", "json"):
        raise InputError(f"--format must be table, csv or json, not {output_format!r}")
    text = _read_query(sparql)
    inspect_query(text)
    if not file.is_file():
        raise InputError(f"{file}: no such file")
    graph = parse_file(
        file, format_from_label(input_format) if input_format else None, size_limit=size_limit(max_bytes)
    )
    store = sparql_query.query_store(graph, derived=derived, as_of=_as_of(as_of))
    result = sparql_query.run_query(store, text)
    if result.truncated:
        _warn("the result was cut at the row limit (ADVISOR_SPARQL_MAX_RESULTS)")
    if result.kind == "graph":
        typer.echo(sparql_query.to_turtle(result), nl=False)
    elif output_format == "csv":
        sys.stdout.write(sparql_query.to_csv(result))
    elif output_format == "json":
        typer.echo(sparql_query.to_json(result), nl=False)
    elif result.kind == "ask":
        typer.echo("true" if result.boolean else "false")
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(*result.variables, box=None, header_style="bold")
        for row in result.rows:
            table.add_row(*(sparql_query.compact(term) for term in row))
        Console(highlight=False, width=None if sys.stdout.isatty() else 200).print(table)
        typer.echo(f"{len(result.rows)} row(s)", err=True)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port to listen on (default 8000).")] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Directory of the embedded store (default ./data).")
    ] = None,
    env_file: Annotated[
        Path | None, typer.Option("--env-file", help="Settings file (default advisor.env, if present).")
    ] = None,
    policy: Annotated[
        Path | None,
        typer.Option("--policy", help="Policy file applied to every validation (disabled rules, severities, waivers)."),
    ] = None,
) -> None:
    """Run the HTTP service: API, SPARQL endpoint, Swagger UI (/docs), ReDoc (/redoc) and the query page (/sparql).

    Settings come from the options, then ADVISOR_* environment variables, then the settings file.
    """
    from api.server import load_settings
    from api.server import serve as run_service

    run_service(load_settings(host=host, port=port, data_dir=data_dir, env_file=env_file, policy_file=policy))


register_what_if(app)
register_history(app)
register_import(app)


# ---------------------------------------------------------------- entry point


def _escape_markup(command: click.Command) -> click.Command:
    """Help texts read as written: Rich would take `[[waivers]]` or `[PATH]` for markup and drop it."""
    from rich.markup import escape

    for attribute in ("help", "short_help", "epilog"):
        if getattr(command, attribute, None):
            setattr(command, attribute, escape(getattr(command, attribute)))
    for param in command.params:
        if getattr(param, "help", None):
            param.help = escape(param.help)  # type: ignore[attr-defined]
    for sub in getattr(command, "commands", {}).values():
        _escape_markup(sub)
    return command


def cli_command() -> click.Command:
    """The click command behind `advisor`, with every help text escaped."""
    return _escape_markup(typer.main.get_command(app))


def main() -> None:
    """Run the app; every error the advisor reports leaves through EXIT_CODES."""
    try:
        cli_command()()
    except AdvisorError as error:
        code = next(EXIT_CODES[cls] for cls in type(error).__mro__ if cls in EXIT_CODES)
        typer.echo(f"error: {error.message}", err=True)
        sys.exit(code)


if __name__ == "__main__":
    main()
