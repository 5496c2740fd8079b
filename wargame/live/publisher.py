"""Publishing committed events to Redis without making anyone wait for it.

On an event loop, one Publisher per loop (the hub's) sends everything queued since its last
round trip in one pipeline, in the order it was queued (commit order, for one process): a
command never waits for Redis, and a burst costs one round trip instead of one per event.
From a thread with no event loop (a Celery worker, a management command), `publish_sync` sends
with redis-py's blocking client.

A failure is never raised at the publisher's caller (the event is committed: the log has it)
and never silent: it is logged, the queue is kept (up to MAX_WAITING events, the oldest dropped
beyond that) and retried with backoff, and /healthz reports it (`problem`). Meanwhile the hub's
sweep reads what was not delivered from the log, so clients get it within about a second.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from datetime import UTC, datetime

import redis
from redis import asyncio as aioredis
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.retry import Retry

from wargame.live.tasks import stop

log = logging.getLogger(__name__)

MAX_WAITING = 10_000  # events kept for retrying while Redis is unreachable
MAX_BATCH = 1_000  # events per pipeline round trip
RETRY_FIRST_SECONDS = 0.05
RETRY_MAX_SECONDS = 2.0
TIMEOUT_SECONDS = 2.0  # connecting to Redis and waiting for its answer


def client_options(*, for_asyncio: bool) -> dict:
    """redis-py options for our clients: fail fast, and retry here rather than inside redis-py
    (its default retries a failing command for seconds before raising)."""
    return {
        "socket_connect_timeout": TIMEOUT_SECONDS,
        "socket_timeout": TIMEOUT_SECONDS,
        "retry": AsyncRetry(NoBackoff(), 0) if for_asyncio else Retry(NoBackoff(), 0),
    }


class Health:
    """Whether publishing works: read by /healthz from another thread (plain attributes)."""

    def __init__(self, what: str):
        self.what = what
        self.failing_since: float | None = None
        self.error = ""
        self.published = 0
        self.dropped = 0

    def ok(self, count: int) -> None:
        if self.failing_since is not None:
            log.warning(
                "%s: publishing to Redis again after %.1f s (%d events dropped so far)",
                self.what,
                time.time() - self.failing_since,
                self.dropped,
            )
            self.failing_since = None
        self.published += count

    def failed(self, exc: BaseException) -> None:
        self.error = f"{type(exc).__name__}: {exc}"
        if self.failing_since is None:
            self.failing_since = time.time()
            log.error("%s: cannot publish to Redis: %s", self.what, self.error)

    def problem(self, waiting: int) -> str | None:
        if self.failing_since is None:
            return None
        since = datetime.fromtimestamp(self.failing_since, UTC).isoformat(timespec="seconds")
        return (
            f"{self.what}: cannot publish to Redis since {since} ({self.error}), "
            f"{waiting} messages waiting, {self.dropped} dropped"
        )


class Publisher:
    """One per event loop: `put` queues, a task pipelines everything queued into Redis."""

    def __init__(self, url: str):
        self.redis = aioredis.Redis.from_url(url, **client_options(for_asyncio=True))
        self.waiting: deque[tuple[str, str]] = deque()
        self.wakeup = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.health = Health("event loop publisher")
        self.closing = False  # close() has stopped waiting: a failure now ends the task

    def put(self, channel: str, payload: str) -> None:
        if len(self.waiting) >= MAX_WAITING:
            self.waiting.popleft()
            self.health.dropped += 1
        self.waiting.append((channel, payload))
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self._run())
        self.wakeup.set()

    def problem(self) -> str | None:
        return self.health.problem(len(self.waiting))

    async def _run(self) -> None:
        delay = RETRY_FIRST_SECONDS
        while True:
            await self.wakeup.wait()
            self.wakeup.clear()
            while self.waiting:
                count = min(len(self.waiting), MAX_BATCH)
                batch = [self.waiting.popleft() for _ in range(count)]
                try:
                    async with self.redis.pipeline(transaction=False) as pipe:
                        for channel, payload in batch:
                            pipe.publish(channel, payload)
                        await pipe.execute()
                except Exception as exc:  # noqa: BLE001 - any failure: keep the events, retry
                    if self.closing:
                        return
                    self.waiting.extendleft(reversed(batch))
                    while len(self.waiting) > MAX_WAITING:
                        self.waiting.popleft()
                        self.health.dropped += 1
                    self.health.failed(exc)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, RETRY_MAX_SECONDS)
                    continue
                self.health.ok(count)
                delay = RETRY_FIRST_SECONDS

    async def close(self, flush_seconds: float = 1.0) -> None:
        """Send what is still queued (for at most `flush_seconds`), then stop."""
        if self.task is not None:
            deadline = time.monotonic() + flush_seconds
            while self.waiting and self.health.failing_since is None:
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.01)
            self.closing = True
            await stop(self.task, "the event loop publisher")
        await self.redis.aclose()


_sync_clients: dict[str, redis.Redis] = {}
_sync_lock = threading.Lock()
sync_health = Health("publisher for threads without an event loop")


def _sync_client(url: str) -> redis.Redis:
    """One blocking client per URL for the process (redis-py's pool is thread-safe)."""
    with _sync_lock:
        client = _sync_clients.get(url)
        if client is None:
            options = client_options(for_asyncio=False)
            client = _sync_clients[url] = redis.Redis.from_url(url, **options)
        return client


def publish_sync(url: str, channel: str, payload: str) -> None:
    """Publish from a thread with no event loop (one round trip); never raises."""
    try:
        _sync_client(url).publish(channel, payload)
    except Exception as exc:  # noqa: BLE001 - the event is committed; the sweep recovers it
        sync_health.dropped += 1
        sync_health.failed(exc)
        return
    sync_health.ok(1)


def ping_sync(url: str) -> str | None:
    """None if Redis answers, else why not."""
    try:
        _sync_client(url).ping()
    except Exception as exc:  # noqa: BLE001
        return f"Redis at {redis_location(url)} does not answer: {type(exc).__name__}: {exc}"
    return None


def redis_location(url: str) -> str:
    """host:port/db of a Redis URL, without any password."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 6379}{parts.path or '/0'}"
