"""A small pool of worker processes that run one task each at a time and are killed when a task overruns.

Validation and SPARQL queries run here, off the event loop: the service stays responsive while they
work, at most `size` run at once (the others wait for a free worker), and a time limit really stops
the work, because the worker process is killed and replaced. A task may announce stages (parsing,
then validating), each with its own time limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import multiprocessing
import signal
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import anyio

from advisor.config import setting_hint
from advisor.errors import AdvisorError, TimeLimitError

log = logging.getLogger("advisor.service.workers")

START_STAGE = "start"
_connection: Connection | None = None  # in a worker: the pipe to the service


class UnavailableError(AdvisorError):
    """No worker could take the task in time, or the worker could not start."""

    code = "unavailable"
    title = "Service unavailable"


class WorkerFailedError(AdvisorError):
    """The task failed inside the worker with an unexpected error (logged with its traceback)."""

    code = "internal-error"
    title = "Internal error"


def report_stage(stage: str) -> None:
    """Called by a task inside a worker: the task enters `stage`, whose own time limit starts now."""
    if _connection is not None:
        _connection.send(("stage", stage))


def _serve(connection: Connection, initializer: Callable[..., None] | None, arguments: tuple) -> None:
    """The worker's loop: prepare once, then run one task after another until the pipe closes."""
    global _connection
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the service stops its workers itself
    _connection = connection
    try:
        if initializer is not None:
            initializer(*arguments)
    except Exception:
        connection.send(("crash", traceback.format_exc()))
        return
    connection.send(("ready",))
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message[0] == "stop":
            return
        _, function, task_arguments = message
        try:
            result = function(*task_arguments)
        except AdvisorError as error:
            connection.send(("error", type(error).__module__, type(error).__qualname__, error.message, error.details))
        except Exception:
            connection.send(("crash", traceback.format_exc()))
        else:
            connection.send(("result", result))


def _rebuild(module: str, qualname: str, message: str, details: dict) -> AdvisorError:
    """An AdvisorError raised in a worker, rebuilt in the service (every subclass takes message, **details)."""
    cls = importlib.import_module(module)
    for part in qualname.split("."):
        cls = getattr(cls, part)
    return cls(message, **details)  # type: ignore[operator, return-value]


# Workers are forked from a clean helper process that has imported these once (never from the service
# itself, which runs threads and holds the store open), so a new or replacement worker starts in milliseconds.
PRELOAD = ["api.tasks", "advisor.sparql"]


def _context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


@dataclass(frozen=True)
class Stage:
    """One stage of a task: its time limit, the setting that holds it, and what to say when it is hit."""

    seconds: float
    setting: str
    message: str


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection
    ready: bool = False


class _Overrun(Exception):
    def __init__(self, stage: str) -> None:
        self.stage = stage


class _Died(Exception):
    pass


class _IdleWorkers(asyncio.Queue[_Worker]):
    """Idle workers: the one used last first (its caches are warm: 2 ms less of about 80 at 100 VMs), then the others,
    and workers still starting last (a task should not wait for one while a prepared one is idle)."""

    def _put(self, worker: _Worker) -> None:
        if worker.ready:
            self._queue.appendleft(worker)
        else:
            self._queue.append(worker)


