"""Tasks for the worker pool tests; they run inside worker processes, so they live in an importable module."""

from __future__ import annotations

import os
import time

from advisor.errors import LimitExceededError
from api.workers import report_stage


def add(a: int, b: int) -> int:
    return a + b


def pid() -> int:
    return os.getpid()


def refuse(maximum: int) -> None:
    raise LimitExceededError("too big", limit="max_triples", maximum=maximum)


def break_down() -> None:
    raise ZeroDivisionError("unexpected")


def die() -> None:
    os._exit(3)


def linger(stage: str | None, seconds: float) -> str:
    if stage is not None:
        report_stage(stage)
    time.sleep(seconds)
    return "finished"
