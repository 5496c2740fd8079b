"""Stopping background tasks at shutdown: a task whose cancellation is turned into something
else below it is cancelled again until it ends, and one that never ends is logged and left
behind, so a server's (or a test's) shutdown never hangs on it."""

import asyncio
import logging

from wargame.live.tasks import stop, wait_for_end


async def test_a_task_that_carries_on_after_its_first_cancellation_is_stopped():
    cancellations = []

    async def reader():
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                # What a library does when it turns a cancelled read into a connection error
                # and its caller reconnects: the loop goes on.
                cancellations.append(1)
                if len(cancellations) == 3:
                    raise

    task = asyncio.create_task(reader())
    await asyncio.sleep(0)
    assert await asyncio.wait_for(stop(task, "reader", seconds=5), 5)
    assert task.cancelled() and len(cancellations) == 3


async def test_a_task_that_never_ends_is_left_behind_with_an_error(caplog):
    release = asyncio.Event()

    async def stubborn():
        while not release.is_set():
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                pass

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    with caplog.at_level(logging.ERROR, logger="wargame.live.tasks"):
        assert not await stop(task, "the stubborn reader", seconds=0.3)
    assert "the stubborn reader did not stop within 0.3 s" in caplog.text
    release.set()
    task.cancel()
    await asyncio.wait({task}, timeout=1)
    assert task.done()


async def test_a_task_asked_to_end_is_waited_for_within_a_bound(caplog):
    asked = asyncio.Event()

    async def sweep():
        await asked.wait()
        return "done"

    task = asyncio.create_task(sweep())
    with caplog.at_level(logging.ERROR, logger="wargame.live.tasks"):
        assert not await wait_for_end(task, "the sweep", seconds=0.1)
    assert "the sweep did not end within 0.1 s" in caplog.text
    asked.set()
    assert await wait_for_end(task, "the sweep", seconds=1)
    assert task.result() == "done"


async def test_a_task_that_failed_is_reported_not_raised(caplog):
    async def broken():
        raise ValueError("lost the connection")

    task = asyncio.create_task(broken())
    await asyncio.sleep(0)
    with caplog.at_level(logging.ERROR, logger="wargame.live.tasks"):
        assert await stop(task, "the publisher")
    assert "the publisher ended with ValueError('lost the connection')" in caplog.text
