"""Batch validation: expand files, directories and globs, validate them in worker processes, summarise.

Each worker prepares the knowledge base (ontology, shapes, compiled plan) once, in its initializer,
and then validates one file per task. A file that cannot be read or parsed becomes an error entry
for that file; the other files still run.
"""

from __future__ import annotations

import glob
import json
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from advisor import pipeline
from advisor.cli_options import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, FailOn  # declared where `advisor --help` reads them
from advisor.config import Settings
from advisor.encoding import decode_text
from advisor.errors import AdvisorError, UnsupportedEncodingError
from advisor.loading import EXTENSIONS
from advisor.pipeline import Options
from advisor.policy import Policy, waiver_nodes_in
from advisor.render import get_format, render, render_many
from advisor.render.common import InputError
from advisor.report import Report, Severity

_GLOB_CHARACTERS = frozenset("*?[")


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class FileError:
    """Why one input produced no report."""

    code: str
    message: str
    line: int | None = None
    column: int | None = None

    def as_dict(self) -> dict:
        body: dict = {"code": self.code, "message": self.message}
        if self.line is not None:
            body["line"] = self.line
        if self.column is not None:
            body["column"] = self.column
        return body


@dataclass(frozen=True)
class FileResult:
    """The outcome for one input: a report, or an error."""

    file: str
    report: Report | None = None
    error: FileError | None = None
    seconds: float = 0.0
    waiver_nodes: frozenset[str] = frozenset()  # waivers' focus nodes that occur in this file


@dataclass(frozen=True)
class BatchOptions:
    """Everything a worker needs to validate a file: sent once, to each worker's initializer."""

    pipeline: Options  # how every file is validated
    settings: Settings  # the limits and engine settings in force


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Inputs:
    """The files named by the arguments, in order, and an error entry for each argument naming none."""

    entries: list[Path | FileResult]
    batch: bool  # more than one file, or a directory or a glob: the output holds one item per file

    @property
    def files(self) -> list[Path]:
        return [e for e in self.entries if isinstance(e, Path)]


# A directory walk takes only extensions that always mean RDF; .json and .xml files are taken when named
# explicitly or matched by a glob.
DISCOVERED_EXTENSIONS = frozenset(EXTENSIONS) - {".json", ".xml"}


def _is_rdf(path: Path, extensions: frozenset[str] | dict = EXTENSIONS) -> bool:
    return path.suffix.lower() in extensions


def _inside(path: Path, directory: Path | None) -> bool:
    return directory is not None and path.resolve().is_relative_to(directory)


def _walk(directory: Path, exclude: Path | None) -> list[Path]:
    """RDF files under the directory by extension, skipping hidden files and folders and `exclude`."""
    found = []
    for root, folders, names in os.walk(directory):
        base = Path(root)
        folders[:] = sorted(f for f in folders if not f.startswith(".") and not _inside(base / f, exclude))
        found += [base / n for n in names if not n.startswith(".") and _is_rdf(base / n, DISCOVERED_EXTENSIONS)]
    return sorted(found)


def _missing(argument: str, message: str) -> FileResult:
    return FileResult(file=argument, error=FileError("not-found", message))


def collect_inputs(arguments: Sequence[str], *, exclude: Path | None = None) -> Inputs:
    """Expand files, directories (recursively, by known RDF extensions) and glob patterns.

    A file named explicitly is taken whatever its extension; files found in a directory or by a glob
    only when their extension is a known RDF one. Anything under `exclude` (the output directory) is
    skipped. An argument that names no file gives an error entry in its place.
    """
    exclude = exclude.resolve() if exclude is not None else None
    entries: list[Path | FileResult] = []
    seen: set[Path] = set()
    batch = len(arguments) > 1

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            entries.append(path)

    discovered = ", ".join(sorted(DISCOVERED_EXTENSIONS))
    known = ", ".join(sorted(EXTENSIONS))
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            batch = True
            files = _walk(path, exclude)
            if not files:
                entries.append(_missing(argument, f"no RDF file ({discovered}) in this directory"))
            for found in files:
                add(found)
        elif path.exists():
            add(path)
        elif _GLOB_CHARACTERS & set(argument):
            batch = True
            matches = [Path(m) for m in sorted(glob.glob(argument, recursive=True))]
            files = []
            for match in matches:
                files.extend(_walk(match, exclude) if match.is_dir() else [match])
            files = [f for f in files if _is_rdf(f) and not _inside(f, exclude)]
            if not files:
                entries.append(_missing(argument, f"no RDF file ({known}) matches this pattern"))
            for found in files:
                add(found)
        else:
            entries.append(_missing(argument, "no such file or directory"))
    return Inputs(entries=entries, batch=batch)


# ---------------------------------------------------------------- validating one file


def prepare(options: BatchOptions) -> None:
    """Load and compile the knowledge base, and build the engine, so that the first file pays nothing."""
    pipeline.prepare(options.pipeline, options.settings)


def _file_error(error: AdvisorError, path: Path) -> FileError:
    message = error.message.removeprefix(f"{path.name}: ").removeprefix(f"{path}: ")
    details = error.details
    line, column = details.get("line"), details.get("column")
    return FileError(
        error.code, message, line if isinstance(line, int) else None, column if isinstance(column, int) else None
    )


