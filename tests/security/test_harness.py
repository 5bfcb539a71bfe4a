"""The tripwires and the audit hook see what they must: the other tests' silence means something."""

from __future__ import annotations

import os
import socket
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.security.harness import (
    AUDITED,
    PYTHON,
    Allowed,
    Canary,
    Tripwire,
    allowed_paths,
    outbound_guard,
    run_isolated,
)


def test_the_guard_records_connections_lookups_and_foreign_files(tmp_path: Path) -> None:
    wire = Tripwire()
    mine = tmp_path / "mine.txt"
    mine.write_text("x")
    try:
        with outbound_guard(tmp_path) as attempts:
            mine.read_text()  # inside an allowed tree: not recorded
            Path("/etc/hostname").exists()  # a stat is not an open
            with socket.create_connection(("127.0.0.1", wire.port), timeout=2):
                pass
            with pytest.raises(OSError):
                socket.getaddrinfo("tripwire.invalid", 80)
            with open("/etc/passwd", "rb"):
                pass
        assert any(a.startswith("socket.connect") for a in attempts), attempts
        assert any(a.startswith("socket.getaddrinfo") for a in attempts), attempts
        assert "open /etc/passwd" in attempts
        assert not any(str(mine) in a for a in attempts)
    finally:
        wire.close()
    assert len(wire.connections) == 1


def test_the_canary_counts_an_open_and_hands_out_its_secret(tmp_path: Path) -> None:
    canary = Canary(tmp_path)
    try:
        assert canary.opens == 0
        assert canary.path.read_text() == Canary.SECRET
    finally:
        canary.close()
    assert canary.opens == 1


def test_the_audit_log_covers_processes_forked_by_a_forkserver(tmp_path: Path) -> None:
    """The service's workers come from a multiprocessing forkserver: they must run the hook too."""
    wire = Tripwire()
    log = tmp_path / "audit.log"
    code = textwrap.dedent(
        f"""
        import multiprocessing, socket

        def reach():
            socket.create_connection(("127.0.0.1", {wire.port}), timeout=2).close()
            open("/etc/passwd").close()

        if __name__ == "__main__":
            process = multiprocessing.get_context("forkserver").Process(target=reach)
            process.start()
            process.join()
        """
    )
    script = tmp_path / "reach.py"
    script.write_text(code)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
        "PYTHONPATH": str(AUDITED),
        "TMPDIR": str(tmp_path),
        "ADVISOR_TEST_AUDIT_LOG": str(log),
        "ADVISOR_TEST_AUDIT_ALLOW": Allowed.format(allowed_paths(tmp_path)),
    }
    try:
        subprocess.run([PYTHON, str(script)], cwd=tmp_path, env=env, check=True, timeout=60)
    finally:
        wire.close()
    entries = log.read_text().splitlines()
    assert any("socket.connect ('127.0.0.1'" in e for e in entries), entries
    assert any(e.endswith("open /etc/passwd") for e in entries), entries
    assert len(wire.connections) == 1


def test_an_isolated_run_reports_a_crash_and_its_memory() -> None:
    crashed = run_isolated("import os, signal; os.kill(os.getpid(), signal.SIGSEGV)")
    assert crashed.crashed and crashed.status == -11
    grown = run_isolated("x = bytearray(200 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096]); print('ok')")
    assert grown.output.strip() == "ok"
    assert grown.peak_bytes > 200 * 1024 * 1024
