#!/usr/bin/env python
"""Welcome benchmark: the server's side of opening a page on a long exercise.

Builds an exercise of --events events (bench/build_log.py: mostly hotline messages, with
injects, moves, adjudications, notes, leaks, pauses) in a fresh database, then times, for the
facilitator and for a player (JPN, on two hotlines), --repeat times each:

- page: the HTTP GET of the console or the team room (Django's test client, every middleware);
- welcome: what the socket does for a fresh page: the seat from the session
  (participant_for_session, as the consumer), welcome_and_backlog(since=None) and encoding the
  frame; its size in bytes is the frame's JSON;
- resume: welcome_and_backlog(since=last_seq - 100), the reconnect of a page that missed 100
  events, with the backlog encoded;
- history: one older page of the busiest pane, as the history endpoint answers it (HTTP GET).

Prints one JSON line: min/median/max milliseconds, database queries and bytes per step.

    PYTHONPATH=. .venv/bin/python bench/welcome.py                       # SQLite (a temp file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_welcome_bench \\
        PYTHONPATH=. .venv/bin/python bench/welcome.py                   # PostgreSQL

With a PostgreSQL DATABASE_URL the database is dropped if it exists, created, and dropped at
the end: name one of your own.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import database  # noqa: E402 - bench/database.py, importable once bench/ is on the path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="welcome-bench-"))
    url = os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.update(
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(40),
        DEBUG="0",
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="wargame.settings",
    )
    os.environ.pop("REDIS_URL", None)  # the in-memory layer: this measures the database
    postgres = url.startswith("postgres")
    if postgres:
        database.recreate(url)
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        result = run(args, url)
        print(json.dumps(result))
    finally:
        from django.db import connections

        connections.close_all()
        if postgres:
            database.drop(url)
        shutil.rmtree(tmp, ignore_errors=True)


def run(args, url: str) -> dict:
    from build_log import player_session, run_build
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test import Client

    from wargame.live.broadcast import encode_frame

    built = run_build(args.events)
    exercise = built["exercise"]
    facilitator = Client()
    facilitator.force_login(get_user_model().objects.get(username=built["facilitator"]["username"]))
    player = Client()
    player.cookies["sessionid"] = player_session(built["players"]["JPN"])
    seats = {
        "facilitator": (facilitator, f"/control/exercises/{exercise}/", "log"),
        "player": (player, f"/play/{exercise}/", "hotline:acm"),
    }
    results = {}
    for name, (client, page, busiest) in seats.items():
        key = client.cookies["sessionid"].value

        def welcome(since=None, key=key):
            seat = _seat(SessionStore(session_key=key), exercise)
            frame, backlog = _welcome(exercise, seat, since)
            return len(encode_frame(frame)) + sum(len(encode_frame(f)) for f in backlog)

        last = _last_seq(exercise)
        results[name] = {
            "page": measure(args.repeat, lambda c=client, p=page: len(c.get(p).content)),
            "welcome": measure(args.repeat, welcome),
            "resume_100": measure(args.repeat, lambda w=welcome, k=last - 100: w(since=k)),
            "history": measure(
                args.repeat,
                lambda c=client, pane=busiest, before=last - 500: len(
                    c.get(
                        f"/exercises/{exercise}/history/", {"pane": pane, "before": before}
                    ).content
                ),
            ),
        }
    return {
        "bench": "welcome",
        "database": connection.vendor,
        "database_url": _redact(url),
        "events": built["events"],
        "build_seconds": built["build_seconds"],
        "repeat": args.repeat,
        "seats": results,
    }


def measure(repeat: int, work) -> dict:
    """Milliseconds (min, median, max over `repeat` runs after one warm-up), the queries of
    the last run, and what `work` returned (bytes)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    work()  # warm-up: the first run opens the connection and fills Python's caches
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            size = work()
            times.append((time.perf_counter() - started) * 1000)
    return {
        "ms": {
            "min": round(min(times), 1),
            "median": round(statistics.median(times), 1),
            "max": round(max(times), 1),
        },
        "queries": len(queries.captured_queries),
        "bytes": size,
    }


def _seat(session, exercise_id: int):
    """The seat as the consumer finds it: the session, its user, then participant_for_session."""
    from django.contrib.auth import SESSION_KEY, get_user_model
    from django.contrib.auth.models import AnonymousUser

    from wargame.live.identity import participant_for_session

    user_id = session.get(SESSION_KEY)  # loads the session (one query)
    user = get_user_model().objects.get(pk=user_id) if user_id else AnonymousUser()
    return participant_for_session(session, user, exercise_id)


def _welcome(exercise_id, seat, since):
    from wargame.live.snapshot import welcome_and_backlog

    return welcome_and_backlog(exercise_id, seat, since)


def _last_seq(exercise_id: int) -> int:
    from wargame.game.models import Exercise

    return Exercise.objects.values_list("last_seq", flat=True).get(pk=exercise_id)


def _redact(url: str) -> str:
    parts = urlsplit(url)
    return url.replace(f":{parts.password}@", ":…@") if parts.password else url


if __name__ == "__main__":
    main()