def validate_path(path: Path, options: BatchOptions) -> FileResult:
    """Run the pipeline on one file; every failure becomes the file's error entry."""
    started = time.perf_counter()
    report, error, nodes = None, None, frozenset()
    policy = options.pipeline.policy
    try:
        keep = replace(options.pipeline, keep_graph=bool(policy.waivers))  # waivers look up their nodes in it
        outcome = pipeline.run(path, keep, options.settings)
        report = outcome.report
        if outcome.triples is not None:
            nodes = waiver_nodes_in(policy, outcome.triples)
    except AdvisorError as failure:
        error = _file_error(failure, path)
    except IsADirectoryError:
        error = FileError("unreadable", "is a directory")
    except OSError as failure:
        error = FileError("unreadable", f"cannot read the file: {failure.strerror or failure}")
    except Exception as failure:  # a defect must not stop the other files
        error = FileError("internal-error", f"{type(failure).__name__}: {failure}")
    return FileResult(str(path), report, error, time.perf_counter() - started, nodes)


_worker_options: BatchOptions | None = None


def _init_worker(options: BatchOptions) -> None:
    global _worker_options
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    _worker_options = options
    prepare(options)


def _validate_in_worker(path: Path) -> FileResult:
    assert _worker_options is not None, "the worker was not initialised"
    return validate_path(path, _worker_options)


# ---------------------------------------------------------------- running a batch


def resolve_jobs(jobs: int) -> int:
    """0 means one worker per CPU."""
    return max(1, os.cpu_count() or 1) if jobs <= 0 else jobs


def run_batch(
    inputs: Inputs,
    options: BatchOptions,
    *,
    jobs: int = 1,
    on_result: Callable[[FileResult], None] | None = None,
) -> list[FileResult]:
    """Validate every file, in `jobs` worker processes when more than one; results in input order."""
    files = inputs.files
    done: dict[Path, FileResult] = {}

    def record(path: Path, result: FileResult) -> None:
        done[path] = result
        if on_result is not None:
            on_result(result)

    workers = min(resolve_jobs(jobs), len(files))
    if workers <= 1:
        if files:
            prepare(options)
        for path in files:
            record(path, validate_path(path, options))
    else:
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(options,))
        try:
            futures: dict[Future[FileResult], Path] = {pool.submit(_validate_in_worker, p): p for p in files}
            for future in as_completed(futures):
                path = futures[future]
                try:
                    result = future.result()
                except Exception as failure:  # a worker that died (BrokenProcessPool) or a result that did not pickle
                    result = FileResult(str(path), error=FileError("internal-error", f"{type(failure).__name__}"))
                record(path, result)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return [done[e] if isinstance(e, Path) else e for e in inputs.entries]


# ---------------------------------------------------------------- exit status


def exit_status(results: Sequence[FileResult], fail_on: FailOn) -> int:
    """2 when a file could not be validated, else 1 when a finding fails under `fail_on`, else 0."""
    if any(r.error is not None for r in results):
        return EXIT_INPUT
    for result in results:
        assert result.report is not None
        if any(fail_on.fails(f.severity) and not f.waived for f in result.report.findings):
            return EXIT_FINDINGS
    return EXIT_OK


# ---------------------------------------------------------------- summary


@dataclass(frozen=True)
class Summary:
    files: int
    conforming: int
    nonconforming: int
    errors: list[FileResult]
    counts: dict[str, int]  # findings by severity, waived ones left out
    waived: int
    expired_waivers: int
    rule_errors: int
    slowest: list[FileResult]
    disabled: list[str]
    policy_sources: list[str]
    seconds: float

    def lines(self) -> list[str]:
        counts = self.counts
        lines = [
            f"Summary: {self.files} file(s) in {self.seconds:.1f} s: {self.conforming} conform, "
            f"{self.nonconforming} do not, {len(self.errors)} could not be validated.",
            f"Findings: {counts['violation']} violation(s), {counts['warning']} warning(s), {counts['info']} info"
            f"; {self.waived} waived, {self.expired_waivers} with an expired waiver.",
        ]
        if self.rule_errors:
            lines.append(f"Rules that could not run: {self.rule_errors} (see the reports).")
        if self.policy_sources:
            lines.append(f"Policy: {', '.join(self.policy_sources)}.")
        if self.disabled:
            lines.append(f"Disabled by the policy (findings not reported): {', '.join(self.disabled)}.")
        if self.slowest:
            slowest = ", ".join(f"{r.file} ({r.seconds:.2f} s)" for r in self.slowest)
            lines.append(f"Slowest: {slowest}.")
        for result in self.errors:
            assert result.error is not None
            lines.append(f"Could not validate {result.file}: {result.error.message}")
        return lines


