"""Stopping the live path's background tasks at shutdown without ever hanging it.

A task is cancelled at its current await. Code below it (a library's connection handling) may
turn that cancellation into an exception of its own and carry on, and a task that catches it
would then loop on; so the task is cancelled again until it ends, within a bound, and a task
that still has not ended is logged and left behind rather than holding the server's (or a
test's) shutdown forever."""

from __future__ import annotations

import asyncio
import logging

log = logging.getLogger(__name__)

STOP_SECONDS = 5.0
_RECANCEL_SECONDS = 0.25


async def stop(task: asyncio.Task, what: str, seconds: float = STOP_SECONDS) -> bool:
    """Cancel `task` and wait until it has ended; False (and an error logged) if it has not
    ended after `seconds`. The task's own exception, if it ended with one, is logged."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not task.done():
        left = deadline - loop.time()
        if left <= 0:
            log.error(
                "%s did not stop within %.1f s of being cancelled; left behind", what, seconds
            )
            return False
        task.cancel()
        await asyncio.wait({task}, timeout=min(left, _RECANCEL_SECONDS))
    _report_failure(task, what)
    return True


async def wait_for_end(task: asyncio.Task, what: str, seconds: float = STOP_SECONDS) -> bool:
    """Wait for a task that was asked to end (not cancelled: it may be in the middle of a
    database query, which cancelling would not stop); False (and an error logged) if it has
    not ended after `seconds`."""
    await asyncio.wait({task}, timeout=seconds)
    if not task.done():
        log.error("%s did not end within %.1f s of being asked to; left behind", what, seconds)
        return False
    _report_failure(task, what)
    return True


def _report_failure(task: asyncio.Task, what: str) -> None:
    """Log the exception an ended task ended with (retrieving it, so asyncio does not
    complain later that it never was)."""
    if not task.cancelled() and task.exception() is not None:
        log.error("%s ended with %r", what, task.exception())
