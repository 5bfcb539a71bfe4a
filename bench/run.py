"""Benchmark the advisor on generated estates and write docs/performance.md.

    python bench/run.py                      # 1k, 10k, 50k (100k when memory allows), pySHACL, TopBraid, API
    python bench/run.py --quick              # 1k and 10k only, short time caps: a few minutes
    python bench/run.py --sizes 1000,10000 --reference-sizes 1000 --no-topbraid --no-api

Every measurement runs in a fresh child process (`python -m bench.measure`), so its peak RSS is its own;
pySHACL and TopBraid runs are stopped at the time cap and reported as "more than" it. This is a benchmark,
not a test: it asserts nothing, it reports figures and whether they meet the targets of issue 6.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import api_load, child, generate_dense, machine, topbraid, whole  # noqa: E402
from bench.generate import DEFAULT_AS_OF, write_estate  # noqa: E402
from bench.report import markdown, targets, timestamp  # noqa: E402

API_VMS = 100


# Sections other tools write into docs/performance.md between <!-- name --> and <!-- /name -->.
_SECTION = re.compile(r"<!-- (?P<name>[a-z][a-z0-9-]*) -->\n.*?<!-- /(?P=name) -->\n?", re.DOTALL)


def _keep_what_if(output: Path, text: str) -> str:
    """The report with the sections other tools wrote into the old one kept (what-if, import, scaling...)."""
    from bench.whatif import keep_section

    if not output.is_file():
        return text
    old = output.read_text(encoding="utf-8")
    text = keep_section(old, text)
    for match in _SECTION.finditer(old):
        if f"<!-- {match.group('name')} -->" in text:
            continue
        block = match.group(0).rstrip("\n") + "\n"
        notes = text.find("\n## Notes")
        text = text.rstrip("\n") + "\n\n" + block if notes < 0 else text[: notes + 1] + block + "\n" + text[notes + 1 :]
    return text


def _log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def _child(mode: str, path: Path, cap: float | None = None) -> tuple[dict | None, float, bool, str]:
    """Run `python -m bench.measure MODE PATH`; (result, peak RSS MiB, timed out, stderr)."""
    command = [sys.executable, "-m", "bench.measure", mode, str(path), "--as-of", DEFAULT_AS_OF.isoformat()]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        finished = child.run(command, cap=cap, cwd=ROOT, stdout=out, stderr=err,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode(errors="replace")
    rss = finished.peak_rss_mib
    if finished.timed_out or finished.status != 0:
        return None, rss, finished.timed_out, stderr[-2000:]
    return json.loads(stdout.strip().splitlines()[-1]), rss, False, stderr


# The shapes of estate measured: bench/generate.py's, and bench/generate_dense.py's (deep dependency chains,
# many checkpoints, many small jobs).
SHAPES = {"standard": write_estate, "dense": generate_dense.write_estate}


def _estate(work: Path, vms: int, seed: int, shape: str = "standard") -> Path:
    name = f"estate-{vms}-seed{seed}.ttl" if shape == "standard" else f"estate-{shape}-{vms}-seed{seed}.ttl"
    path = work / name
    if not path.is_file():
        started = time.perf_counter()
        SHAPES[shape](path, vms, seed)
        _log(f"generated {path.name} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
    return path


def _available_mib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def measure_fast(work: Path, sizes: list[int], seed: int, repeat: int, results: dict, shape: str = "standard") -> None:
    key = "fast" if shape == "standard" else f"fast_{shape}"
    results.setdefault(key, [])
    for vms in sizes:
        if results[key]:
            previous = results[key][-1]
            predicted = previous["peak_rss_mib"] * vms / previous["vms"]
            available = _available_mib()
            if available is not None and predicted > 0.7 * available:
                reason = f"about {predicted:.0f} MiB needed, {available:.0f} MiB available"
                results["skipped"].append({"vms": vms, "reason": reason})
                _log(f"skip {vms} VMs: {reason}")
                continue
        path = _estate(work, vms, seed, shape)
        runs = []
        for attempt in range(repeat if vms <= 10_000 else 1):
            result, rss, _, err = _child("fast", path)
            if result is None:
                raise RuntimeError(f"the fast engine failed on {vms} VMs:\n{err}")
            result["peak_rss_mib"] = rss
            runs.append(result)
            _log(f"fast {shape} {vms} VMs run {attempt + 1}: parse {result['parse']:.2f} s, validate "
                 f"{result['validate']:.2f} s, {result['findings']} findings, {rss:.0f} MiB")
        runs.sort(key=lambda r: r["parse"] + r["validate"])
        median = runs[len(runs) // 2]
        median["vms"] = vms
        median["peak_rss_mib"] = max(r["peak_rss_mib"] for r in runs)
        median["runs"] = [round(r["parse"] + r["validate"], 3) for r in runs]
        results[key].append(median)


def measure_whole(work: Path, sizes: list[int], seed: int, shapes: list[str], results: dict) -> None:
    """`advisor validate FILE --format json` as a user runs it, against pyoxigraph's bulk load of the file."""
    for shape in shapes:
        for vms in sizes:
            path = _estate(work, vms, seed, shape)
            run = whole.measure(path, DEFAULT_AS_OF.isoformat())
            entry = {"shape": shape, "vms": vms, "megabytes": run.megabytes, "seconds": run.seconds,
                     "cpu_seconds": run.cpu_seconds, "parse_seconds": run.parse_seconds, "ratio": run.ratio,
                     "parse_cpu_seconds": run.parse_cpu_seconds, "cpu_ratio": run.cpu_ratio,
                     "peak_rss_mib": run.peak_rss_mib, "triples": run.triples, "findings": run.findings,
                     "status": run.status}
            results["whole"].append(entry)
            _log(f"whole process, {shape} {vms} VMs: {run.seconds:.2f} s, parse alone {run.parse_seconds:.2f} s "
                 f"({run.ratio:.1f}×; CPU {run.cpu_seconds:.2f} s against {run.parse_cpu_seconds:.2f} s, "
                 f"{run.cpu_ratio:.1f}×), "
                 f"{run.peak_rss_mib:.0f} MiB, exit {run.status}")


