"""Loaded by every Python process of a service under test (PYTHONPATH): records outbound attempts.

When ADVISOR_TEST_AUDIT_LOG names a file, each attempt to reach the network, start a program, or open or
list a path outside ADVISOR_TEST_AUDIT_ALLOW is appended to it as one line. The service's worker processes
are forked from a process that loads this module too, so they record as well.
"""

from __future__ import annotations

import os

_LOG = os.environ.get("ADVISOR_TEST_AUDIT_LOG")

if _LOG:
    from outbound_audit import Allowed, install

    _fd = os.open(_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)  # before the hook: not recorded

    def _write(found: str) -> None:
        line = f"{os.getpid()} {found}".replace("\n", " ")[:1000] + "\n"
        os.write(_fd, line.encode("utf-8", "replace"))  # one write per line: lines never interleave

    install(_write, Allowed.parse(os.environ.get("ADVISOR_TEST_AUDIT_ALLOW", "")))
