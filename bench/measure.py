"""One measurement, in a process of its own so its peak memory is its own: `python -m bench.measure MODE FILE`.

Modes:
  fast       parse, validate (fast engine) and render one estate, timed as the CLI or a warm worker would
  reference  parse and validate with the reference engine (stock pySHACL)
  profile    the fast pipeline step by step: store, each derivation, each rule, findings, inventory, blast
             radius, render

The knowledge base is loaded and the engine prepared before the clock starts (as a service worker does);
the result is one JSON object on standard output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from advisor import pipeline
from advisor.config import Settings
from advisor.pipeline import Extras, Options
from advisor.render import get_format, render
from bench.child import high_water_mib

# Estates of 50,000 VMs and more are larger than the service's default request limits.
BENCH_SETTINGS = Settings(max_body_bytes=2**31, max_triples=100_000_000)
Result = TypeVar("Result")


def best_cpu_seconds(work: Callable[[], Result], runs: int) -> tuple[float, Result]:
    """The least CPU time of `runs` calls of `work` (one at least), and what the last call returned."""
    seconds: list[float] = []
    while True:
        started = time.process_time()
        result = work()
        seconds.append(time.process_time() - started)
        if len(seconds) >= runs:
            return min(seconds), result


def peak_rss_mib() -> float:
    """This process's own peak resident set (its rusage figure would include its parent's pages at fork)."""
    return high_water_mib() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def findings_digest(report) -> str:
    """A digest of every finding's (rule, focus node, severity, message), to compare engines."""
    keys = sorted((f.rule_id, f.focus_node, f.severity.value, f.message) for f in report.findings)
    return hashlib.sha256(json.dumps(keys).encode("utf-8")).hexdigest()[:16]


def _options(as_of: dt.date, engine: str = "fast", extras: Extras | None = None) -> Options:
    return Options(as_of=as_of, engine=engine, extras=extras or Extras())  # type: ignore[arg-type]


def _prepare(engine: str) -> None:
    pipeline.prepare(_options(dt.date(2026, 1, 1), engine), BENCH_SETTINGS)


def _counts(report) -> dict[str, int]:
    counts: dict[str, int] = {}
    for finding in report.findings:
        counts[finding.rule_id] = counts.get(finding.rule_id, 0) + 1
    return dict(sorted(counts.items()))


def run_pipeline(path: Path, as_of: dt.date, engine: str) -> dict:
    _prepare(engine)
    baseline = peak_rss_mib()
    cpu = time.process_time()
    started = time.perf_counter()
    # As `advisor validate --format json` does: the JSON report shows the blast radius, not the inventory.
    outcome = pipeline.run(path, _options(as_of, engine, Extras.shown_by(get_format("json"))), BENCH_SETTINGS)
    report = outcome.report
    validated = time.perf_counter()
    body = render(report, "json")
    rendered = time.perf_counter()
    return {
        "engine": engine,
        "parse": outcome.seconds["parse"],
        "validate": outcome.seconds["validate"],
        "render": rendered - validated,
        "total": rendered - started,
        "cpu": time.process_time() - cpu,
        "triples": report.triples,
        "findings": len(report.findings),
        "errors": [e.model_dump() for e in report.errors],
        "by_rule": _counts(report),
        "rule_seconds": report.rule_seconds,
        "digest": findings_digest(report),
        "report_bytes": len(body),
        "baseline_rss_mib": baseline,
        "peak_rss_mib": peak_rss_mib(),
    }


def run_profile(path: Path, as_of: dt.date, cpu: bool = False) -> dict:
    """Where the time goes: each phase of the pipeline as it times itself (`cpu`: in CPU seconds of the process,
    which a busy machine disturbs less than wall-clock seconds; the rules run in one thread here)."""
    import types

    from advisor.engine import fast
    from advisor.validation import PhaseTimer

    _prepare("fast")
    clock = time.process_time if cpu else time.perf_counter
    fast.time = types.SimpleNamespace(perf_counter=clock)  # type: ignore[attr-defined]
    PhaseTimer.clock = clock
    settings = BENCH_SETTINGS.model_copy(update={"engine_threads": 1})
    started = clock()
    # The blast radius the JSON report shows, and the inventory only the HTML and Markdown reports show.
    outcome = pipeline.run(path, _options(as_of, extras=Extras(inventory=True, blast_radius=True)), settings)
    parsed_and_validated = clock()
    render(outcome.report, "json")
    seconds = outcome.seconds
    steps = {
        "parse into the store": seconds["parse"],
        "add ontology and context": seconds["store"],
        "engine (derivations, rules, labels)": seconds["engine"],
        "findings (wording, explanations)": seconds["findings"],
        "inventory": seconds["inventory"],
        "blast radius (the JSON report's what-if)": seconds["blast radius"],
        "render JSON": clock() - parsed_and_validated,
    }
    return {
        "steps": steps,
        "phases": {k.removeprefix("engine: "): v for k, v in seconds.items() if k.startswith("engine: ")},
        "rules": outcome.report.rule_seconds,
        "whole": clock() - started,
        "store_triples": len(pipeline.validation_store(path, _options(as_of), settings)),  # after the derivations
        "peak_rss_mib": peak_rss_mib(),
        "clock": "cpu" if cpu else "wall",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["fast", "reference", "profile"])
    parser.add_argument("file", type=Path)
    parser.add_argument("--as-of", default="2026-11-25")
    parser.add_argument("--cpu", action="store_true", help="profile: CPU seconds instead of wall-clock seconds")
    args = parser.parse_args(argv)
    as_of = dt.date.fromisoformat(args.as_of)
    if args.mode == "profile":
        result = run_profile(args.file, as_of, args.cpu)
    else:
        result = run_pipeline(args.file, as_of, args.mode)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
