"""Publishing to Redis and subscribing to it, against real Redis servers: events a process
commits reach the channel in commit order, a Redis that goes away is reported (never raised),
what was queued meanwhile is published once it is back, and the subscriber subscribes again."""

import asyncio
import threading

from redis import asyncio as aioredis

from tests.processes import free_port
from wargame.live import publisher
from wargame.live.publisher import Publisher, publish_sync
from wargame.live.subscriber import Subscriber


async def until(condition, seconds=10.0):
    for _ in range(int(seconds / 0.02)):
        if condition():
            return True
        await asyncio.sleep(0.02)
    return condition()


async def received(url, channel, count, during):
    """The first `count` messages on `channel` while `during()` runs."""
    client = aioredis.Redis.from_url(url)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(channel)
    await during()
    messages = []
    while len(messages) < count:
        message = await asyncio.wait_for(pubsub.get_message(timeout=None), 10)
        if message is not None:
            messages.append(message["data"].decode())
    await pubsub.aclose()
    await client.aclose()
    return messages


async def test_a_burst_reaches_the_channel_in_commit_order(redis_url, settings):
    channel = f"{settings.REDIS_PREFIX}:publisher-order"
    sender = Publisher(redis_url)

    async def burst():
        for i in range(150):
            sender.put(channel, f"#{i}")
        await asyncio.sleep(0)  # the first batch is on its way while more are queued
        for i in range(150, 300):
            sender.put(channel, f"#{i}")

    try:
        assert await received(redis_url, channel, 300, burst) == [f"#{i}" for i in range(300)]
        assert await until(lambda: sender.health.published == 300)
    finally:
        await sender.close()


async def test_an_unreachable_redis_is_reported_and_the_queue_published_when_it_is_back(
    private_redis,
):
    sender = Publisher(private_redis.url)
    admin = aioredis.Redis.from_url(private_redis.url)
    try:
        sender.put("wargame-test:outage", "before")
        assert await until(lambda: sender.health.published == 1)
        assert sender.problem() is None

        private_redis.stop()
        sender.put("wargame-test:outage", "while down")
        assert await until(lambda: sender.problem() is not None)
        problem = sender.problem()
        assert "cannot publish to Redis since" in problem
        assert "1 messages waiting, 0 dropped" in problem

        private_redis.start()
        assert await until(lambda: sender.problem() is None and not sender.waiting)
        assert sender.health.published == 2
        # The queued event was published to the new server (which counts from zero).
        stats = await admin.info("commandstats")
        assert stats["cmdstat_publish"]["calls"] == 1
    finally:
        await sender.close()
        await admin.aclose()


async def test_the_oldest_events_are_dropped_beyond_the_queue_limit(monkeypatch):
    monkeypatch.setattr(publisher, "MAX_WAITING", 3)
    sender = Publisher(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    try:
        for i in range(5):
            sender.put("wargame-test:full", f"#{i}")
        assert await until(lambda: sender.problem() is not None)
        assert [payload for _, payload in sender.waiting] == ["#2", "#3", "#4"]
        assert "3 messages waiting, 2 dropped" in sender.problem()
    finally:
        await sender.close()


async def test_the_subscriber_subscribes_again_when_redis_comes_back(private_redis):
    got = []
    subscriber = Subscriber(private_redis.url, lambda channel, data: got.append(data))
    client = aioredis.Redis.from_url(private_redis.url)
    try:
        assert await subscriber.want("wargame-test:sub", wait=5)
        await client.publish("wargame-test:sub", "one")
        assert await until(lambda: got == [b"one"])

        private_redis.stop()
        assert await until(lambda: subscriber.problem() is not None)
        assert "not connected to Redis since" in subscriber.problem()
        private_redis.start()
        assert await until(lambda: subscriber.problem() is None, seconds=15)
        await client.aclose()
        client = aioredis.Redis.from_url(private_redis.url)
        await client.publish("wargame-test:sub", "two")
        assert await until(lambda: got == [b"one", b"two"])
    finally:
        await subscriber.close()
        await client.aclose()


async def test_unsubscribed_when_dropped_even_if_wanted_and_dropped_at_once(redis_url, settings):
    channel = f"{settings.REDIS_PREFIX}:sub-churn"
    subscriber = Subscriber(redis_url, lambda channel, data: None)
    client = aioredis.Redis.from_url(redis_url)

    async def subscribers():
        return (await client.pubsub_numsub(channel))[0][1]

    try:
        assert await subscriber.want(channel, wait=5)
        assert await subscribers() == 1
        subscriber.drop(channel)
        assert await subscriber.want(channel, wait=5)  # a join right after the last leave
        await asyncio.sleep(0.1)
        assert await subscribers() == 1
        subscriber.drop(channel)
        for _ in range(50):
            if await subscribers() == 0:
                break
            await asyncio.sleep(0.02)
        assert await subscribers() == 0
    finally:
        await subscriber.close()
        await client.aclose()


def test_publishing_from_a_thread_without_a_loop_never_raises(redis_url, caplog):
    unreachable = f"redis://127.0.0.1:{free_port()}/0"
    publish_sync(unreachable, "wargame-test:sync", "lost")  # logged, not raised
    assert "cannot publish to Redis" in caplog.text
    assert publisher.sync_health.problem(0) is not None

    errors = []

    def publish():
        try:
            publish_sync(redis_url, "wargame-test:sync", "sent")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    thread = threading.Thread(target=publish)
    thread.start()
    thread.join()
    assert errors == [] and publisher.sync_health.problem(0) is None
