"""TopBraid SHACL (the Java reference implementation) on the same data and shapes, for comparison.

TopBraid ships on PyPI inside brick-tq-shacl; its 0.3.x wheels bundle TopBraid SHACL 1.4 for Java 17. The
benchmark downloads that wheel into its work directory with pip and runs the bundled command-line tools
directly: `shaclinfer` to compute the derived facts (SHACL-AF rules), then `shaclvalidate` on the data with
them. Nothing is installed into the project's environment, and the product never depends on it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

PACKAGE = "brick-tq-shacl==0.3.4"
_RESULT = ox.NamedNode("http://www.w3.org/ns/shacl#result")


@dataclass
class TopBraidRun:
    infer_seconds: float | None
    validate_seconds: float | None
    results: int | None
    timed_out: bool
    error: str | None = None

    @property
    def total(self) -> float | None:
        if self.infer_seconds is None or self.validate_seconds is None:
            return None
        return self.infer_seconds + self.validate_seconds


def install(work_dir: Path) -> Path:
    """The TopBraid home (bin/, lib/) unpacked from the brick-tq-shacl wheel; downloaded once."""
    home = work_dir / "topbraid" / "brick_tq_shacl" / "topquadrant_shacl"
    if (home / "bin" / "shaclvalidate.sh").is_file():
        return home
    download = work_dir / "topbraid-wheel"
    download.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(download), PACKAGE],
        check=True,
        timeout=600,
    )
    wheel = next(download.glob("brick_tq_shacl-*.whl"))
    target = work_dir / "topbraid"
    shutil.rmtree(target, ignore_errors=True)
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return home


def _tool(home: Path, name: str, arguments: list[str], output: Path, deadline: float) -> tuple[float, bool, str]:
    env = {**os.environ, "SHACL_HOME": str(home)}
    started = time.perf_counter()
    remaining = max(1.0, deadline - started)
    with output.open("wb") as out:
        process = subprocess.Popen(["/bin/sh", str(home / "bin" / name), *arguments], stdout=out,
                                   stderr=subprocess.PIPE, env=env)
        try:
            _, stderr = process.communicate(timeout=remaining)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            return time.perf_counter() - started, True, ""
    elapsed = time.perf_counter() - started
    error = stderr.decode("utf-8", "replace").strip() if process.returncode else ""
    return elapsed, False, error


def _turtle_lines(path: Path) -> bytes:
    """The tools print log lines (with '::') into their output; keep the Turtle."""
    lines = path.read_bytes().splitlines(keepends=True)
    return b"".join(line for line in lines if b"::" not in line)


def run(home: Path, data: Path, shapes: Path, work: Path, cap_seconds: float) -> TopBraidRun:
    """Infer, then validate: wall time of each (JVM start included), within one overall time cap."""
    deadline = time.perf_counter() + cap_seconds
    inferred = work / "topbraid-inferred.ttl"
    infer_seconds, timed_out, error = _tool(home, "shaclinfer.sh", ["-datafile", str(data), "-shapesfile",
                                                                      str(shapes)], inferred, deadline)
    if timed_out or error:
        return TopBraidRun(infer_seconds if not timed_out else None, None, None, timed_out, error or None)
    combined = work / "topbraid-data.ttl"
    with combined.open("wb") as out:
        out.write(data.read_bytes())
        out.write(b"\n")
        out.write(_turtle_lines(inferred))
    report = work / "topbraid-report.ttl"
    validate_seconds, timed_out, error = _tool(home, "shaclvalidate.sh", ["-datafile", str(combined),
                                                                           "-shapesfile", str(shapes)], report,
                                               deadline)
    if timed_out or error:
        return TopBraidRun(infer_seconds, None, None, timed_out, error or None)
    graph = ox.Store()
    graph.load(_turtle_lines(report), format=ox.RdfFormat.TURTLE)
    results = sum(1 for _ in graph.quads_for_pattern(None, _RESULT, None))
    return TopBraidRun(infer_seconds, validate_seconds, results, False)
