"""The whole process as a user runs it, against the cost of reading its input.

`advisor validate FILE --format json` (interpreter start, imports, knowledge base, parse, validate, render)
is timed as a child process, with its peak RSS; beside it, the cost of parsing the file alone: a fresh process
that bulk-loads it into a pyoxigraph store (the load itself is timed, without the interpreter's start).

    python -m bench.whole FILE [FILE ...]      # one JSON object per file on standard output
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from bench import child
from bench.generate import DEFAULT_AS_OF

ROOT = Path(__file__).resolve().parent.parent
# Estates of 50,000 VMs and more are larger than the default limits of a request and of a graph.
LIMITS = {"ADVISOR_MAX_BODY_BYTES": str(2**31), "ADVISOR_MAX_TRIPLES": "100000000"}
_PARSE = (
    "import sys, time, pyoxigraph as ox\n"
    "store = ox.Store()\n"
    "started, cpu = time.perf_counter(), time.process_time()\n"
    "store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.TURTLE)\n"
    "print(time.perf_counter() - started, time.process_time() - cpu, len(store))\n"
)


@dataclass
class Whole:
    file: str
    megabytes: float
    seconds: float  # the whole `advisor validate FILE --format json` process
    cpu_seconds: float
    peak_rss_mib: float
    status: int
    parse_seconds: float  # pyoxigraph's bulk load of the file, in a process of its own
    parse_cpu_seconds: float
    triples: int
    findings: int | None

    @property
    def ratio(self) -> float:
        return self.seconds / self.parse_seconds if self.parse_seconds else float("nan")

    @property
    def cpu_ratio(self) -> float:
        """The same in CPU seconds, which a busy machine disturbs less than wall-clock seconds."""
        return self.cpu_seconds / self.parse_cpu_seconds if self.parse_cpu_seconds else float("nan")


def _run(command: list[str], stdout) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak RSS MiB, exit status) of one child process."""
    finished = child.run(command, cwd=ROOT, stdout=stdout, stderr=subprocess.DEVNULL,
                         env={**os.environ, **LIMITS, "PYTHONPATH": str(ROOT)})
    return finished.wall_seconds, finished.cpu_seconds, finished.peak_rss_mib, finished.status


def advisor_command() -> list[str]:
    script = Path(sys.executable).with_name("advisor")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "advisor.cli"]


def measure(path: Path, as_of: str = DEFAULT_AS_OF.isoformat()) -> Whole:
    with tempfile.TemporaryFile() as out:
        seconds, cpu, rss, status = _run(
            [*advisor_command(), "validate", str(path), "--format", "json", "--as-of", as_of], out)
        out.seek(0)
        try:
            findings = len(json.loads(out.read())["findings"])
        except (ValueError, KeyError, TypeError):
            findings = None
    parsed = subprocess.run([sys.executable, "-c", _PARSE, str(path)], capture_output=True, text=True, check=True)
    parse_seconds, parse_cpu, triples = parsed.stdout.split()
    return Whole(file=path.name, megabytes=path.stat().st_size / 1e6, seconds=seconds, cpu_seconds=cpu,
                 peak_rss_mib=rss, status=status, parse_seconds=float(parse_seconds),
                 parse_cpu_seconds=float(parse_cpu), triples=int(triples),
                 findings=findings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="Turtle estates to validate")
    parser.add_argument("--as-of", default=DEFAULT_AS_OF.isoformat(), help="the validation date (default: %(default)s)")
    args = parser.parse_args(argv)
    for path in args.files:
        whole = measure(path, args.as_of)
        sys.stdout.write(json.dumps({**asdict(whole), "ratio": whole.ratio, "cpu_ratio": whole.cpu_ratio}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
