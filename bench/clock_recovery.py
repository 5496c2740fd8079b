#!/usr/bin/env python
"""Clock recovery benchmark: how soon due injects fire after a killed Celery process is back.

Runs the production game clock as real processes: the commands of docker-compose.yml's `worker`
and `beat` services (`python -m celery -A wargame worker|beat …`, settings from environment
variables), against a Redis of its own (a private `redis-server` on a free port, unless
--redis-url) and the database of DATABASE_URL (a temporary SQLite file if unset). For each
scenario (`worker`, `beat`), --runs times:

1. starts a worker and a beat and waits until a warm-up exercise's inject has fired;
2. kills the scenario's process with SIGKILL (its whole process group, as `docker kill`
   does: the prefork pool's children too);
3. creates an exercise (time compression 1) whose injects come due 1 s after the kill,
   --down - 1 s after it (both while the process is down) and 1 s after the restart;
4. after --down seconds reads the broker: tick messages waiting in the queue and messages
   the killed worker had taken but not acknowledged (kombu's `unacked` hash); then starts the
   process again and waits until every inject has fired.

Reports per run: `first_fire_s`, seconds from starting the process again to the release of the
first inject that came due while it was down (its event's `at`); `late_s`, how late each inject
fired against its due wall time; `queued_ticks` waiting when it came back and, from the new
worker's log, how many of them it `executed` or `discarded` (expired); `unacked`, the killed
worker's unacknowledged messages; `ready_s`, seconds until the worker logged `ready`. Prints
one JSON line: the runs and min/max of `first_fire_s` and of the worst `late_s` per scenario.

    PYTHONPATH=. .venv/bin/python bench/clock_recovery.py                       # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_clock_bench \\
        PYTHONPATH=. .venv/bin/python bench/clock_recovery.py --runs 3          # PostgreSQL

With a PostgreSQL DATABASE_URL the database is dropped if it exists, created, and dropped at
the end: name one of your own. --worker-args and --beat-args append options to the commands
(to try one out before changing the production commands in docker-compose.yml).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import database  # noqa: E402 - bench/database.py, importable once bench/ is on the path

TICK = "wargame.game.tasks.tick_running_exercises"
SCENARIO = """\
format: 1
id: {slug}
title: "Clock recovery {slug}"
summary: "bench/clock_recovery.py"
start: "2027-04-12T05:30:00+09:00"
time_compression: 1
situation: |
  Benchmark.
teams:
  - id: USA
    name: United States
    side: blue
    briefing: |
      Brief.
  - id: CHN
    name: China
    side: red
    briefing: |
      Brief.
hotlines: []
msel:
{msel}
moves:
  - id: M1
    title: "Move 1"
"""
INJECT = """\
  - id: {id}
    at: "{at}"
    from: Bench
    to: all
    method: news
    title: "{id}"
    body: Due {seconds} s after the clock started.
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scenario", choices=["worker", "beat", "both"], default="both", help="what to kill"
    )
    parser.add_argument("--runs", type=int, default=1, help="runs per scenario (default 1)")
    parser.add_argument(
        "--down", type=float, default=8.0, help="seconds the process stays down (default 8)"
    )
    parser.add_argument(
        "--timeout", type=float, default=40.0, help="give up waiting for an inject after this"
    )
    parser.add_argument(
        "--redis-url", help="a Redis database of its own, emptied (default: a private redis-server)"
    )
    parser.add_argument(
        "--kill",
        choices=["group", "main"],
        default="group",
        help="SIGKILL the process group, as docker kill does (default), or the main process only",
    )
    parser.add_argument("--worker-args", default="", help="options appended to the worker's")
    parser.add_argument("--beat-args", default="", help="options appended to the beat's")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="clock-bench-"))
    url = os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.update(
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(40),
        DEBUG="0",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="wargame.settings",
    )
    os.environ.pop("REDIS_URL", None)  # this process only creates exercises and reads events
    postgres = url.startswith("postgres")
    redis = None
    if postgres:
        database.recreate(url)
    try:
        if args.redis_url:
            redis_url = args.redis_url
        else:
            redis, redis_url = _private_redis(tmp)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        env = {**os.environ, "REDIS_URL": redis_url, "LOG_LEVEL": "INFO"}
        scenarios = ["worker", "beat"] if args.scenario == "both" else [args.scenario]
        result = {
            "bench": "clock_recovery",
            "database": "postgresql" if postgres else "sqlite",
            "down_s": args.down,
            "kill": args.kill,
            "worker_command": " ".join(_command("worker", tmp, args)[3:]),
            "beat_command": " ".join(_command("beat", tmp, args)[3:]),
        }
        for name in scenarios:
            runs = [_run(name, args, env, tmp, redis_url, i) for i in range(args.runs)]
            result[name] = {
                "first_fire_s": _range(r["first_fire_s"] for r in runs),
                "worst_late_s": _range(max(r["late_s"], default=None) for r in runs),
                "runs": runs,
            }
        print(json.dumps(result))
    finally:
        from django.db import connections

        connections.close_all()
        if redis is not None:
            redis.kill()
            redis.wait()
        if postgres:
            database.drop(url)
        shutil.rmtree(tmp, ignore_errors=True)


