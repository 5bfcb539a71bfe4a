"""Tripwires and an audited service for the hostile-input tests.

- `Tripwire`: a TCP listener on the loopback that records every connection made to it. Hostile documents
  and queries point their remote references at it, so an attempt by any code (Python or native) shows up.
- `Canary`: a named pipe (FIFO) that records every open of it, by any process; whoever opens it to read
  gets `Canary.SECRET`, which must then never appear in an answer.
- `outbound_guard()`: the audit hook of `outbound_audit`, active in this process around a block of code.
- `AuditedServer`: the real service (`python -m advisor.cli serve`) in a process group of its own, every
  Python process of which runs the audit hook (tests/security/audited/sitecustomize.py) into a log.
- `run_isolated()`: Python code in a fresh interpreter: its exit status, output and peak memory, so a
  crash or a memory blow-up fails one test instead of the whole run.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from mimetypes import knownfiles
from pathlib import Path

import httpx

from tests.security.audited.outbound_audit import Allowed, violation

ROOT = Path(__file__).resolve().parents[2]
AUDITED = Path(__file__).resolve().parent / "audited"
PYTHON = sys.executable
START_TIMEOUT = 120.0
# Fixed system files the standard library reads (mimetypes, time zones, the process collector of /metrics).
SYSTEM_FILES = ("/dev/null", "/dev/urandom", "/etc/localtime", "/usr/share/zoneinfo/", "/proc/stat", *knownfiles)
PACKAGE_TREES = ("advisor", "api", "ontology", "shapes", "sample_graphs")


def allowed_paths(*trees: Path) -> list[str]:
    """What the advisor may open: Python and the installed packages, its own code and bundled data, a few
    fixed system files, and the given directories (a data directory, a temporary directory)."""
    entries = {f"{sys.prefix}/", f"{sys.base_prefix}/", f"{sys.exec_prefix}/", "/proc/self/"}
    entries |= {f"{ROOT / name}/" for name in PACKAGE_TREES} | {str(ROOT / name) for name in PACKAGE_TREES}
    entries |= {str(ROOT), str(AUDITED), *SYSTEM_FILES}  # sys.path entries are listed when importing
    entries |= {f"{tree.resolve()}/" for tree in trees} | {str(tree.resolve()) for tree in trees}
    return sorted(entries)


# ---------------------------------------------------------------- tripwires


class Tripwire:
    """A loopback TCP listener that records each connection (and what the peer sent first)."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.1)
        self.port = self._socket.getsockname()[1]
        self.connections: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="tripwire", daemon=True)
        self._thread.start()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                connection.settimeout(0.5)
                try:
                    first = connection.recv(4096)
                except OSError:
                    first = b""
                self.connections.append(first)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._socket.close()


