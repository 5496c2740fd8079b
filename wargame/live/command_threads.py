"""Where a server process runs its WebSocket commands.

Channels runs all database work of a process on one thread. A command spends most of its time
waiting for PostgreSQL, so one thread caps a process at one command per round-trip time, and
commands for unrelated exercises queue behind each other. On PostgreSQL, commands therefore
run on a small pool of threads (COMMAND_THREADS, each with its own pooled connection); commands
on the same exercise still go one at a time through the exercise's row lock. Each connection
sends its commands one at a time, so a client's commands keep their order.

SQLite allows one writer at a time, so there commands run on one thread of their own, with one
connection. Other database work of the process (connecting sockets, presence, pages) runs on
channels' database thread with its own connection; WAL, IMMEDIATE transactions and the busy
timeout (settings.py) make the two queue for the write lock rather than fail.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache, partial

from django.conf import settings
from django.db import close_old_connections


@cache
def _executor(engine: str, threads: int) -> ThreadPoolExecutor:
    if engine.endswith("postgresql"):
        return ThreadPoolExecutor(threads, thread_name_prefix="wargame-command")
    return ThreadPoolExecutor(1, thread_name_prefix="wargame-sqlite-command")


@cache
def in_command_thread(work: Callable) -> Callable[..., Awaitable]:
    """`work` as a coroutine function run where commands run (see the module docstring)."""

    async def run(*args):
        executor = _executor(settings.DATABASES["default"]["ENGINE"], settings.COMMAND_THREADS)
        # run_in_executor rather than sync_to_async: a command needs no thread-sensitive
        # context, and this hop is on every command's path (docs/performance.md).
        call = partial(contextvars.copy_context().run, _closing_connections, work, *args)
        return await asyncio.get_running_loop().run_in_executor(executor, call)

    return run


def _closing_connections(work: Callable, *args):
    try:
        return work(*args)
    finally:
        close_old_connections()  # back to the pool, as database_sync_to_async does