def _command(kind: str, tmp: Path, args) -> list[str]:
    """The production command of docker-compose.yml's `worker` or `beat` service, with this
    interpreter and a schedule file of this run's own."""
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = list(compose["services"][kind]["command"])
    assert command[:2] == ["python", "-m"], command
    command[0] = sys.executable
    if "--schedule" in command:
        command[command.index("--schedule") + 1] = str(tmp / "celerybeat-schedule")
    extra = args.beat_args if kind == "beat" else args.worker_args
    return command + shlex.split(extra)


class Child:
    """A celery process in its own process group, logging to a file."""

    def __init__(self, kind: str, tmp: Path, args, env: dict, n: int):
        self.log = tmp / f"{kind}-{n}-{time.monotonic_ns()}.log"
        self.started = time.time()
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                _command(kind, tmp, args),
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text()

    def kill(self, group: bool = True) -> None:
        try:
            if group:
                os.killpg(self.proc.pid, signal.SIGKILL)
            else:
                self.proc.kill()
        except ProcessLookupError:
            pass
        self.proc.wait()


def _run(name: str, args, env: dict, tmp: Path, redis_url: str, n: int) -> dict:
    from wargame.game.models import Event

    client = _redis_client(redis_url)
    client.flushdb()
    children = {
        "worker": Child("worker", tmp, args, env, n),
        "beat": Child("beat", tmp, args, env, n),
    }
    try:
        warm = _exercise(f"warm-{name}-{n}", [1])
        _wait_fired(warm, 1, args.timeout + 30)  # the first start imports and connects
        target = children[name]
        target.kill(group=args.kill == "group")
        killed = time.time()
        due = [1.0, args.down - 1.0, args.down + 1.0]
        exercise = _exercise(f"bench-{name}-{n}", due)
        started = Event.objects.get(exercise=exercise, type="clock.started").at
        time.sleep(max(0.0, killed + args.down - time.time()))
        queued = [json.loads(m)["headers"]["id"] for m in client.lrange("celery", 0, -1)]
        unacked = client.hlen("unacked")
        children[name] = back = Child(name, tmp, args, env, n)
        restarted = back.started
        ready = None
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            if ready is None and name == "worker" and " ready." in back.output():
                ready = time.time() - restarted
            if _fired(exercise) == len(due):
                break
            time.sleep(0.05)
        time.sleep(1.0)  # the worker logs the last queued ticks it took
        fired = {
            e.data["msel_id"]: e.at
            for e in Event.objects.filter(exercise=exercise, type="inject.delivered")
        }
        late = []
        for i, seconds in enumerate(due):
            at = fired.get(f"INJ-{i}")
            late.append(
                round((at - (started + timedelta(seconds=seconds))).total_seconds(), 2)
                if at
                else None
            )
        while_down = [
            fired[f"INJ-{i}"].timestamp()
            for i, seconds in enumerate(due)
            if started.timestamp() + seconds < restarted and f"INJ-{i}" in fired
        ]
        log = children["worker"].output() if name == "worker" else ""
        return {
            "first_fire_s": round(min(while_down) - restarted, 2) if while_down else None,
            "late_s": [x for x in late if x is not None],
            "not_fired": [f"INJ-{i}" for i, x in enumerate(late) if x is None],
            "queued_ticks": len(queued),
            "executed": sum(_done(log, i) for i in queued),
            "discarded": sum(f"Discarding revoked task: {TICK}[{i}]" in log for i in queued),
            "unacked": unacked,
            "ready_s": round(ready, 2) if ready is not None else None,
        }
    finally:
        for child in children.values():
            child.kill()


def _done(log: str, task_id: str) -> bool:
    return bool(re.search(rf"Task {re.escape(TICK)}\[{task_id}\] (succeeded|raised)", log))


def _exercise(slug: str, due: list[float]):
    from django.contrib.auth import get_user_model

    from wargame.game import actions
    from wargame.game.models import Participant
    from wargame.lib.gametime import format_offset
    from wargame.scenarios.snapshots import snapshot_file

    msel = "".join(
        INJECT.format(id=f"INJ-{i}", at=format_offset(s), seconds=s) for i, s in enumerate(due)
    )
    path = Path(tempfile.mkdtemp(prefix="clock-bench-scenario-")) / f"{slug}.yaml"
    path.write_text(SCENARIO.format(slug=slug, msel=msel))
    exercise = actions.do_create_exercise(snapshot_file(path), slug)
    shutil.rmtree(path.parent)
    user, _ = get_user_model().objects.get_or_create(username="bench-fiona", is_staff=True)
    facilitator = Participant.objects.create(
        exercise=exercise, role="facilitator", user=user, name="Fiona"
    )
    actions.do_start_clock(facilitator)
    return exercise


def _fired(exercise) -> int:
    from wargame.game.models import Event

    return Event.objects.filter(exercise=exercise, type="inject.delivered").count()


def _wait_fired(exercise, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _fired(exercise) < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"{exercise.name}: no inject fired in {timeout:.0f} s")
        time.sleep(0.05)


def _range(values) -> list | None:
    values = [v for v in values if v is not None]
    return [min(values), max(values)] if values else None


def _private_redis(tmp: Path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    args += ["--appendonly", "no", "--dir", str(tmp)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc, f"redis://127.0.0.1:{port}/0"
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _redis_client(url: str):
    import redis

    return redis.Redis.from_url(url)


if __name__ == "__main__":
    main()
