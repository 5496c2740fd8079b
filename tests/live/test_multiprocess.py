"""Production topology with real processes: two ASGI servers sharing Redis pub/sub, and the game
clock driven by a real Celery worker with beat."""

import asyncio
import json
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest
import websockets

from tests.conftest import fast_clock_exercise
from tests.live.helpers import player_cookie
from tests.processes import (
    child_env,
    compose_command,
    free_port,
    kill_group,
    running,
    uvicorn,
)
from wargame.game import actions
from wargame.game.models import Event

pytestmark = pytest.mark.django_db(transaction=True)


async def ws_connect(port, exercise_id, cookie):
    socket = await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/exercises/{exercise_id}/",
        additional_headers={"Cookie": f"sessionid={cookie}", "Origin": f"http://127.0.0.1:{port}"},
        open_timeout=10,
    )
    welcome = json.loads(await asyncio.wait_for(socket.recv(), 10))
    assert welcome["type"] == "welcome"
    return socket


def healthz(port) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def hotline_send(frame_id, text):
    return json.dumps(
        {"id": frame_id, "type": "hotline.send", "data": {"hotline": "acm", "text": text}}
    )


async def next_event(socket, kind, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        decoded = json.loads(await asyncio.wait_for(socket.recv(), deadline - time.monotonic()))
        for frame in decoded if isinstance(decoded, list) else [decoded]:
            if frame["type"] == kind:
                return frame


def test_an_event_sent_through_one_server_reaches_a_client_of_the_other(
    redis_url, exercise, alice, bob
):
    env = child_env(REDIS_URL=redis_url, REDIS_PREFIX=f"wargame-test-{uuid.uuid4().hex}")
    alice_cookie, bob_cookie = player_cookie(alice), player_cookie(bob)
    port_a, port_b = free_port(), free_port()

    async def scenario():
        a = await ws_connect(port_a, exercise.pk, alice_cookie)
        b = await ws_connect(port_b, exercise.pk, bob_cookie)
        await a.send(
            json.dumps(
                {
                    "id": "x1",
                    "type": "hotline.send",
                    "data": {"hotline": "acm", "text": "via server A"},
                }
            )
        )
        received_by_bob = await next_event(b, "hotline.message")
        await b.send(
            json.dumps(
                {
                    "id": "y1",
                    "type": "hotline.send",
                    "data": {"hotline": "acm", "text": "via server B"},
                }
            )
        )
        received_by_alice = [await next_event(a, "hotline.message") for _ in range(2)]
        await a.close()
        await b.close()
        return received_by_bob, received_by_alice

    with uvicorn(port_a, env), uvicorn(port_b, env):
        to_bob, to_alice = asyncio.run(scenario())
        assert [healthz(port)[0] for port in (port_a, port_b)] == [200, 200]

    assert to_bob["data"]["text"] == "via server A" and to_bob["data"]["from_team"] == "USA"
    assert [e["data"]["text"] for e in to_alice] == ["via server A", "via server B"]
    assert to_alice[1]["seq"] == to_alice[0]["seq"] + 1


def test_a_server_that_cannot_reach_redis_says_so_and_its_clients_still_get_events(
    exercise, alice, bob
):
    """Redis unreachable (a port nothing listens on): the command is acked, the event reaches
    the other client through the sweep within about a second, and /healthz answers 503."""
    unreachable = f"redis://127.0.0.1:{free_port()}/0"
    env = child_env(REDIS_URL=unreachable, REDIS_PREFIX=f"wargame-test-{uuid.uuid4().hex}")
    alice_cookie, bob_cookie = player_cookie(alice), player_cookie(bob)
    port = free_port()

    async def scenario():
        a = await ws_connect(port, exercise.pk, alice_cookie)
        b = await ws_connect(port, exercise.pk, bob_cookie)
        sent = time.monotonic()
        await a.send(hotline_send("x1", "is anyone there?"))
        event = await next_event(b, "hotline.message", timeout=5)
        took = time.monotonic() - sent
        await a.close()
        await b.close()
        return event, took

    with uvicorn(port, env):
        event, took = asyncio.run(scenario())
        status, body = healthz(port)
    assert event["data"]["text"] == "is anyone there?" and took < 2.5
    assert status == 503 and body["status"] == "unavailable"
    assert any("cannot publish to Redis since" in problem for problem in body["problems"])


def test_no_client_notices_a_redis_restart_beyond_a_delay(private_redis, exercise, alice, bob):
    """Redis restarts under a running server: a socket opened after it gets its welcome and
    stays open, events flow both ways again, and the server logs no ASGI exception."""
    env = child_env(REDIS_URL=private_redis.url, REDIS_PREFIX=f"wargame-test-{uuid.uuid4().hex}")
    alice_cookie, bob_cookie = player_cookie(alice), player_cookie(bob)
    port = free_port()

    async def scenario():
        a = await ws_connect(port, exercise.pk, alice_cookie)
        private_redis.stop()
        private_redis.start()
        b = await ws_connect(port, exercise.pk, bob_cookie)  # the first socket after the restart
        await a.send(hotline_send("r1", "after the restart"))
        seen_by_b = await next_event(b, "hotline.message", timeout=5)
        await b.send(hotline_send("r2", "and back"))
        seen_by_a = await next_event(a, "hotline.message", timeout=5)
        while seen_by_a["data"]["text"] != "and back":
            seen_by_a = await next_event(a, "hotline.message", timeout=5)
        await asyncio.sleep(1.0)
        await b.send(hotline_send("r3", "still open"))
        still = await next_event(b, "ack", timeout=5)
        while still["id"] != "r3":
            still = await next_event(b, "ack", timeout=5)
        await a.close()
        await b.close()
        return seen_by_b, still

    with uvicorn(port, env) as server:
        seen_by_b, still = asyncio.run(scenario())
        output = server.output()
    assert seen_by_b["data"]["text"] == "after the restart"
    assert still["id"] == "r3"
    assert "Exception in ASGI application" not in output and "Traceback" not in output, output


def test_celery_beat_and_worker_fire_a_scheduled_inject_exactly_once(redis_url, tmp_path, fiona):
    exercise, facilitator = fast_clock_exercise(tmp_path, fiona.user, "Celery clock")
    actions.do_start_clock(facilitator)  # INJ-01 is due 1 wall second later (x60)

    env = child_env(REDIS_URL=redis_url, REDIS_PREFIX=f"wargame-test-{uuid.uuid4().hex}")
    schedule = tmp_path / "beat-schedule"
    worker = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "wargame",
        "worker",
        "--beat",
        "--pool",
        "solo",
        "--schedule",
        str(schedule),
        "--loglevel",
        "warning",
    ]
    delivered = Event.objects.filter(exercise=exercise, type="inject.delivered")
    with running(worker, env):
        deadline = time.monotonic() + 40
        while not delivered.exists() and time.monotonic() < deadline:
            time.sleep(0.25)
        time.sleep(3)  # a few more ticks: nothing may fire twice
    assert [e.data["msel_id"] for e in delivered] == ["INJ-01"]


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.05)