class WorkerPool:
    """`size` worker processes that share nothing with the service but their arguments and results."""

    def __init__(
        self,
        name: str,
        size: int,
        *,
        size_setting: str = "",
        initializer: Callable[..., None] | None = None,
        arguments: tuple = (),
        start_timeout: float,
    ) -> None:
        self.name = name
        self.size = max(1, size)
        self._size_setting = size_setting
        self._initializer = initializer
        self._arguments = arguments
        self._start_timeout = start_timeout
        self._context = _context()
        self._idle: asyncio.Queue[_Worker] = _IdleWorkers()
        self._all: list[_Worker] = []
        self.busy = 0
        self.started = False

    async def start(self) -> None:
        for _ in range(self.size):
            worker = self._spawn()
            self._idle.put_nowait(worker)
        self.started = True

    async def wait_ready(self) -> None:
        """Wait until every idle worker has prepared itself (raises UnavailableError if one cannot)."""
        workers = [self._idle.get_nowait() for _ in range(self._idle.qsize())]
        try:
            for worker in workers:
                await anyio.to_thread.run_sync(self._ensure_ready, worker)
        finally:
            for worker in workers:
                if worker.process.is_alive():
                    self._idle.put_nowait(worker)
                else:
                    self._idle.put_nowait(self._replace(worker))

    def alive(self) -> bool:
        return self.started and all(worker.process.is_alive() for worker in self._all)

    async def close(self) -> None:
        self.started = False
        for worker in self._all:
            with contextlib.suppress(OSError, ValueError):
                worker.connection.send(("stop",))
        for worker in self._all:
            await anyio.to_thread.run_sync(worker.process.join, 2.0)
            if worker.process.is_alive():
                worker.process.kill()
                await anyio.to_thread.run_sync(worker.process.join, 2.0)
            worker.connection.close()
        self._all.clear()

    async def run(self, function: Callable[..., Any], *arguments: Any, stages: dict[str, Stage], wait: float) -> Any:
        """Run `function(*arguments)` in a worker, each stage within its time limit (the first is "start").

        A stage that overruns raises TimeLimitError, and its worker is killed and replaced. Waiting for a
        free worker longer than `wait` seconds raises UnavailableError.
        """
        try:
            worker = await asyncio.wait_for(self._idle.get(), wait)
        except TimeoutError:
            raise UnavailableError(
                f"all {self.size} {self.name} workers stayed busy for {wait:g} s: try again later"
                + (f" ({setting_hint(self._size_setting)} sets how many run at once)" if self._size_setting else ""),
                limit=self._size_setting or None,
                maximum=self.size,
            ) from None
        self.busy += 1
        replace = True
        try:
            limits = {name: stage.seconds for name, stage in stages.items()}
            result = await anyio.to_thread.run_sync(self._call, worker, function, arguments, limits)
            replace = False
            return result
        except _Overrun as overrun:
            stage = stages[overrun.stage]
            message = f"{stage.message}; raise the limit with {setting_hint(stage.setting)}"
            raise TimeLimitError(message, limit=stage.setting, maximum=stage.seconds) from None
        except _Died:
            raise WorkerFailedError(f"the {self.name} worker stopped unexpectedly") from None
        except AdvisorError:
            replace = not worker.process.is_alive()
            raise
        finally:
            self.busy -= 1
            if not self.started:  # closed meanwhile: nothing goes back
                self._retire(worker)
            else:
                self._idle.put_nowait(self._replace(worker) if replace else worker)

    # ------------------------------------------------------------ in a thread

    def _ensure_ready(self, worker: _Worker) -> None:
        if worker.ready:
            return
        try:
            if not worker.connection.poll(self._start_timeout):
                raise UnavailableError(f"a {self.name} worker did not start within {self._start_timeout:g} s")
            message = worker.connection.recv()
        except (EOFError, OSError):
            raise UnavailableError(f"a {self.name} worker stopped while starting") from None
        if message[0] == "crash":
            log.error("%s worker failed to start:\n%s", self.name, message[1])
            raise UnavailableError(f"a {self.name} worker failed to start")
        worker.ready = True

    def _call(self, worker: _Worker, function: Callable[..., Any], arguments: tuple, limits: dict[str, float]) -> Any:
        self._ensure_ready(worker)
        stage = START_STAGE
        try:
            worker.connection.send(("call", function, arguments))
            while True:
                if not worker.connection.poll(limits[stage]):
                    raise _Overrun(stage)
                message = worker.connection.recv()
                kind = message[0]
                if kind == "stage":
                    stage = message[1]
                elif kind == "result":
                    return message[1]
                elif kind == "error":
                    raise _rebuild(*message[1:])
                elif kind == "crash":
                    log.error("%s task failed:\n%s", self.name, message[1])
                    raise WorkerFailedError(f"the {self.name} task failed unexpectedly")
        except (EOFError, OSError, BrokenPipeError):
            raise _Died() from None

    # ------------------------------------------------------------ processes

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_serve,
            args=(child, self._initializer, self._arguments),
            name=f"advisor-{self.name}-worker",
            daemon=True,
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._all.append(worker)
        return worker

    def _replace(self, worker: _Worker) -> _Worker:
        self._retire(worker)
        return self._spawn()

    def _retire(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5.0)
        worker.connection.close()
        if worker in self._all:
            self._all.remove(worker)
