"""A classroom reconnecting at once: what the sockets missed is read from the log once for all
of them and sent in batched messages, and who is online is read once for every change made
together. The frames are the same as one by one; only their packing and the reads change."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async

from tests.live.helpers import cookie_for, join
from wargame.game import actions
from wargame.live.backlog import Backlog
from wargame.live.broadcast import BATCH_FRAMES, batched
from wargame.live.hub import running_hub

pytestmark = pytest.mark.django_db(transaction=True)


def test_frames_are_batched_in_order_within_the_size_and_count_bounds():
    texts = [json.dumps({"seq": i, "text": "x" * 100}) for i in range(1, 1201)]
    messages = batched(texts)
    decoded = [json.loads(m) for m in messages]
    assert all(isinstance(d, list) for d in decoded)
    assert [f["seq"] for batch in decoded for f in batch] == list(range(1, 1201))
    assert max(len(batch) for batch in decoded) == BATCH_FRAMES
    assert batched(texts[:1]) == texts[:1]  # a lone frame stays a frame
    big = [json.dumps({"seq": i, "text": "y" * 100_000}) for i in range(5)]
    assert all(len(m) < 256 * 1024 for m in batched(big))


async def test_sockets_resuming_together_share_one_read_and_get_the_same_frames(
    exercise, alice, bob, carol, fiona
):
    cookies = {p.name: await cookie_for(p) for p in (alice, bob, carol)}
    first = {name: await join(exercise.pk, cookie) for name, cookie in cookies.items()}
    since = max(welcome["last_seq"] for _, welcome in first.values())
    for socket, _ in first.values():
        await socket.close()

    def missed():
        for i in range(30):
            actions.do_send_inject(fiona, "all", f"Missed {i}", "Body")
        actions.do_send_hotline_message(alice, "acm", "Allies only")
        actions.do_send_inject(fiona, ["CHN"], "China only", "Body")

    await database_sync_to_async(missed)()
    hub = running_hub()
    reads = []
    read = hub.backlog.read

    async def counting(*args):
        reads.append(args)
        return await read(*args)

    hub.backlog = Backlog(counting)
    again = await asyncio.gather(
        *(join(exercise.pk, cookie, since=since) for cookie in cookies.values())
    )
    texts = {}
    for (socket, _), name in zip(again, cookies, strict=True):
        events = await socket.events(31)
        texts[name] = [e["data"].get("title") or e["data"].get("text") for e in events]
        assert socket.batches >= 1  # packed, not one message per frame
        assert await socket.nothing_more()
        await socket.close()
    injects = [f"Missed {i}" for i in range(30)]
    assert texts["Alice"] == texts["Bob"] == [*injects, "Allies only"]
    assert texts["Carol"] == [*injects, "China only"]  # the same audience rule as live
    assert len(reads) == 1  # one read of the log for the three sockets


async def test_presence_is_read_once_for_changes_made_together(exercise, alice, bob, fiona):
    f, _ = await join(exercise.pk, await cookie_for(fiona.user))
    await f.frames_for(0.5)  # her own arrival's list
    hub = running_hub()
    reads = []
    read = hub.read_presence

    async def counting(exercise_id):
        reads.append(exercise_id)
        return await read(exercise_id)

    hub.read_presence = counting
    cookies = [await cookie_for(alice), await cookie_for(bob)]
    sockets = await asyncio.gather(*(join(exercise.pk, cookie) for cookie in cookies))
    frames = await f.frames_for(1.0)
    lists = [frame for frame in frames if frame["type"] == "presence"]
    assert len(lists) == 1, lists  # two arrivals, one read, one list
    assert {p["name"] for p in lists[0]["online"]} == {"Fiona", "Alice", "Bob"}
    assert reads == [exercise.pk]
    for socket, _ in sockets:
        await socket.close()
    await f.close()
