"""Freed heap memory back to the operating system, where the C library can do it (glibc's malloc_trim).

glibc gives each thread that allocates an arena of its own and keeps what is freed there for later use. After a
large validation, the engine's threads leave tens of megabytes of freed query results in their arenas; the
main thread (the blast radius, the report) cannot reuse them, so the process's resident memory only grows.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim from the C library the interpreter already runs on, or None where it has none (musl,
    macOS, Windows)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_freed_memory() -> bool:
    """Return the free memory of every arena to the operating system; False where the C library cannot."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
