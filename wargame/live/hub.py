"""This process's live hub: the local sockets of each exercise, and the one way committed events
reach them.

One Hub per event loop (a uvicorn worker has one; each test has its own). Each exercise with
local sockets has a Stream (stream.py), which puts its events in seq order, fills gaps from the
log once for all of them, and hands each event to every local consumer; each consumer filters
by audience in memory and writes the pre-encoded frame. Nothing per recipient touches the
database.

- Embedded default (no REDIS_URL): the hub delivers in memory. Events committed on another
  thread of the process (pages, the in-process clock) reach the loop through
  `loop.call_soon_threadsafe`.
- Production (REDIS_URL): events go through Redis pub/sub, one channel per exercise
  (`<REDIS_PREFIX>:exercise:<id>`), so every process with sockets of the exercise receives
  them once. The loop publishes through `Publisher` (one pipelined round trip for everything
  queued); a thread without a running hub publishes with redis-py's blocking client.
- The sweep: once a second, one query reads the last committed seq of every exercise with local
  sockets; whatever a stream has not received by then is read from the log after
  GAP_WAIT_SECONDS. So an event whose publish failed still reaches its clients in about a
  second, without waiting for the next event.

Public APIs only: asyncio (`call_soon_threadsafe`, `call_later`, tasks), redis-py's clients and
pub/sub, channels' `database_sync_to_async`. `close()` ends a hub; the ASGI lifespan
(lifespan.py) and the tests call it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading

from channels.db import database_sync_to_async
from django.conf import settings

from wargame.live import catchup, presence
from wargame.live.backlog import Backlog
from wargame.live.broadcast import presence_message
from wargame.live.publisher import Publisher, ping_sync, publish_sync
from wargame.live.stream import GAP_WAIT_SECONDS, Stream
from wargame.live.subscriber import Subscriber
from wargame.live.tasks import wait_for_end

log = logging.getLogger(__name__)

SWEEP_SECONDS = 1.0
# How long a socket's connect waits for Redis to confirm the exercise's subscription before it
# reads its welcome anyway (the sweep then covers whatever the subscription missed).
SUBSCRIBE_WAIT_SECONDS = 1.0
# Who is online is read once for every socket change within this long (presence.py).
PRESENCE_COALESCE_SECONDS = 0.2

_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}
_hubs_lock = threading.Lock()


def running_hub() -> Hub:
    """The hub of the running event loop, started on first use."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = Hub(loop, settings.REDIS_URL, settings.REDIS_PREFIX)
        with _hubs_lock:
            _hubs[loop] = hub
    return hub


async def close_running_hub() -> None:
    hub = _hubs.get(asyncio.get_running_loop())
    if hub is not None:
        await hub.close()


def live_hubs() -> list[Hub]:
    with _hubs_lock:
        return list(_hubs.values())


def channel_name(prefix: str, exercise_id: int) -> str:
    return f"{prefix}:exercise:{exercise_id}"


def encode_message(message: dict) -> str:
    return json.dumps(message, separators=(",", ":"))


