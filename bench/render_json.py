"""Time the JSON report's rendering alone: `python -m bench.render_json FILE`.

The estate is parsed and validated once (fast engine, with the blast radius the JSON report shows, as
`advisor validate --format json` does); then `render(report, "json")` is timed, best of `--runs` in CPU seconds
of this process, beside the plain `json.dumps(report.contract(), indent=2, ensure_ascii=False)` it must equal
byte for byte. One JSON object on standard output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from advisor import pipeline
from advisor.pipeline import Extras, Options
from advisor.render import get_format, render
from advisor.report import Report
from bench.measure import BENCH_SETTINGS, best_cpu_seconds


def contract_dumps(report: Report) -> bytes:
    """The JSON report as the contract defines it: what the renderer must produce, byte for byte."""
    return (json.dumps(report.contract(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def validated_report(path: Path, as_of: dt.date) -> Report:
    options = Options(as_of=as_of, extras=Extras.shown_by(get_format("json")))
    pipeline.prepare(Options(as_of=as_of), BENCH_SETTINGS)
    return pipeline.run(path, options, BENCH_SETTINGS).report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="an estate (Turtle), e.g. from bench/generate.py")
    parser.add_argument("--as-of", default="2026-11-25")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each renderer (the best counts)")
    args = parser.parse_args(argv)
    report = validated_report(args.file, dt.date.fromisoformat(args.as_of))
    render_seconds, body = best_cpu_seconds(lambda: render(report, "json"), args.runs)
    contract_seconds, expected = best_cpu_seconds(lambda: contract_dumps(report), args.runs)
    result = {
        "file": str(args.file),
        "findings": len(report.findings),
        "blast_radius": len(report.blast_radius or []),
        "report_bytes": len(body),
        "render_cpu_s": round(render_seconds, 4),
        "contract_dumps_cpu_s": round(contract_seconds, 4),
        "identical": body == expected,
        "runs": args.runs,
    }
    sys.stdout.write(json.dumps(result) + "\n")
    return 0 if result["identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
