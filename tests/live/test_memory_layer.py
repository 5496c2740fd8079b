"""The embedded default's channel layer keeps the in-memory layer's behaviour."""

import asyncio

import pytest
from channels.exceptions import ChannelFull

from wargame.live.memory_layer import FastInMemoryChannelLayer


async def test_a_group_send_reaches_every_member_in_order():
    layer = FastInMemoryChannelLayer()
    channels = [await layer.new_channel() for _ in range(3)]
    for channel in channels:
        await layer.group_add("exercise.1", channel)
    await layer.group_add("exercise.2", await layer.new_channel())

    for i in range(5):
        await layer.group_send("exercise.1", {"type": "t", "n": i})

    for channel in channels:
        assert [(await layer.receive(channel))["n"] for _ in range(5)] == [0, 1, 2, 3, 4]


async def test_a_full_member_misses_the_message_and_the_others_still_get_it():
    layer = FastInMemoryChannelLayer(capacity=2)
    full, other = await layer.new_channel(), await layer.new_channel()
    for channel in (full, other):
        await layer.group_add("exercise.1", channel)
    await layer.send(full, {"type": "t", "n": -1})
    await layer.send(full, {"type": "t", "n": -2})
    with pytest.raises(ChannelFull):
        await layer.send(full, {"type": "t", "n": -3})

    await layer.group_send("exercise.1", {"type": "t", "n": 1})

    assert (await layer.receive(other))["n"] == 1
    assert [(await layer.receive(full))["n"] for _ in range(2)] == [-1, -2]
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(layer.receive(full), 0.1)


async def test_expired_messages_are_still_dropped():
    layer = FastInMemoryChannelLayer(expiry=0)
    channel = await layer.new_channel()
    await layer.group_add("exercise.1", channel)
    await layer.group_send("exercise.1", {"type": "t"})
    layer.cleaned_at = 0.0  # the next clean-up is due
    await asyncio.sleep(0.01)
    await layer.group_send("exercise.2", {"type": "t"})  # any send runs the clean-up
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(layer.receive(channel), 0.1)
