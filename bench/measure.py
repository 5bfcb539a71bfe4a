"""One measurement, in a process of its own so its peak memory is its own: `python -m bench.measure MODE FILE`.

Modes:
  fast       parse, validate (fast engine) and render one estate, timed as the CLI or a warm worker would
  reference  parse and validate with the reference engine (stock pySHACL)
  profile    the fast pipeline step by step: store, each derivation, each rule, findings, inventory, render

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
from pathlib import Path

from advisor.config import Settings
from advisor.knowledge import knowledge_base
from advisor.loading import ParsedGraph, RdfFormat, parse_file
from advisor.render import render
from advisor.validation import validate

# Estates of 50,000 VMs and more are larger than the service's default request limits.
BENCH_SETTINGS = Settings(max_body_bytes=2**31, max_triples=100_000_000)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def findings_digest(report) -> str:
    """A digest of every finding's (rule, focus node, severity, message), to compare engines."""
    keys = sorted((f.rule_id, f.focus_node, f.severity.value, f.message) for f in report.findings)
    return hashlib.sha256(json.dumps(keys).encode("utf-8")).hexdigest()[:16]


def _prepare(engine: str) -> None:
    kb = knowledge_base()
    validate(ParsedGraph(triples=[], format=RdfFormat.TURTLE), as_of=dt.date(2026, 1, 1), engine=engine, kb=kb)


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
    graph = parse_file(path, RdfFormat.TURTLE, settings=BENCH_SETTINGS)
    parsed = time.perf_counter()
    # As `advisor validate --format json` does: the JSON report does not show the inventory.
    report = validate(graph, as_of=as_of, engine=engine, inventory=False)  # type: ignore[arg-type]
    validated = time.perf_counter()
    body = render(report, "json")
    rendered = time.perf_counter()
    return {
        "engine": engine,
        "parse": parsed - started,
        "validate": validated - parsed,
        "render": rendered - validated,
        "total": rendered - started,
        "cpu": time.process_time() - cpu,
        "triples": len(graph),
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
    """Where the time goes: each step of the fast pipeline timed on its own (`cpu`: in CPU seconds of the
    process, which a busy machine disturbs less than wall-clock seconds; the rules run in one thread here)."""
    import types

    from advisor.engine import fast
    from advisor.engine.fast import FastEngine
    from advisor.findings import build_findings
    from advisor.inventory import build_inventory
    from advisor.report import Report, conforms
    from advisor.validation import RuleParameters, build_store

    _prepare("fast")
    kb = knowledge_base()
    engine = FastEngine(kb.plan)
    steps: dict[str, float] = {}
    clock = time.process_time if cpu else time.perf_counter
    fast.time = types.SimpleNamespace(perf_counter=clock)  # type: ignore[attr-defined]

    def step(name: str, started: float) -> float:
        now = clock()
        steps[name] = now - started
        return now

    now = clock()
    graph = parse_file(path, RdfFormat.TURTLE, settings=BENCH_SETTINGS)
    now = step("parse into the store", now)
    store = build_store(graph, kb, as_of, RuleParameters())
    now = step("add ontology and context", now)
    output = engine.run(store)
    now = step("engine (derivations, rules, labels)", now)
    did_you_mean = frozenset(rule.id for rule in kb.catalog.values() if rule.did_you_mean)
    findings, errors = build_findings(output, kb.catalog, did_you_mean, kb.defined_terms)
    now = step("findings (wording, explanations)", now)
    inventory = build_inventory(store, (d.query for d in kb.plan.derivations))
    now = step("inventory", now)
    report = Report(conforms=conforms(findings), findings=findings, errors=errors, as_of=as_of,
                    triples=len(graph), inventory=inventory)
    render(report, "json")
    step("render JSON", now)
    return {
        "steps": steps,
        "phases": output.phase_seconds,
        "rules": output.rule_seconds,
        "store_triples": len(store),
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
