"""`advisor diff OLD NEW`: the drift between two graphs or two reports (JSON or SARIF) of an estate.

Exit 1 when a new finding is at or above --fail-on, 0 when none, 2 for bad input."""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from advisor.cli_limits import DEFAULT_MAX_BYTES, MaxBytesOption, size_limit
from advisor.cli_options import DRIFT_FORMAT_NAMES, FailOn
from advisor.encoding import decode_text
from advisor.errors import InputError, UnsupportedEncodingError

if TYPE_CHECKING:
    import pyoxigraph as ox

    from advisor.baseline import BaselineFinding
    from advisor.diff import Side
    from advisor.loading import SizeLimit

REPORT_SUFFIXES = (".json", ".sarif")


@dataclass(frozen=True)
class State:
    """One side of a diff: its findings, and its triples when it is a graph."""

    side: Side
    findings: list[BaselineFinding]
    triples: list[ox.Triple] | None


def _is_report(path: Path, limit: SizeLimit) -> bool:
    """A .json or .sarif file that holds a report (findings or SARIF runs), not a JSON-LD graph."""
    if path.suffix.lower() not in REPORT_SUFFIXES:
        return False
    if path.suffix.lower() == ".sarif" or path.stat().st_size > limit.maximum:
        return True  # load_baseline names the fault
    try:
        document = json.loads(decode_text(path.read_bytes(), source=f"{path}: the file"))
    except (UnsupportedEncodingError, json.JSONDecodeError, OSError):
        return True  # load_baseline names the fault
    items = document if isinstance(document, list) else [document]
    return all(isinstance(i, dict) and ("findings" in i or "runs" in i or "error" in i) for i in items)


def _report_side(path: Path, limit: SizeLimit) -> State:
    from advisor.baseline import load_baseline
    from advisor.diff import Side
    from advisor.report import Severity

    baseline = load_baseline(path, limit)
    score = None
    try:
        document = json.loads(decode_text(path.read_bytes(), source=f"{path}: the file"))
        if isinstance(document, dict) and isinstance(document.get("score"), int | float):
            score = float(document["score"])
    except (UnsupportedEncodingError, json.JSONDecodeError):
        pass
    counts = {s.value: 0 for s in Severity}
    for finding in baseline.findings.values():
        counts[finding.severity.value] += 1
    return State(Side(str(path), score, counts), list(baseline.findings.values()), None)


def load_state(path: Path, as_of: dt.date, input_format: str | None, limit: SizeLimit | None = None) -> State:
    """A graph (validated as of the date) or an earlier report."""
    from advisor import pipeline
    from advisor.config import get_settings
    from advisor.diff import side_of, standing
    from advisor.loading import format_from_label
    from advisor.pipeline import Options

    if not path.is_file():
        raise InputError(f"{path}: no such file")
    limit = limit or size_limit()
    if input_format is None and _is_report(path, limit):
        return _report_side(path, limit)
    options = Options(as_of=as_of, input_format=format_from_label(input_format) if input_format else None,
                      size_limit=limit, keep_graph=True)
    outcome = pipeline.run(path, options, get_settings())
    return State(side_of(outcome.report, str(path)), standing(outcome.report.findings), outcome.triples or [])


def diff_command(
    old: Annotated[Path, typer.Argument(help="The earlier graph, or its JSON or SARIF report.", show_default=False)],
    new: Annotated[Path, typer.Argument(help="The later graph, or its JSON or SARIF report.", show_default=False)],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=f"Output format: {', '.join(DRIFT_FORMAT_NAMES)}.")
    ] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the drift to this file.")] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", case_sensitive=False, help="Lowest severity of a new finding that exits 1.")
    ] = FailOn.VIOLATION,
    as_of: Annotated[str | None, typer.Option(help="Date to validate graphs for, YYYY-MM-DD (default today).")] = None,
    input_format: Annotated[
        str | None, typer.Option("--input-format", help="Format of both graphs when their extensions do not tell.")
    ] = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    """What changed between two states of an estate: new, fixed and unchanged findings, resources added, removed
    and changed. Exit 1 when a new finding is at or above --fail-on, else 0; 2 for bad input."""
    from advisor.diff import Drift, diff_findings, diff_graphs, fails
    from advisor.render.drift import render_drift
    from advisor.report import Severity

    if output_format not in DRIFT_FORMAT_NAMES:
        raise InputError(f"--format must be one of {', '.join(DRIFT_FORMAT_NAMES)}, not {output_format!r}")
    try:
        date = dt.date.fromisoformat(as_of) if as_of is not None else dt.date.today()
    except ValueError:
        raise InputError(f"--as-of must be a date as YYYY-MM-DD, not {as_of!r}") from None
    limit = size_limit(max_bytes)
    before, after = load_state(old, date, input_format, limit), load_state(new, date, input_format, limit)
    graphs = before.triples is not None and after.triples is not None
    drift = Drift(
        before.side,
        after.side,
        diff_findings(before.findings, after.findings),
        diff_graphs(before.triples or [], after.triples or []) if graphs else None,
    )
    content = render_drift(drift, output_format)
    if output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(content)
    lowest = None if fail_on is FailOn.NEVER else Severity(fail_on.value)
    raise typer.Exit(1 if fails(drift, lowest) else 0)


def register(app: typer.Typer) -> None:
    app.command("diff")(diff_command)


__all__ = ["diff_command", "load_state", "register"]