def test_a_killed_worker_fires_the_injects_due_meanwhile_within_3_s_of_coming_back(
    private_redis, tmp_path, fiona
):
    """docker-compose.yml's worker and beat. The worker is SIGKILLed (with its pool, as
    `docker kill` does) and stays down while an inject comes due and beat queues ticks; started
    again, it fires the inject within 3 s, once, and discards the ticks that expired."""
    exercise, facilitator = fast_clock_exercise(tmp_path, fiona.user, "Celery restart")
    env = child_env(REDIS_URL=private_redis.url)
    worker = compose_command("worker")
    beat = compose_command("beat", schedule=str(tmp_path / "beat-schedule"))
    delivered = Event.objects.filter(exercise=exercise, type="inject.delivered")
    with running(beat, env):
        with running(worker, env, own_group=True) as first:
            wait_until(lambda: " ready." in first.output(), 30, "the worker started")
            kill_group(first)
        actions.do_start_clock(facilitator)  # INJ-01 is due 1 wall second later (x60)
        time.sleep(6)  # beat queues six ticks meanwhile; the first ones expire (expires=5)
        assert not delivered.exists()
        with running(worker, env, own_group=True) as second:
            back = time.time()
            wait_until(delivered.exists, 15, "the due inject fired after the restart")
            time.sleep(1.5)  # more ticks: nothing may fire twice
            output = second.output()
    took = delivered.get().at.timestamp() - back
    assert took < 3, f"INJ-01 fired {took:.2f} s after the worker was started again"
    assert [e.data["msel_id"] for e in delivered] == ["INJ-01"]
    assert "Discarding revoked task: wargame.game.tasks.tick_running_exercises" in output, output
