"""The Redis publisher: events a process commits reach the group in commit order, in batches,
and a failed round trip to Redis does not stop later events."""

import asyncio
import logging
import os

import pytest
from channels.layers import get_channel_layer
from redis import asyncio as aioredis

from wargame.live import publisher


@pytest.fixture
def redis_layer(settings, redis_url):
    """The production channel layer, also in the embedded test run."""
    settings.REDIS_URL = redis_url
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [redis_url],
                "prefix": f"wargame-test-publisher-{os.getpid()}",
            },
        }
    }
    return get_channel_layer()


async def receive_texts(layer, channel, count):
    return [(await layer.receive(channel))["text"] for _ in range(count)]


async def test_a_burst_reaches_the_group_in_commit_order(redis_layer):
    channel = await redis_layer.new_channel()
    await redis_layer.group_add("exercise.1", channel)
    messages = [("exercise.1", {"type": "exercise.event", "text": f"#{i}"}) for i in range(300)]

    await publisher.send_to_groups(messages[:150])
    await publisher.send_to_groups(messages[150:])

    received = await asyncio.wait_for(receive_texts(redis_layer, channel, 300), 10)
    assert received == [f"#{i}" for i in range(300)]
    await redis_layer.group_discard("exercise.1", channel)


async def test_publishing_goes_on_after_redis_failed(redis_layer, caplog):
    channel = await redis_layer.new_channel()
    await redis_layer.group_add("exercise.2", channel)
    await publisher.send_to_groups([("exercise.2", {"type": "t", "text": "first"})])
    assert await asyncio.wait_for(receive_texts(redis_layer, channel, 1), 5) == ["first"]
    current = publisher._publishers[asyncio.get_running_loop()]
    working = current.redis
    current.redis = aioredis.Redis(host="127.0.0.1", port=1)  # nothing listens there

    with caplog.at_level(logging.ERROR, logger="wargame.live.publisher"):
        await publisher.send_to_groups([("exercise.2", {"type": "t", "text": "lost"})])
        for _ in range(50):
            if caplog.records:
                break
            await asyncio.sleep(0.1)
    assert "publishing 1 events to Redis failed" in caplog.text

    await current.redis.aclose()
    current.redis = working
    await publisher.send_to_groups([("exercise.2", {"type": "t", "text": "after"})])
    assert await asyncio.wait_for(receive_texts(redis_layer, channel, 1), 5) == ["after"]
    await redis_layer.group_discard("exercise.2", channel)
