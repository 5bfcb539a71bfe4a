"""The worker pool: results and errors come back, overruns and crashes replace the worker, waiting is bounded."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from advisor.errors import LimitExceededError, TimeLimitError
from api.workers import START_STAGE, Stage, UnavailableError, WorkerFailedError, WorkerPool
from tests.api import tasks

pytestmark = pytest.mark.anyio
QUICK = {START_STAGE: Stage(60.0, "start_limit", "the start took too long")}


@pytest.fixture
async def pool() -> AsyncIterator[WorkerPool]:
    workers = WorkerPool("test", 1, start_timeout=60.0)
    await workers.start()
    await workers.wait_ready()
    yield workers
    await workers.close()


async def test_result_comes_back(pool: WorkerPool) -> None:
    assert await pool.run(tasks.add, 2, 3, stages=QUICK, wait=60) == 5


async def test_an_advisor_error_comes_back_whole_and_the_worker_stays(pool: WorkerPool) -> None:
    before = await pool.run(tasks.pid, stages=QUICK, wait=60)
    with pytest.raises(LimitExceededError) as caught:
        await pool.run(tasks.refuse, 7, stages=QUICK, wait=60)
    assert (caught.value.message, caught.value.limit, caught.value.maximum) == ("too big", "max_triples", 7)
    assert await pool.run(tasks.pid, stages=QUICK, wait=60) == before


async def test_an_unexpected_error_is_an_internal_error(pool: WorkerPool) -> None:
    with pytest.raises(WorkerFailedError) as caught:
        await pool.run(tasks.break_down, stages=QUICK, wait=60)
    assert "ZeroDivisionError" not in caught.value.message  # logged, not shown
    assert await pool.run(tasks.add, 1, 1, stages=QUICK, wait=60) == 2


async def test_a_crashed_worker_is_replaced(pool: WorkerPool) -> None:
    before = await pool.run(tasks.pid, stages=QUICK, wait=60)
    with pytest.raises(WorkerFailedError):
        await pool.run(tasks.die, stages=QUICK, wait=60)
    after = await pool.run(tasks.pid, stages=QUICK, wait=60)
    assert after != before
    assert not Path(f"/proc/{before}").exists()


async def test_each_stage_has_its_own_limit(pool: WorkerPool) -> None:
    stages = {
        START_STAGE: Stage(60.0, "parse_timeout_seconds", "parsing took too long"),
        "validating": Stage(0.3, "validation_timeout_seconds", "validating took too long"),
    }
    before = await pool.run(tasks.pid, stages=QUICK, wait=60)
    with pytest.raises(TimeLimitError) as caught:
        await pool.run(tasks.linger, "validating", 600.0, stages=stages, wait=60)
    assert caught.value.message == (
        "validating took too long; "
        "raise the limit with the setting validation_timeout_seconds (ADVISOR_VALIDATION_TIMEOUT_SECONDS)"
    )
    assert (caught.value.details["limit"], caught.value.details["maximum"]) == ("validation_timeout_seconds", 0.3)
    assert not Path(f"/proc/{before}").exists()  # the overrunning worker was killed
    assert await pool.run(tasks.add, 1, 2, stages=QUICK, wait=60) == 3


async def test_waiting_for_a_busy_pool_is_bounded(pool: WorkerPool) -> None:
    busy = asyncio.create_task(pool.run(tasks.linger, None, 600.0, stages=QUICK, wait=60))
    while pool.busy == 0:
        await asyncio.sleep(0.01)
    with pytest.raises(UnavailableError) as caught:
        await pool.run(tasks.add, 1, 1, stages=QUICK, wait=0.2)
    assert "busy" in caught.value.message
    busy.cancel()
    await pool.close()  # kills the lingering task's worker, and replaces none
    with pytest.raises(asyncio.CancelledError):
        await busy
    assert pool._all == []
