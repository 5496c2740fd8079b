"""The hub: committed events reach every local socket of their exercise once, from the loop or
from another thread, in memory or through Redis (two hubs on one Redis are two processes)."""

import asyncio
import threading

import pytest
from redis import asyncio as aioredis

from tests.live.helpers import RecordingConsumer as Socket
from wargame.live.broadcast import presence_message
from wargame.live.hub import Hub, channel_name, publish_committed, running_hub


def message(seq):
    return {"seq": seq, "audience": "all", "frame": "{}"}


async def until(condition, seconds=5.0):
    for _ in range(int(seconds / 0.01)):
        if condition():
            return True
        await asyncio.sleep(0.01)
    return condition()


@pytest.fixture
async def hubs(redis_url, settings):
    """Two hubs on one Redis, as two server processes would have, without sweeps (no DB)."""
    loop = asyncio.get_running_loop()
    made = [
        Hub(loop, redis_url, settings.REDIS_PREFIX, sweep_every=None),
        Hub(loop, redis_url, settings.REDIS_PREFIX, sweep_every=None),
    ]
    yield made
    for hub in made:
        await hub.close()


async def test_events_published_by_one_process_reach_the_sockets_of_another_in_order(hubs):
    one, other = hubs
    here, there, elsewhere = Socket(), Socket(), Socket()
    (await one.join(7, here)).start(0)
    (await other.join(7, there)).start(0)
    (await other.join(8, elsewhere)).start(0)

    for seq in range(1, 101):
        one.publish(7, message(seq))
    one.publish(7, presence_message(1.0, []))

    assert await until(lambda: len(here.seqs) == len(there.seqs) == 100)
    assert here.seqs == there.seqs == list(range(1, 101))
    assert await until(lambda: here.presence == there.presence == [1.0])
    assert elsewhere.seqs == [] and elsewhere.presence == []


async def test_a_process_unsubscribes_when_its_last_socket_of_an_exercise_leaves(
    hubs, redis_url, settings
):
    one, _ = hubs
    client = aioredis.Redis.from_url(redis_url)
    channel = channel_name(settings.REDIS_PREFIX, 9)

    async def subscribers():
        return (await client.pubsub_numsub(channel))[0][1]

    try:
        first, second = Socket(), Socket()
        await one.join(9, first)
        await one.join(9, second)
        assert await subscribers() == 1  # one subscription per process, not per socket
        one.leave(9, first)
        assert await subscribers() == 1
        one.leave(9, second)
        for _ in range(100):
            if await subscribers() == 0:
                break
            await asyncio.sleep(0.01)
        assert await subscribers() == 0 and 9 not in one.streams
    finally:
        await client.aclose()


@pytest.mark.django_db
async def test_in_memory_an_event_committed_on_another_thread_reaches_the_loop(settings):
    settings.REDIS_URL = ""
    hub = running_hub()  # closed by tests/live/conftest.py
    socket = Socket()
    (await hub.join(3, socket)).start(0)
    threads = [threading.Thread(target=publish_committed, args=(3, message(s))) for s in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert await until(lambda: socket.seqs == [1, 2])  # in order, whichever thread came first
