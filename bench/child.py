"""Run a benchmark's child process and read its own peak memory.

A child's rusage maxrss starts from its parent's resident set at fork: a benchmark parent that generated a
100k-VM estate makes a small child look hundreds of MiB large. The child's VmHWM (/proc/PID/status) is the
high-water mark of its own address space after exec, so it is read while the child runs, until it exits.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

POLL_SECONDS = 0.02


@dataclass(frozen=True)
class Finished:
    status: int  # the exit status (negative: killed by that signal)
    wall_seconds: float
    cpu_seconds: float
    peak_rss_mib: float  # the child's own high-water mark
    timed_out: bool


def status_mib(field: str, pid: int | str = "self") -> float | None:
    """A memory field of /proc/PID/status (VmHWM, VmRSS) in MiB, or None once the process is gone (or where /proc
    has no such field)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def high_water_mib(pid: int | str = "self") -> float | None:
    """VmHWM of a process in MiB, or None once it is gone (or where /proc has no such field)."""
    return status_mib("VmHWM", pid)


def run(command: list[str], *, cap: float | None = None, **popen: object) -> Finished:
    """Run the command to its end (killed after `cap` seconds), polling its high-water mark."""
    started = time.perf_counter()
    process = subprocess.Popen(command, **popen)  # type: ignore[call-overload]
    deadline = None if cap is None else time.monotonic() + cap
    peak, timed_out = 0.0, False
    while True:
        peak = max(peak, high_water_mib(process.pid) or 0.0)
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.monotonic() > deadline:
            process.kill()
            _, status, usage = os.wait4(process.pid, 0)
            timed_out = True
            break
        time.sleep(POLL_SECONDS)
    process.returncode = os.waitstatus_to_exitcode(status)
    if peak == 0.0:  # no /proc here: the rusage figure, which may include the parent's pages
        peak = usage.ru_maxrss / 1024
    return Finished(process.returncode, time.perf_counter() - started, usage.ru_utime + usage.ru_stime, peak,
                    timed_out)
