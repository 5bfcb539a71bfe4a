"""An audit hook that reports every attempt to reach the network, start a program, or open or list a path
outside the allowed ones. Used in the test process itself and, through sitecustomize, in a service under test.

Python's audit events see what Python code does (the standard library, rdflib, pySHACL, urllib); what
native code does (Oxigraph) is caught by the tripwires in tests/security/harness.py instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass

NETWORK = frozenset(
    {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "urllib.Request", "http.client.connect"}
)
PROGRAMS = frozenset({"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn"})
PATHS = frozenset({"open", "os.listdir", "os.scandir"})
PEERS = frozenset({"socket.connect", "socket.sendto", "socket.sendmsg"})
LOOPBACK_NAMES = frozenset({None, "127.0.0.1", "localhost", "::1", "0.0.0.0", b"127.0.0.1", b"localhost"})


@dataclass(frozen=True)
class Allowed:
    """Paths that may be opened: under a directory in `trees`, or exactly one of `files`."""

    trees: tuple[str, ...]
    files: frozenset[str]

    @classmethod
    def parse(cls, text: str) -> Allowed:
        """From `os.pathsep`-separated entries: one ending in `/` is a tree, any other an exact path."""
        entries = [entry for entry in text.split(os.pathsep) if entry]
        return cls(tuple(e for e in entries if e.endswith("/")), frozenset(e for e in entries if not e.endswith("/")))

    @staticmethod
    def format(entries: Iterable[str]) -> str:
        return os.pathsep.join(entries)

    def permits(self, path: str) -> bool:
        return path in self.files or path.startswith(self.trees)


def _path(value: object) -> str | None:
    if isinstance(value, int):
        return None  # a file descriptor: opened before, and checked then
    try:
        return os.path.abspath(os.fsdecode(value))  # type: ignore[arg-type]
    except TypeError:
        return None


def violation(event: str, args: tuple, allowed: Allowed) -> str | None:
    """What the event attempts, if it is something a service under test must never do."""
    if event in PEERS:
        address = args[-1] if args else None
        return f"{event} {address!r}" if isinstance(address, tuple) else None  # an IP peer; local sockets are fine
    if event == "socket.getaddrinfo":
        return None if args and args[0] in LOOPBACK_NAMES else f"{event} {args[:2]!r}"
    if event in NETWORK or event in PROGRAMS:
        return f"{event} {args[:2]!r}"[:500]
    if event in PATHS and args:
        path = _path(args[0])
        if path is not None and not allowed.permits(path):
            return f"{event} {path}"
    return None


def install(report: Callable[[str], None], allowed: Allowed) -> None:
    """Add the hook (for the rest of the process: audit hooks cannot be removed)."""

    def hook(event: str, args: tuple) -> None:
        found = violation(event, args, allowed)
        if found is not None:
            report(found)

    sys.addaudithook(hook)
