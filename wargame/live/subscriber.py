"""One Redis pub/sub connection per event loop, subscribed to the channel of each exercise that
has sockets in this process; a reader task hands every message to the hub.

Only redis-py's public pub/sub API: `Redis.pubsub()`, `subscribe`, `unsubscribe`,
`get_message`, `aclose`. Subscriptions follow the hub's wishes (`want`, `drop`) through one
reconciling step at a time, so a leave followed at once by a join of the same exercise can never
end unsubscribed. When the connection fails, the reader reconnects with backoff and subscribes
again to everything wanted; what was published meanwhile is lost to pub/sub and recovered from
the log by the hub's sweep.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from redis import asyncio as aioredis

from wargame.live.publisher import RETRY_FIRST_SECONDS, RETRY_MAX_SECONDS, client_options
from wargame.live.tasks import stop

log = logging.getLogger(__name__)


class Subscriber:
    def __init__(self, url: str, on_message: Callable[[bytes, bytes], None]):
        self.redis = aioredis.Redis.from_url(url, **client_options(for_asyncio=True))
        self.on_message = on_message  # (channel, data), on the loop
        self.wanted: set[bytes] = set()
        self.sent: set[bytes] = set()  # what the current connection was told to subscribe to
        self.confirmed: set[bytes] = set()  # what Redis confirmed on the current connection
        self.waiters: dict[bytes, list[asyncio.Future]] = {}
        self.pubsub = None  # the connected PubSub, while there is one
        self.lock = asyncio.Lock()  # one SUBSCRIBE/UNSUBSCRIBE exchange at a time
        self.have_wishes = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.reconciling: set[asyncio.Task] = set()
        self.failing_since: float | None = None
        self.error = ""
        self.closing = False  # close() has begun: a failure now ends the reader, no reconnect

    async def want(self, channel: str, wait: float) -> bool:
        """Subscribe to `channel`; True once Redis confirmed it, False if the connection failed
        or after `wait` seconds (the subscription is then made when Redis is back)."""
        name = channel.encode()
        self.wanted.add(name)
        self.have_wishes.set()
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self._run())
        if name in self.confirmed:
            return True
        if self.failing_since is not None and self.pubsub is None:
            return False  # Redis is down: do not make a connecting socket wait for it
        waiter = asyncio.get_running_loop().create_future()
        self.waiters.setdefault(name, []).append(waiter)
        await self._reconcile()
        try:
            return await asyncio.wait_for(waiter, wait)
        except TimeoutError:
            return False
        finally:
            waiters = self.waiters.get(name, [])
            if waiter in waiters:
                waiters.remove(waiter)

    def drop(self, channel: str) -> None:
        name = channel.encode()
        self.wanted.discard(name)
        if self.task is not None:
            task = asyncio.get_running_loop().create_task(self._reconcile())
            self.reconciling.add(task)  # the loop keeps only a weak reference to a task
            task.add_done_callback(self.reconciling.discard)

    async def _reconcile(self) -> None:
        """Bring the connection's subscriptions to what is wanted now (not when called)."""
        async with self.lock:
            pubsub = self.pubsub
            if pubsub is None:
                return  # the reader subscribes to everything wanted when it connects
            add, remove = self.wanted - self.sent, self.sent - self.wanted
            try:
                if add:
                    self.sent |= add
                    await pubsub.subscribe(*add)
                if remove:
                    self.sent -= remove
                    self.confirmed -= remove  # a want() from now on waits for a new SUBSCRIBE
                    await pubsub.unsubscribe(*remove)
            except Exception as exc:  # noqa: BLE001 - the reader sees the failure and reconnects
                log.debug("pub/sub: changing subscriptions failed: %s", exc)

    async def _run(self) -> None:
        delay = RETRY_FIRST_SECONDS
        while True:
            await self.have_wishes.wait()
            pubsub = self.redis.pubsub()
            try:
                async with self.lock:
                    self.sent = set(self.wanted)
                    if not self.sent:
                        self.have_wishes.clear()
                        continue
                    await pubsub.subscribe(*self.sent)
                    self.pubsub = pubsub
                while True:
                    message = await pubsub.get_message(timeout=None)
                    if message is None:
                        continue
                    if message["type"] == "message":
                        self.on_message(message["channel"], message["data"])
                    elif message["type"] == "subscribe":
                        self._confirmed(message["channel"])
                        if self.failing_since is not None:
                            log.warning(
                                "pub/sub: subscribed again after %.1f s",
                                time.time() - self.failing_since,
                            )
                            self.failing_since = None
                        delay = RETRY_FIRST_SECONDS
                    elif message["type"] == "unsubscribe":
                        self.confirmed.discard(message["channel"])
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - reconnect, whatever went wrong
                if self.closing:
                    return
                self.error = f"{type(exc).__name__}: {exc}"
                if self.failing_since is None:
                    self.failing_since = time.time()
                    log.error("pub/sub: lost Redis (%s); reconnecting", self.error)
                self._answer_waiters(False)
            finally:
                self.pubsub = None
                self.confirmed.clear()
                await pubsub.aclose()
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_SECONDS)

    def _confirmed(self, name: bytes) -> None:
        self.confirmed.add(name)
        for waiter in self.waiters.pop(name, []):
            if not waiter.done():
                waiter.set_result(True)

    def _answer_waiters(self, answer: bool) -> None:
        waiters, self.waiters = self.waiters, {}
        for waiting in waiters.values():
            for waiter in waiting:
                if not waiter.done():
                    waiter.set_result(answer)

    def problem(self) -> str | None:
        if self.failing_since is None:
            return None
        since = datetime.fromtimestamp(self.failing_since, UTC).isoformat(timespec="seconds")
        return f"pub/sub: not connected to Redis since {since} ({self.error})"

    async def close(self) -> None:
        self.closing = True
        if self.task is not None:
            await stop(self.task, "the pub/sub reader")
        await self.redis.aclose()