def publish_committed(exercise_id: int, message: dict) -> None:
    """Publish a committed event (or presence) from any thread; never raises."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None:
        running_hub().publish(exercise_id, message)
        return
    hubs = live_hubs()
    if not settings.REDIS_URL:
        # In memory: every loop of this process with sockets gets it (in a server, one).
        for hub in hubs:
            hub.call_soon(hub.receive, exercise_id, message)
        return
    # Through Redis, one publish reaches every process: the hub's loop if this process has one
    # (in order with the loop's own events, and it retries), else a blocking publish here.
    for hub in hubs:
        if hub.redis_url and hub.call_soon(hub.publish, exercise_id, message):
            return
    channel = channel_name(settings.REDIS_PREFIX, exercise_id)
    publish_sync(settings.REDIS_URL, channel, encode_message(message))


def publishing_problems() -> list[str]:
    """Why this process cannot publish (or receive) committed events now; empty when it can."""
    problems = [problem for hub in live_hubs() for problem in hub.problems()]
    if settings.REDIS_URL:
        unreachable = ping_sync(settings.REDIS_URL)
        if unreachable:
            problems.append(unreachable)
    return problems


class Hub:
    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        redis_url: str,
        prefix: str,
        *,
        sweep_every: float | None = SWEEP_SECONDS,
    ):
        self.loop = loop
        self.redis_url = redis_url
        self.prefix = prefix
        self._channel_prefix = channel_name(prefix, 0)[:-1].encode()
        self.streams: dict[int, Stream] = {}
        self.gap_wait: float | None = GAP_WAIT_SECONDS
        self.read_log = database_sync_to_async(catchup.event_messages)
        self.backlog = Backlog(self.read_log)  # what resuming sockets missed, read once
        self.read_presence = database_sync_to_async(presence.changed)
        self.presence_due: dict[int, bool] = {}  # exercise -> changed again since the read began
        self.presence_tasks: set[asyncio.Task] = set()
        self.publisher = Publisher(redis_url) if redis_url else None
        self.subscriber = Subscriber(redis_url, self._from_redis) if redis_url else None
        self.stopping = asyncio.Event()
        self.sweeper = loop.create_task(self._sweep(sweep_every)) if sweep_every else None
        self.closed = False

    # Sockets -------------------------------------------------------------------------------

    async def join(self, exercise_id: int, consumer) -> Stream:
        """Register `consumer` for the exercise's events (its `take` and `take_presence` are
        called from now on); with Redis, returns once the exercise's channel is subscribed."""
        stream = self.streams.get(exercise_id)
        if stream is None:
            stream = self.streams[exercise_id] = Stream(exercise_id, self.read_log, self.gap_wait)
        stream.add(consumer)
        if self.subscriber is not None:
            channel = channel_name(self.prefix, exercise_id)
            if not await self.subscriber.want(channel, SUBSCRIBE_WAIT_SECONDS):
                log.warning("no confirmed subscription to %s yet; the sweep covers it", channel)
        return stream

    def leave(self, exercise_id: int, consumer) -> None:
        stream = self.streams.get(exercise_id)
        if stream is None:
            return
        stream.remove(consumer)
        if not stream.consumers:
            stream.close()
            del self.streams[exercise_id]
            if self.subscriber is not None:
                self.subscriber.drop(channel_name(self.prefix, exercise_id))

    # Presence ------------------------------------------------------------------------------

    def presence_changed(self, exercise_id: int) -> None:
        """On the loop: a socket of the exercise connected or left (its row is committed). The
        list is read once for every change within PRESENCE_COALESCE_SECONDS, then published."""
        if self.closed:
            return
        if exercise_id in self.presence_due:
            self.presence_due[exercise_id] = True  # read again after the read under way
            return
        self.presence_due[exercise_id] = False
        task = self.loop.create_task(self._send_presence(exercise_id))
        self.presence_tasks.add(task)
        task.add_done_callback(self.presence_tasks.discard)

    async def _send_presence(self, exercise_id: int) -> None:
        try:
            while True:
                await asyncio.sleep(PRESENCE_COALESCE_SECONDS)
                if self.closed:
                    return  # shutting down: no more reads of the database
                self.presence_due[exercise_id] = False
                at, online = await self.read_presence(exercise_id)
                self.publish(exercise_id, presence_message(at, online))
                if not self.presence_due[exercise_id]:
                    return
        except Exception:
            log.exception("exercise %s: reading who is online failed", exercise_id)
        finally:
            del self.presence_due[exercise_id]

    # Events --------------------------------------------------------------------------------

    def publish(self, exercise_id: int, message: dict) -> None:
        """On the loop: send a committed event (or presence) to every process's sockets."""
        if self.closed:
            log.warning("hub closed: exercise %s message not published", exercise_id)
        elif self.publisher is None:
            self.receive(exercise_id, message)
        else:
            self.publisher.put(channel_name(self.prefix, exercise_id), encode_message(message))

    def receive(self, exercise_id: int, message: dict) -> None:
        """On the loop: a message for this process's sockets of the exercise."""
        stream = self.streams.get(exercise_id)
        if stream is None:
            return
        if "seq" in message:
            stream.offer(message)
        else:
            stream.presence(message)

    def _from_redis(self, channel: bytes, data: bytes) -> None:
        try:
            exercise_id = int(channel[len(self._channel_prefix) :])
            message = json.loads(data)
        except ValueError:
            log.error("ignoring a malformed message on %r", channel)
            return
        self.receive(exercise_id, message)

    def call_soon(self, callback, *args) -> bool:
        """Run `callback(*args)` on the hub's loop, from another thread; False if it is gone."""
        try:
            self.loop.call_soon_threadsafe(callback, *args)
        except RuntimeError:  # the loop is closed: this hub is dead
            with _hubs_lock:
                if _hubs.get(self.loop) is self:
                    del _hubs[self.loop]
            return False
        return True

    async def _sweep(self, every: float) -> None:
        while True:
            try:
                await asyncio.wait_for(self.stopping.wait(), every)
                return  # closing; never in the middle of a sweep's query
            except TimeoutError:
                await self.sweep()

    async def sweep(self) -> None:
        """One query for every exercise with local sockets: tell each stream its exercise's last
        committed seq; a stream that has not received it within its gap wait reads the log."""
        ids = [exercise_id for exercise_id, s in self.streams.items() if s.cursor is not None]
        if not ids:
            return
        try:
            last = await database_sync_to_async(catchup.last_seqs)(ids)
        except Exception:
            log.exception("sweep: reading the last seq of %d exercises failed", len(ids))
            return
        for exercise_id, seq in last.items():
            stream = self.streams.get(exercise_id)
            if stream is not None:
                stream.expect(seq)

    # Health and lifetime -------------------------------------------------------------------

    def problems(self) -> list[str]:
        if self.publisher is None:
            return []
        return [p for p in (self.publisher.problem(), self.subscriber.problem()) if p]

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        with _hubs_lock:
            if _hubs.get(self.loop) is self:
                del _hubs[self.loop]
        # Nothing of this hub may still be reading the database once close() returns.
        self.stopping.set()
        if self.sweeper is not None:
            await wait_for_end(self.sweeper, "the sweep")
        fills = [task for stream in self.streams.values() if (task := stream.close())]
        if fills or self.presence_tasks:
            await asyncio.wait([*fills, *self.presence_tasks], timeout=5)
        if self.publisher is not None:
            await self.publisher.close()
            await self.subscriber.close()