def measure_reference(work: Path, sizes: list[int], seed: int, cap: float, results: dict) -> None:
    for vms in sizes:
        path = _estate(work, vms, seed)
        _log(f"pySHACL on {vms} VMs (cap {cap:.0f} s)...")
        result, rss, timed_out, err = _child("reference", path, cap)
        entry = {"vms": vms, "cap": cap, "timed_out": timed_out, "peak_rss_mib": rss}
        if result is not None:
            entry.update(seconds=result["parse"] + result["validate"], findings=result["findings"],
                         digest=result["digest"])
        elif not timed_out:
            entry["error"] = err
        results["reference"].append(entry)
        _log(f"pySHACL {vms} VMs: {entry.get('seconds', 'more than cap' if timed_out else 'failed')}")


def measure_topbraid(work: Path, sizes: list[int], seed: int, cap: float, results: dict) -> None:
    from advisor.knowledge import knowledge_base
    from advisor.validation import build_store
    from bench.measure import BENCH_SETTINGS

    try:
        home = topbraid.install(work)
    except (subprocess.SubprocessError, OSError, StopIteration) as error:
        results["topbraid_note"] = f"TopBraid SHACL could not be installed here ({error}); not measured."
        return
    kb = knowledge_base()
    shapes = work / "shapes.ttl"
    kb.shapes.serialize(shapes, format="turtle")
    import pyoxigraph as ox

    from advisor.loading import RdfFormat, parse_file

    for vms in sizes:
        path = _estate(work, vms, seed)
        store = build_store(parse_file(path, RdfFormat.TURTLE, settings=BENCH_SETTINGS), kb, DEFAULT_AS_OF)
        data = work / f"topbraid-input-{vms}.ttl"
        data.write_bytes(ox.serialize(store, format=ox.RdfFormat.N_TRIPLES))
        del store
        _log(f"TopBraid on {vms} VMs (cap {cap:.0f} s)...")
        run = topbraid.run(home, data, shapes, work, cap)
        entry = {"vms": vms, "cap": cap, "timed_out": run.timed_out, "seconds": run.total,
                 "infer_seconds": run.infer_seconds, "validate_seconds": run.validate_seconds,
                 "results": run.results, "error": run.error}
        results["topbraid"].append(entry)
        _log(f"TopBraid {vms} VMs: {run.total if run.total is not None else run.error or 'more than cap'}")
    empty = work / "topbraid-empty.ttl"
    empty.write_text("")
    jvm = topbraid.run(home, empty, shapes, work, 120)
    if jvm.total is not None:
        results["topbraid_note"] = (f"TopBraid on an empty graph (two JVM starts, loading the shapes) takes "
                                    f"{jvm.total:.1f} s; that much of each TopBraid figure is fixed cost.")


