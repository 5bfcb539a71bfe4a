"""Time a what-if on a generated estate: `python bench/whatif.py 10000 --write docs/performance.md`.

Losing the site with the most hosts (seed 1, as of bench/generate's date): parse, read the what-if facts
(classes, labels, the rules' protection facts, the edges of rules.toml), answer the what-if; then the blast
radius of every site and cluster, as the JSON, HTML and Markdown reports add it. The knowledge base is
prepared before the clock starts, as in bench/measure.py. A benchmark, not a test: it prints the figures;
--write puts them into the what-if section of docs/performance.md (bench/run.py keeps that section).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from advisor.knowledge import knowledge_base  # noqa: E402
from advisor.loading import RdfFormat, parse_file  # noqa: E402
from advisor.namespaces import HV_IRI  # noqa: E402
from advisor.whatif import State, Target, graph_facts, what_if  # noqa: E402
from advisor.whatif.blast import blast_radius  # noqa: E402
from bench.generate import DEFAULT_AS_OF, write_estate  # noqa: E402
from bench.measure import BENCH_SETTINGS, peak_rss_mib  # noqa: E402


def measure(path: Path) -> dict:
    knowledge_base()
    started = time.perf_counter()
    graph = parse_file(path, RdfFormat.TURTLE, settings=BENCH_SETTINGS)
    parsed = time.perf_counter()
    facts = graph_facts(graph, DEFAULT_AS_OF)
    read = time.perf_counter()
    hosts_at = Counter(
        site
        for site, taken in facts.edges["located-at-site"].items()
        for node in taken
        if facts.is_a(node, HV_IRI + "HyperVHost")
    )
    site = max(sorted(hosts_at), key=lambda s: hosts_at[s])
    result = what_if(facts, [Target("site", site)], DEFAULT_AS_OF)
    answered = time.perf_counter()
    radius = blast_radius(facts)
    blasted = time.perf_counter()
    return {
        "triples": len(graph),
        "site": facts.name(site),
        "lost": len(result.lost),
        "states": {state.value: len(result.of_state(state)) for state in State},
        "parse_s": round(parsed - started, 3),
        "facts_s": round(read - parsed, 3),
        "what_if_s": round(answered - read, 3),
        "total_s": round(answered - started, 3),
        "blast_radius_scopes": len(radius),
        "blast_radius_s": round(blasted - answered, 3),
        "peak_rss_mib": round(peak_rss_mib(), 1),
    }


BEGIN = "<!-- what-if: written by bench/whatif.py -->"
END = "<!-- /what-if -->"


def section(figures: dict) -> str:
    """The what-if section of docs/performance.md."""
    states = ", ".join(f"{count} {state}" for state, count in figures["states"].items())
    return "\n".join(
        [
            BEGIN,
            "## What-if",
            "",
            f"`python bench/whatif.py {figures['vms']} --write docs/performance.md` (seed {figures['seed']}, "
            "one run, knowledge base prepared): a generated estate of "
            f"{figures['vms']:,} VMs ({figures['triples']:,} triples) loses its site with the most hosts, "
            f"{figures['site']}: {figures['lost']:,} elements lost; {states}. Target (issue 14): under 2 s.",
            "",
            "| step | seconds |",
            "|---|---:|",
            f"| parse | {figures['parse_s']:.2f} |",
            f"| read the facts (classes, labels, protection, the edges of rules.toml) | {figures['facts_s']:.2f} |",
            f"| answer the what-if (closure, states, data sets, dependencies) | {figures['what_if_s']:.2f} |",
            f"| **parse + what-if** | **{figures['total_s']:.2f}** |",
            f"| blast radius of all {figures['blast_radius_scopes']} sites and clusters (facts already read) | "
            f"{figures['blast_radius_s']:.2f} |",
            "",
            f"Peak RSS {figures['peak_rss_mib']:.0f} MiB. The machine's 2 cores are shared: expect noise.",
            END,
        ]
    )


def keep_section(old: str, new: str) -> str:
    """`new` (a rewritten docs/performance.md) with the what-if section of `old` put back, or replaced by it."""
    start, end = old.find(BEGIN), old.find(END)
    if start < 0 or end < 0:
        return new
    return put_section(new, old[start : end + len(END)])


def put_section(text: str, block: str) -> str:
    """The text with its what-if section replaced by `block`, or `block` added before the notes (or at the end)."""
    start, end = text.find(BEGIN), text.find(END)
    if start >= 0 and end >= 0:
        return text[:start] + block + text[end + len(END) :]
    notes = text.find("\n## Notes")
    if notes < 0:
        return text.rstrip("\n") + "\n\n" + block + "\n"
    return text[: notes + 1] + block + "\n\n" + text[notes + 1 :]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vms", type=int, nargs="?", default=10_000, help="VMs in the generated estate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write", type=Path, help="put the figures into this docs/performance.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        path = write_estate(Path(directory) / f"estate-{args.vms}.ttl", args.vms, args.seed)
        figures = {"vms": args.vms, "seed": args.seed, **measure(path)}
    print(json.dumps(figures, indent=2))
    if args.write:
        args.write.write_text(put_section(args.write.read_text(encoding="utf-8"), section(figures)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