class Canary:
    """A named pipe: each open of it, by any process, is counted; a reader is handed SECRET."""

    SECRET = "canary-7f3e9c1d-root:x:0:0"

    def __init__(self, directory: Path) -> None:
        self.path = directory / "canary"
        os.mkfifo(self.path)
        self.opens = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="canary", daemon=True)
        self._thread.start()

    @property
    def uri(self) -> str:
        return self.path.as_uri()

    def _serve(self) -> None:
        while True:
            descriptor = os.open(self.path, os.O_WRONLY)  # blocks until someone opens the pipe to read
            if self._stop.is_set():
                os.close(descriptor)
                return
            self.opens += 1
            with contextlib.suppress(OSError):
                os.write(descriptor, self.SECRET.encode())
            os.close(descriptor)
            self._wait_for_the_reader_to_close()

    def _wait_for_the_reader_to_close(self) -> None:
        """Opening for writing without blocking fails (ENXIO) only once no reader holds the pipe."""
        while not self._stop.is_set():
            try:
                os.close(os.open(self.path, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                return
            time.sleep(0.01)

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            reader = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)  # releases the blocked writer
            self._thread.join(2)
            os.close(reader)
        self.path.unlink(missing_ok=True)


# ---------------------------------------------------------------- the audit hook in this process


_guards: list[tuple[Allowed, list[str]]] = []
_hooked = False


def _hook(event: str, args: tuple) -> None:
    if _guards:
        allowed, found = _guards[-1]
        attempt = violation(event, args, allowed)
        if attempt is not None:
            found.append(attempt)


@contextlib.contextmanager
def outbound_guard(*trees: Path) -> Iterator[list[str]]:
    """Record every outbound attempt made in this process inside the block; the caller asserts on the list.

    Paths under `trees` (and the advisor's own, see `allowed_paths`) may be opened."""
    global _hooked
    if not _hooked:
        sys.addaudithook(_hook)  # for the rest of the process; it does nothing outside a guard
        _hooked = True
    found: list[str] = []
    _guards.append((Allowed.parse(Allowed.format(allowed_paths(*trees))), found))
    try:
        yield found
    finally:
        _guards.pop()


# ---------------------------------------------------------------- the real service


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AuditedServer:
    """`advisor serve` in its own process group, in `work` (its data directory, temporary files and audit log)."""

    work: Path
    settings: dict[str, str]
    audit: bool = True

    def __post_init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = self.work / "data"
        self.audit_log = self.work / "audit.log"
        self.output = self.work / "server.log"
        self.process: subprocess.Popen | None = None
        # Temporary files go to a short path: multiprocessing puts its forkserver's socket there, and a Unix
        # socket path has at most 107 bytes (pytest's directories for a long test name are longer).
        self.tmp = Path(tempfile.mkdtemp(prefix="advisor-", dir="/tmp" if Path("/tmp").is_dir() else None))
        atexit.register(shutil.rmtree, self.tmp, ignore_errors=True)

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ADVISOR_", "PYTHON"))}
        env |= {
            "TMPDIR": str(self.tmp),
            "ADVISOR_LOAD_SAMPLES": "false",
            "ADVISOR_MAX_CONCURRENT_VALIDATIONS": "1",
            "ADVISOR_MAX_CONCURRENT_QUERIES": "1",
            "ADVISOR_LOG_LEVEL": "warning",
        }
        env |= {f"ADVISOR_{name.upper()}": value for name, value in self.settings.items()}
        if self.audit:
            env |= {
                "PYTHONPATH": str(AUDITED),
                "ADVISOR_TEST_AUDIT_LOG": str(self.audit_log),
                "ADVISOR_TEST_AUDIT_ALLOW": Allowed.format(allowed_paths(self.work, self.tmp)),
            }
        return env

    def start(self) -> None:
        command = [PYTHON, "-m", "advisor.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--data-dir", str(self.data_dir)]
        with self.output.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=self.work,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the service stopped: {self.tail()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"the service did not become ready: {self.tail()}")

    def tail(self) -> str:
        return self.output.read_text(errors="replace")[-3000:] if self.output.exists() else ""

    def client(self, **headers: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=120, headers=headers)

    def audit_entries(self) -> list[str]:
        if not self.audit_log.exists():
            return []
        return [line for line in self.audit_log.read_text(errors="replace").splitlines() if line.strip()]

    def group_members(self) -> list[int]:
        """Every live process of the service's process group (the service, its worker processes)."""
        assert self.process is not None
        members = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, ProcessLookupError):
                    if os.getpgid(int(entry.name)) == self.process.pid:
                        members.append(int(entry.name))
        return members

    def resident_bytes(self) -> int:
        """The resident memory of the whole process group now."""
        total = 0
        for pid in self.group_members():
            with contextlib.suppress(OSError):
                pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
                total += pages * os.sysconf("SC_PAGE_SIZE")
        return total

    def kill(self) -> None:
        """SIGKILL to the service alone: what a crash, the OOM killer or `kill -9` does."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        """SIGTERM, then make sure nothing of the process group is left."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reap_group()
        self.process = None

    def reap_group(self) -> None:
        """Kill what is left of the process group (orphaned workers after a SIGKILL of the service)."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)


class MemoryPeak:
    """Samples the resident memory of a service's process group in the background; `peak` is the highest."""

    def __init__(self, server: AuditedServer, interval: float = 0.02) -> None:
        self.server = server
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="memory-peak", daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.server.resident_bytes())
            time.sleep(self.interval)

    def __enter__(self) -> MemoryPeak:
        self.peak = self.server.resident_bytes()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(2)
        self.peak = max(self.peak, self.server.resident_bytes())


# ---------------------------------------------------------------- a fresh interpreter


@dataclass(frozen=True)
class Isolated:
    status: int  # the exit status, or minus the signal that ended it
    output: str
    peak_bytes: int

    @property
    def crashed(self) -> bool:
        return self.status < 0


# The child reports its own high-water mark (VmHWM of its memory map) when it exits: the maximum resident
# set that wait4 reports carries over the parent's at the exec (a test worker can hold hundreds of MiB).
_PEAK_MARK = "__isolated_peak_kib__"
_REPORT_PEAK = f"""
import atexit as _atexit
def _report_peak():
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                print("{_PEAK_MARK}", line.split()[1], flush=True)
_atexit.register(_report_peak)
"""


def _own_peak(text: str) -> tuple[str, int | None]:
    """The output without the child's peak report, and the peak in bytes (None if it did not report)."""
    kept, peak = [], None
    for line in text.splitlines(keepends=True):
        if line.startswith(_PEAK_MARK + " "):
            peak = int(line.split()[1]) * 1024
        else:
            kept.append(line)
    return "".join(kept), peak


def run_isolated(code: str, *, env: dict[str, str] | None = None, timeout: float = 120.0) -> Isolated:
    """Run `code` with this interpreter in a child process: its exit status, output and peak memory (its
    own report when it exits normally, else the maximum resident set from wait4)."""
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            [PYTHON, "-c", _REPORT_PEAK + code],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.01)
        process.returncode = os.waitstatus_to_exitcode(status)  # already reaped: keep Popen from waiting again
        output.seek(0)
        text, peak = _own_peak(output.read().decode("utf-8", "replace"))
    return Isolated(os.waitstatus_to_exitcode(status), text, peak if peak is not None else usage.ru_maxrss * 1024)
