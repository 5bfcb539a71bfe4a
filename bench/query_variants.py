"""Measure a rule's SPARQL written another way before changing a shape: `python -m bench.query_variants ...`.

Three questions the speed work keeps asking, each answered on a real validation store (the one
`advisor query --derived` would scan, from `advisor.pipeline.validation_store`):

- `rewrite FILE REPLACEMENTS`: every constraint, SPARQL target and derivation query of the catalog that a
  text replacement changes is run before and after (best of `--runs`, CPU seconds of this process), with
  its solutions compared. REPLACEMENTS holds one replacement per line, `old text => new text`, matched
  against the compiled query (prefixes applied, `$this` written `?this`); other lines are ignored.
- `derived-graph FILE`: the derived facts kept in a named graph of their own instead of the default graph:
  the derivations, then every constraint query over the union of both graphs and over the data alone.
- `memory FILE [--rules ID,...]`: every constraint and SPARQL target query on its own, largest memory step first:
  how far it raised the process's peak resident set above what it held before (Linux: freed memory is given
  back and the peak reset before each query, so that a step is the query's own).

One line per query on standard output (then the totals, for the timings). Nothing here changes a shape.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from advisor.engine.fast import FastEngine
from advisor.engine.results import EngineOutput
from advisor.heap import release_freed_memory
from advisor.knowledge import KnowledgeBase, knowledge_base
from advisor.pipeline import Options, validation_store
from bench.child import status_mib
from bench.generate import DEFAULT_AS_OF
from bench.measure import BENCH_SETTINGS, best_cpu_seconds

DERIVED_GRAPH = ox.NamedNode("urn:bench:derived")
SEPARATOR = " => "


def solutions(store: ox.Store, query: str, **options: object) -> list[str]:
    """A query's solutions (or triples) as sorted text, to compare two ways of writing it."""
    return sorted(map(str, store.query(query, **options)))


def catalog_queries(kb: KnowledgeBase) -> Iterator[tuple[str, str, str]]:
    """(rule or derivation, kind, query) for every query the fast engine runs."""
    for derivation in kb.plan.derivations:
        yield derivation.shape.rsplit("#", 1)[-1], "derivation", derivation.query
    for shape in kb.plan.shapes:
        for constraint in shape.sparql:
            yield shape.rule_id, "constraint", constraint.query
        for target in shape.targets.queries:
            yield shape.rule_id, "target", target


def read_replacements(path: Path) -> list[tuple[str, str]]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if SEPARATOR in line:
            old, new = line.split(SEPARATOR, 1)
            pairs.append((old.strip(), new.strip()))
    return pairs


def rewrite(store: ox.Store, kb: KnowledgeBase, replacements: list[tuple[str, str]], runs: int) -> None:
    before_total = after_total = 0.0
    for name, kind, query in catalog_queries(kb):
        changed = query
        for old, new in replacements:
            changed = changed.replace(old, new)
        if changed == query:
            continue
        before, old_rows = best_cpu_seconds(lambda q=query: solutions(store, q), runs)
        after, new_rows = best_cpu_seconds(lambda q=changed: solutions(store, q), runs)
        before_total, after_total = before_total + before, after_total + after
        same = "same solutions" if old_rows == new_rows else "DIFFERENT solutions"
        print(f"{name} {kind}: {before:.3f} -> {after:.3f} s, {len(old_rows)} rows, {same}")
    print(f"total: {before_total:.3f} -> {after_total:.3f} s")


def derive(store: ox.Store, kb: KnowledgeBase, graph: ox.NamedNode | None) -> float:
    """Add the derived facts as the engine does (graph None), or as CONSTRUCT results over data and derived facts,
    added to `graph`. CPU seconds."""
    started = time.process_time()
    if graph is None:
        FastEngine(kb.plan).derive(store, EngineOutput(results=[], labels={}))
        return time.process_time() - started
    for derivation in kb.plan.derivations:
        found = list(store.query(derivation.query, default_graph=[ox.DefaultGraph(), graph]))
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in found)
    return time.process_time() - started


