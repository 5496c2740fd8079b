"""GET /healthz, and what happens to clients when Redis cannot be reached: the committed event
still reaches them (the hub's sweep reads it from the log) within about a second, and /healthz
says why the process is unhealthy. Redis unreachable means a port nothing listens on: no mocks."""

import asyncio
import json
import re

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test import Client

from tests.live.helpers import cookie_for, join
from tests.processes import free_port

pytestmark = pytest.mark.django_db(transaction=True)


async def healthz():
    def get():
        try:
            return Client().get("/healthz")
        finally:
            # The test client keeps the view's connection open; this thread's would otherwise
            # outlive the test (and hold the test database).
            connection.close()

    response = await sync_to_async(get, thread_sensitive=False)()
    return response.status_code, json.loads(response.content)


async def test_healthz_is_200_without_a_login_when_the_process_can_publish(exercise, alice):
    a, _ = await join(exercise.pk, await cookie_for(alice))  # the process has a hub now
    status, body = await healthz()
    assert (status, body["status"], body["problems"]) == (200, "ok", [])
    await a.close()


async def test_with_redis_unreachable_clients_still_get_events_and_healthz_says_why(
    settings, exercise, alice, bob
):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    a, _ = await join(exercise.pk, await cookie_for(alice))
    b, _ = await join(exercise.pk, await cookie_for(bob))
    loop = asyncio.get_running_loop()

    sent = loop.time()
    await a.send("m1", "hotline.send", {"hotline": "acm", "text": "Redis is down"})
    assert (await a.reply("m1"))["type"] == "ack"  # the command never waits for Redis
    [event] = await b.events(1, timeout=5)
    assert event["data"]["text"] == "Redis is down"
    assert loop.time() - sent < 2.5  # through the sweep, not the next event or a reconnect
    [own] = await a.events(1, timeout=5)
    assert own["seq"] == event["seq"]

    status, body = await healthz()
    assert status == 503 and body["status"] == "unavailable"
    [publishing] = [p for p in body["problems"] if "cannot publish to Redis since" in p]
    # The event and the presence lists (one or two: changes within 0.2 s are read once), kept
    # for when Redis is back.
    waiting = re.search(r"(\d+) messages waiting, 0 dropped", publishing)
    assert waiting and int(waiting.group(1)) in (2, 3), publishing
    assert any("does not answer" in p for p in body["problems"])
    await a.close()
    await b.close()
