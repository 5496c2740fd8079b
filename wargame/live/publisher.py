"""Publishing committed events from the event loop without making the command wait.

channels_redis's pub/sub layer sends one PUBLISH at a time per process, holding a lock for each
round trip to Redis. Awaited by every command, that made commands queue behind each other's
publishes (60 ms on average at 500 events/s, docs/performance.md). Here one task per event loop
takes the events in the order this process committed them and sends everything that piled up
meanwhile in one Redis pipeline: one round trip for the whole batch, in order.

With the in-memory layer (one process, no network) events go straight to group_send. The
publisher talks to REDIS_URL, the one Redis host settings.py gives the channel layer.
"""

from __future__ import annotations

import asyncio
import logging
import types

from channels.layers import get_channel_layer
from django.conf import settings
from redis import asyncio as aioredis

log = logging.getLogger(__name__)

_publishers: dict[asyncio.AbstractEventLoop, _Publisher] = {}


async def send_to_groups(messages: list[tuple[str, dict]]) -> None:
    """Send each (group, message) in order. With Redis, queued for this loop's publisher."""
    layer = get_channel_layer()
    if not settings.REDIS_URL:
        for group, message in messages:
            await layer.group_send(group, message)
        return
    loop = asyncio.get_running_loop()
    publisher = _publishers.get(loop)
    if publisher is None:
        publisher = _publishers[loop] = _Publisher(layer, loop)
    for group, message in messages:
        publisher.queue.put_nowait((group, message))


class _Publisher:
    def __init__(self, layer, loop: asyncio.AbstractEventLoop):
        self.layer = layer
        self.queue: asyncio.Queue = asyncio.Queue()
        self.redis = aioredis.Redis.from_url(settings.REDIS_URL)
        self.task = loop.create_task(self._run())
        _close_with(loop, self)

    async def _run(self) -> None:
        # The channel name of a group is the layer's own, so its subscribers receive these.
        channel_of = self.layer._get_layer()._get_group_channel_name
        while True:
            batch = [await self.queue.get()]
            while not self.queue.empty():
                batch.append(self.queue.get_nowait())
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    for group, message in batch:
                        pipe.publish(channel_of(group), self.layer.serialize(message))
                    await pipe.execute()
            except Exception:
                # Committed events are never lost: clients read what they missed from the log
                # when the next event arrives, or when they reconnect.
                log.exception("publishing %d events to Redis failed", len(batch))

    async def close(self) -> None:
        self.task.cancel()
        try:
            await self.task
        except asyncio.CancelledError:
            pass
        await self.redis.aclose()


def _close_with(loop: asyncio.AbstractEventLoop, publisher: _Publisher) -> None:
    """Stop the publisher when its loop closes (each test has its own loop), as channels_redis
    does for its own connections."""
    close = loop.close

    def closing(self, *args, **kwargs):
        if _publishers.pop(loop, None) is publisher:
            loop.run_until_complete(publisher.close())
        self.close = close
        return close(*args, **kwargs)

    loop.close = types.MethodType(closing, loop)
