#!/usr/bin/env python
"""Catch-up benchmark: many clients of one exercise reconnect at once after missing events.

A seminar's network drops (a classroom Wi-Fi access point restarts): every socket of an
exercise is gone while the exercise goes on, then they all come back together, each resuming
with `since` = the last seq it had. This measures how long until every client has caught up.

1. Starts the server in --mode (production: PostgreSQL + Redis, 2 uvicorn workers; embedded:
   SQLite, live events in memory, one process), creates one exercise and joins --clients
   players over HTTP (round-robin over its teams).
2. Connects every socket (16 handshakes at a time, as bench/fanout.py) and times it until all
   welcomes have arrived: `connect_s`, the cost of a fresh page's connection.
3. Closes every socket, appends --missed events that every player sees (injects to all, from
   the white cell, in one manage.py process), and reconnects every socket at once with
   `since` = the seq before them: `catchup_s` is the time until every client has received the
   last of them (and none was lost or duplicated: `complete`), `client_p50_s`/`client_p99_s`
   the time each client took.

Prints one JSON line. Example (docs/performance.md):

    .venv/bin/python bench/catchup.py --mode embedded --clients 250 --missed 1000
    .venv/bin/python bench/catchup.py --mode production --clients 250 --missed 1000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fanout_lib.common import HOST, BenchError, log  # noqa: E402
from fanout_lib.exercises import create_exercises, join_rooms  # noqa: E402
from fanout_lib.project_server import ProjectServer  # noqa: E402

APPEND = """
from wargame.game import actions
from wargame.game.models import Exercise
from django.contrib.auth import get_user_model
exercise = Exercise.objects.get(pk={exercise})
user = get_user_model().objects.get(username="bench-facilitator")
white_cell = actions.control_participant(exercise, user)
for i in range({missed}):
    actions.do_send_inject(white_cell, "all", f"Missed {{i}}", "While you were away " * 8)
print(Exercise.objects.get(pk={exercise}).last_seq)
"""


async def open_socket(port: int, path: str, cookie: str, gate: asyncio.Semaphore):
    from websockets.asyncio.client import connect

    async with gate:
        ws = await connect(
            f"ws://{HOST}:{port}{path}",
            origin=f"http://{HOST}:{port}",
            additional_headers={"Cookie": f"sessionid={cookie}"},
            open_timeout=120,
            ping_interval=None,
            max_queue=None,
            close_timeout=2,
        )
        welcome = json.loads(await asyncio.wait_for(ws.recv(), 120))
    if welcome.get("type") != "welcome":
        raise BenchError(f"first frame is not a welcome: {str(welcome)[:200]}")
    return ws, welcome


def frames_of(raw: str) -> list[dict]:
    """One message is a frame, or a JSON array of frames (docs/protocol.md)."""
    decoded = json.loads(raw)
    return decoded if isinstance(decoded, list) else [decoded]


async def connect_all(port: int, path: str, cookies: list[str]):
    gate = asyncio.Semaphore(16)
    return await asyncio.gather(*(open_socket(port, path, c, gate) for c in cookies))


async def catch_up(ws, missed: int, last: int, started: float) -> tuple[float, bool]:
    """Read until the event `last` arrived; the seconds it took, and whether the `missed`
    injects came exactly once, in order (the white cell's own seat, made for the appends, is
    an event players do not see)."""
    seen: list[int] = []
    while True:
        for frame in frames_of(await asyncio.wait_for(ws.recv(), 120)):
            seq = frame.get("seq")
            if frame.get("type") not in ("welcome", "ack", "presence") and seq is not None:
                seen.append(seq)
                if seq == last:
                    ordered = seen == sorted(set(seen))
                    return time.perf_counter() - started, ordered and len(seen) == missed


async def scenario(server: ProjectServer, exercise: dict, cookies: list[str], missed: int):
    path = f"/ws/exercises/{exercise['id']}/"
    log(f"connecting {len(cookies)} sockets")
    t = time.perf_counter()
    opened = await connect_all(server.port, path, cookies)
    connect_s = time.perf_counter() - t
    since = max(welcome["last_seq"] for _, welcome in opened)
    log(f"all welcomes in {connect_s:.2f}s; closing them and appending {missed} events")
    await asyncio.gather(*(ws.close() for ws, _ in opened))
    out = server.manage(
        "shell", "-c", APPEND.format(exercise=exercise["id"], missed=missed), timeout=600
    )
    last = int(out.strip().splitlines()[-1])
    first = since + 1
    log(f"reconnecting {len(cookies)} sockets with since={since} (events {first}..{last})")
    started = time.perf_counter()
    again = await connect_all(server.port, f"{path}?since={since}", cookies)
    times = await asyncio.gather(*(catch_up(ws, missed, last, started) for ws, _ in again))
    catchup_s = time.perf_counter() - started
    await asyncio.gather(*(ws.close() for ws, _ in again))
    seconds = sorted(s for s, _ in times)
    return {
        "connect_s": round(connect_s, 2),
        "catchup_s": round(catchup_s, 2),
        "client_p50_s": round(statistics.median(seconds), 2),
        "client_p99_s": round(seconds[min(len(seconds) - 1, int(len(seconds) * 0.99))], 2),
        "complete": all(ok for _, ok in times),
        "missed_events": missed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("production", "embedded"), default="embedded")
    parser.add_argument("--clients", type=int, default=250, help="player sockets (default 250)")
    parser.add_argument("--missed", type=int, default=1000, help="events missed (default 1000)")
    parser.add_argument("--workers", type=int, help="uvicorn workers in production (default 2)")
    args = parser.parse_args()
    server_args = SimpleNamespace(
        keep=False,
        ws="websockets-sansio",
        workers=args.workers,
        switch_interval=None,
        sqlite_conn_max_age=None,
        no_dispatch_close=False,
    )
    with tempfile.TemporaryDirectory(prefix="catchup-bench-") as tmp:
        server = ProjectServer(args.mode, Path(tmp), server_args)
        server.prepare()
        server.manage("load_scenarios")
        try:
            server.start()
            [exercise] = create_exercises(server, 1)
            [room], _ = join_rooms(server, [exercise], args.clients + 1)
            players = room.cookies[1:]  # the facilitator's session is the first
            result = asyncio.run(scenario(server, exercise, players, args.missed))
        finally:
            server.stop()
            server.drop_database()
    print(
        json.dumps(
            {
                "bench": "catchup",
                "mode": args.mode,
                "clients": args.clients,
                "workers": server.workers,
                **result,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