def derived_graph(source: Path, kb: KnowledgeBase, options: Options, runs: int) -> None:
    together = validation_store(source, options, BENCH_SETTINGS, kb, derived=False)
    apart = validation_store(source, options, BENCH_SETTINGS, kb, derived=False)
    print(
        f"derivations: {derive(together, kb, None):.3f} s into the default graph, "
        f"{derive(apart, kb, DERIVED_GRAPH):.3f} s into a graph of their own"
    )
    union = [ox.DefaultGraph(), DERIVED_GRAPH]
    totals = [0.0, 0.0, 0.0]
    for shape in kb.plan.shapes:
        for constraint in shape.sparql:
            query = constraint.query
            timed = [
                best_cpu_seconds(lambda q=query: solutions(together, q), runs),
                best_cpu_seconds(lambda q=query: solutions(apart, q, default_graph=union), runs),
                best_cpu_seconds(lambda q=query: solutions(apart, q), runs),
            ]
            totals = [total + seconds for total, (seconds, _) in zip(totals, timed, strict=True)]
            same = "same" if timed[0][1] == timed[1][1] else "DIFFERENT"
            print(
                f"{shape.rule_id}: one graph {timed[0][0]:.3f}, union {timed[1][0]:.3f} ({same} solutions), "
                f"data alone {timed[2][0]:.3f} s"
            )
    print(f"total: one graph {totals[0]:.3f}, union {totals[1]:.3f}, data alone {totals[2]:.3f} s")


def restart_peak() -> float:
    """Give freed memory back and restart this process's peak resident set from what it holds now (its MiB)."""
    release_freed_memory()
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
        resident = status_mib("VmRSS")
    except OSError:
        resident = None
    if resident is None:
        raise SystemExit("memory steps need Linux's /proc/self/clear_refs and /proc/self/status")
    return resident


def memory(store: ox.Store, kb: KnowledgeBase, rules: frozenset[str]) -> None:
    """Each constraint and SPARQL target query of `rules` (all when empty) run once, largest memory step first."""
    steps = []
    for name, kind, query in catalog_queries(kb):
        if kind == "derivation" or (rules and name not in rules):
            continue
        resident = restart_peak()
        started = time.process_time()
        count = sum(1 for _ in store.query(query))
        seconds = time.process_time() - started
        steps.append((max(0.0, (status_mib("VmHWM") or resident) - resident), seconds, name, kind, count))
    for step, seconds, name, kind, count in sorted(steps, key=lambda row: -row[0]):
        print(f"{name} {kind}: +{step:.1f} MiB, {seconds:.3f} s, {count} rows")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=DEFAULT_AS_OF)
    parser.add_argument("--runs", type=int, default=2, help="best of this many runs per query")
    commands = parser.add_subparsers(dest="command", required=True)
    rewriting = commands.add_parser("rewrite", help="queries before and after text replacements")
    rewriting.add_argument("file", type=Path)
    rewriting.add_argument("replacements", type=Path)
    apart = commands.add_parser("derived-graph", help="derived facts in a named graph of their own")
    apart.add_argument("file", type=Path)
    steps = commands.add_parser("memory", help="each query's own memory step, largest first")
    steps.add_argument("file", type=Path)
    steps.add_argument("--rules", default="", help="only these rules (comma-separated ids)")
    args = parser.parse_args(argv)
    kb = knowledge_base()
    options = Options(as_of=args.as_of)
    if args.command == "derived-graph":  # builds its own stores, without and with a graph for the derived facts
        derived_graph(args.file, kb, options, args.runs)
        return
    store = validation_store(args.file, options, BENCH_SETTINGS, kb)
    if args.command == "rewrite":
        rewrite(store, kb, read_replacements(args.replacements), args.runs)
    else:
        memory(store, kb, frozenset(rule.strip().upper() for rule in args.rules.split(",") if rule.strip()))


if __name__ == "__main__":
    main()