def measure_api(work: Path, seed: int, results: dict, requests: int = 200, clients: int = 4,
                per_client: int = 50) -> None:
    if not api_load.service_available():
        results["api"] = "Pending: the service (api/, `advisor serve`) is not in this checkout yet."
        return
    path = _estate(work, API_VMS, seed)
    document = path.read_bytes()
    import pyoxigraph as ox

    triples = sum(1 for _ in ox.parse(document, format=ox.RdfFormat.TURTLE))
    _log(f"API: {API_VMS}-VM graph against a local uvicorn...")
    try:
        figures = api_load.measure(document, requests=requests, clients=clients, per_client=per_client, workers=2)
    except (RuntimeError, OSError) as error:
        results["api"] = f"Not measured: {error}"
        return
    results["api"] = {**figures.__dict__, "vms": API_VMS, "triples": triples, "workers": 2}
    _log(f"API p50 {figures.p50_ms:.0f} ms, p95 {figures.p95_ms:.0f} ms, {figures.throughput_per_s:.1f} req/s")


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()] if text else []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000,100000", help="estate sizes for the fast engine")
    parser.add_argument("--reference-sizes", default="1000,10000", help="sizes for pySHACL ('' for none)")
    parser.add_argument("--reference-cap", type=float, default=1200, help="pySHACL time cap per run, seconds")
    parser.add_argument("--topbraid-sizes", default="1000,10000", help="sizes for TopBraid SHACL ('' for none)")
    parser.add_argument("--topbraid-cap", type=float, default=900, help="TopBraid time cap per run, seconds")
    parser.add_argument("--no-topbraid", action="store_true", help="do not download and run TopBraid SHACL")
    parser.add_argument("--no-api", action="store_true", help="do not measure the service")
    parser.add_argument("--shapes", default=",".join(SHAPES),
                        help=f"estate shapes for the whole-process runs and the rule tables ({', '.join(SHAPES)})")
    parser.add_argument("--whole-sizes", help="sizes for the whole-process runs (default: --sizes; '' for none)")
    parser.add_argument("--api-requests", type=int, default=200, help="sequential requests for the API latency")
    parser.add_argument("--api-clients", type=int, default=4, help="concurrent clients for the API throughput")
    parser.add_argument("--api-per-client", type=int, default=50, help="requests each concurrent client sends")
    parser.add_argument("--repeat", type=int, default=3, help="fast runs per size up to 10k (the median is kept)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="1k and 10k, caps of 120 s: a few minutes")
    parser.add_argument("--work-dir", type=Path, default=ROOT / "bench" / "out", help="estates and downloads")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--note", action="append", default=[], help="a note for the report (repeatable)")
    parser.add_argument("--from-json", type=Path, help="re-write the report from saved --json results")
    args = parser.parse_args(argv)
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        saved["notes"] = saved.get("notes", []) + list(args.note)
        args.output.write_text(_keep_what_if(args.output, markdown(saved)), encoding="utf-8")
        _log(f"wrote {args.output}")
        return 0
    if args.quick:
        args.sizes, args.reference_sizes, args.topbraid_sizes = "1000,10000", "1000", "1000,10000"
        args.reference_cap = args.topbraid_cap = 120
    args.work_dir.mkdir(parents=True, exist_ok=True)
    started = time.time()
    results: dict = {
        "started": timestamp(),
        "command": "python bench/run.py " + shlex.join(argv if argv is not None else sys.argv[1:]),
        "machine": machine.describe(),
        "load_before": f"{os.getloadavg()[0]:.1f}",
        "seed": args.seed,
        "repeat": args.repeat,
        "fast": [], "skipped": [], "reference": [], "topbraid": [], "whole": [], "notes": list(args.note),
    }
    shapes = [shape for shape in _names(args.shapes) if shape in SHAPES]
    measure_fast(args.work_dir, _sizes(args.sizes), args.seed, args.repeat, results)
    for shape in shapes:
        if shape != "standard":
            measure_fast(args.work_dir, _sizes(args.sizes), args.seed, args.repeat, results, shape)
    whole_sizes = _sizes(args.sizes if args.whole_sizes is None else args.whole_sizes)
    measure_whole(args.work_dir, whole_sizes, args.seed, shapes, results)
    sizes = [r["vms"] for r in results["fast"]]
    if sizes and max(sizes) >= 10_000:
        profile_size = 10_000 if 10_000 in sizes else max(sizes)
        profile, _, _, err = _child("profile", _estate(args.work_dir, profile_size, args.seed))
        if profile is not None:
            results["profile"] = {**profile, "vms": profile_size}
        else:
            results["notes"].append(f"The profile run failed: {err.strip().splitlines()[-1] if err else '?'}")
    if not args.no_api:
        measure_api(args.work_dir, args.seed, results, args.api_requests, args.api_clients, args.api_per_client)
    measure_reference(args.work_dir, _sizes(args.reference_sizes), args.seed, args.reference_cap, results)
    if not args.no_topbraid:
        measure_topbraid(args.work_dir, _sizes(args.topbraid_sizes), args.seed, args.topbraid_cap, results)
    results["load_after"] = f"{os.getloadavg()[0]:.1f}"
    results["duration_s"] = time.time() - started
    for run in results["fast"]:
        spread = run["runs"]
        if len(spread) > 1 and max(spread) > 1.5 * min(spread):
            results["notes"].append(
                f"{run['vms']} VMs: parse + validate ranged {min(spread):.2f}–{max(spread):.2f} s over "
                f"{len(spread)} runs (median {statistics.median(spread):.2f} s): the machine was busy."
            )
    text = _keep_what_if(args.output, markdown(results))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    for row in targets(results):
        print(" | ".join(row))
    _log(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
