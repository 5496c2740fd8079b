"""Where a server process runs its WebSocket commands.

Channels runs all database work of a process on one thread. A command spends most of its time
waiting for PostgreSQL, so one thread caps a process at one command per round-trip time, and
commands for unrelated exercises queue behind each other. On PostgreSQL, commands therefore
run on a small pool of threads (COMMAND_THREADS, each with its own pooled connection); commands
on the same exercise still go one at a time through the exercise's row lock. Each connection
sends its commands one at a time, so a client's commands keep their order.

SQLite allows one writer at a time, so there commands stay on the one database thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connections


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(settings.COMMAND_THREADS, thread_name_prefix="wargame-command")


def in_command_thread(work: Callable) -> Callable:
    """`work` as a coroutine function run where commands run (see the module docstring)."""
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return database_sync_to_async(work)
    return database_sync_to_async(work, thread_sensitive=False, executor=_pool())


def close_connections() -> None:
    """Close each command thread's database connection. Database_sync_to_async does that after
    every call, except under channels.testing, which turns the clean-up off; the test suite
    calls this before it drops the test database."""
    if not _pool.cache_info().currsize:
        return
    threads = settings.COMMAND_THREADS
    all_threads_here = threading.Barrier(threads)

    def close_this_threads_connection():
        connections.close_all()
        all_threads_here.wait(timeout=10)  # so that each thread takes one of these calls

    for done in [_pool().submit(close_this_threads_connection) for _ in range(threads)]:
        done.result()