def summarize(results: Sequence[FileResult], policy: Policy, seconds: float, slowest: int = 5) -> Summary:
    reports = [r.report for r in results if r.report is not None]
    counts = {severity.value: 0 for severity in Severity}
    waived = expired = 0
    for report in reports:
        for severity, number in report.counts().items():
            counts[severity] += number
        waived += sum(1 for f in report.findings if f.waived)
        expired += sum(1 for f in report.findings if f.waiver is not None and f.waiver.expired)
    timed = sorted((r for r in results if r.report is not None), key=lambda r: r.seconds, reverse=True)
    return Summary(
        files=len(results),
        conforming=sum(1 for r in reports if r.conforms),
        nonconforming=sum(1 for r in reports if not r.conforms),
        errors=[r for r in results if r.error is not None],
        counts=counts,
        waived=waived,
        expired_waivers=expired,
        rule_errors=sum(len(r.errors) for r in reports),
        slowest=timed[:slowest],
        disabled=sorted(policy.disabled),
        policy_sources=policy.sources,
        seconds=seconds,
    )


def waiver_notes(results: Sequence[FileResult], policy: Policy, catalog: dict) -> list[str]:
    """Warnings about waivers: nodes that no input has, expired waivers that brought findings back,
    and waivers that no longer match any finding."""
    validated = [r for r in results if r.report is not None]
    if not validated:
        return []
    seen_nodes = frozenset().union(*(r.waiver_nodes for r in validated))
    as_of = validated[0].report.as_of  # type: ignore[union-attr]
    notes = []
    for waiver in policy.waivers:
        if waiver.rule not in catalog:
            continue  # reported before the run as an unknown rule
        if waiver.focus_node not in seen_nodes:
            where = "the input" if len(results) == 1 else "any input"
            notes.append(f"{waiver.describe()}: the node does not occur in {where}; the waiver waives nothing")
            continue
        covered = [
            r.file
            for r in validated
            for f in r.report.findings  # type: ignore[union-attr]
            if f.rule_id == waiver.rule
            and f.focus_node == waiver.focus_node
            and policy.waiver_for(f.rule_id, f.focus_node, as_of) is waiver
        ]
        if not covered:
            notes.append(f"{waiver.describe()}: no {waiver.rule} finding on this node; the waiver is no longer needed")
        elif waiver.expired(as_of):
            notes.append(
                f"{waiver.describe()} expired on {waiver.expires.isoformat()} (accepted by {waiver.accepted_by}); "
                f"the finding counts again ({len(covered)} file(s))"
            )
    return notes


# ---------------------------------------------------------------- output


def _render_options(name: str, color: bool) -> dict:
    return {"color": color} if name == "text" else {}


def _source_text(path: str) -> str | None:
    """The text of a file the user named, decoded as the loader decodes it, for the formats that point at its
    lines (the renderers never open files themselves)."""
    try:
        return decode_text(Path(path).read_bytes(), source=path)
    except (OSError, UnsupportedEncodingError):
        return None


def _wants_source(name: str) -> bool:
    """The formats that point into the input (sarif, ...) get its text; text and json do not need it."""
    return name not in ("text", "json")


def render_one(result: FileResult, name: str, *, color: bool = False) -> bytes:
    assert result.report is not None
    options: dict = _render_options(name, color)
    if _wants_source(name):
        options["source_text"] = _source_text(result.file)
    return render(result.report, name, **options)


def render_results(results: Sequence[FileResult], name: str, *, color: bool = False) -> bytes:
    """One document for a batch: a JSON list with an item per file (an error item for a file that
    could not be validated), or the format's own multi-report form."""
    reports = [r.report for r in results if r.report is not None]
    if name == "json":
        items = iter(json.loads(render_many(reports, "json")))
        merged = [
            next(items) if r.report is not None else {"file": r.file, "error": r.error.as_dict()}  # type: ignore[union-attr]
            for r in results
        ]
        return (json.dumps(merged, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if get_format(name).render_many is None:
        return b"\n".join(render_one(r, name, color=color) for r in results if r.report is not None)
    options: dict = _render_options(name, color)
    if _wants_source(name):
        texts = {r.file: _source_text(r.file) for r in results if r.report is not None}
        options["source_texts"] = {k: v for k, v in texts.items() if v is not None}
    if get_format(name).reports_input_errors:
        options["input_errors"] = [
            InputError(r.file, r.error.code, r.error.message, r.error.line, r.error.column)
            for r in results
            if r.report is None and r.error is not None
        ]
    return render_many(reports, name, **options)


def report_paths(results: Sequence[FileResult], directory: Path, name: str) -> dict[str, Path]:
    """Where each file's report goes in an output directory: its path relative to the inputs' common
    folder, with the format's extension appended (env/a.ttl -> DIR/env/a.ttl.json)."""
    files = [Path(r.file).resolve() for r in results if r.report is not None]
    if not files:
        return {}
    base = Path(os.path.commonpath([f.parent for f in files]))
    extension = get_format(name).extension
    return {
        r.file: directory / Path(r.file).resolve().relative_to(base).with_name(Path(r.file).name + extension)
        for r in results
        if r.report is not None
    }


def write_report_directory(results: Sequence[FileResult], directory: Path, name: str) -> list[Path]:
    written = []
    paths = report_paths(results, directory, name)
    for result in results:
        if result.report is None:
            continue
        target = paths[result.file]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render_one(result, name))
        written.append(target)
    return written
