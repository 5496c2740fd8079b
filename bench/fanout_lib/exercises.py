"""The exercises the load runs against: created with manage.py, and a session per participant
(the facilitator logs in, the players join over HTTP)."""

from __future__ import annotations

import json
import secrets
import time
from concurrent.futures import ThreadPoolExecutor

from .common import log
from .http_client import join, login
from .plan import Room
from .project_server import ProjectServer

SCENARIO = "senkaku-gray-zone"
FACILITATOR = "bench-facilitator"


def create_exercises(server: ProjectServer, count: int) -> list[dict]:
    log(f"creating {count} exercises")

    def create(i: int) -> dict:
        out = server.manage("create_exercise", SCENARIO, "--json", "--name", f"Bench {i}")
        return json.loads(out.strip().splitlines()[-1])

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(create, range(count)))


def facilitator_session(server: ProjectServer) -> str:
    """A staff user's sessionid: staff facilitate every exercise, so one session serves all."""
    password = secrets.token_urlsafe(18)
    server.manage(
        "shell",
        "-c",
        "import os\n"
        "from django.contrib.auth import get_user_model\n"
        f"u, _ = get_user_model().objects.get_or_create(username={FACILITATOR!r})\n"
        "u.is_staff = True\n"
        "u.set_password(os.environ['BENCH_FACILITATOR_PASSWORD'])\n"
        "u.save()\n",
        extra_env={"BENCH_FACILITATOR_PASSWORD": password},
    )
    cookie = login(server.port, FACILITATOR, password)
    log("facilitator logged in")
    return cookie


def join_rooms(server: ProjectServer, exercises: list[dict], participants: int):
    """One Room per exercise (facilitator first, then players round-robin over the teams), and
    the seconds the HTTP joins took."""
    facilitator_cookie = facilitator_session(server)
    players = max(0, participants - 1)
    log(f"joining {players * len(exercises)} players over HTTP")
    jobs = [
        (ei, ex["teams"][k % len(ex["teams"])]["join_code"], f"Bench {ei}-{k}")
        for ei, ex in enumerate(exercises)
        for k in range(players)
    ]
    t = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        cookies = list(pool.map(lambda job: join(server.port, job[1], job[2]), jobs))
    join_s = time.perf_counter() - t
    rooms = [
        Room(
            path=f"/ws/exercises/{ex['id']}/",
            cookies=[facilitator_cookie]
            + [c for (ei2, _, _), c in zip(jobs, cookies, strict=True) if ei2 == ei],
            hotlines=ex["hotlines"],
        )
        for ei, ex in enumerate(exercises)
    ]
    log(f"joined in {join_s:.1f}s")
    return rooms, join_s
