"""Appending to an exercise's log. Only action functions call append_event."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import partial

from django.db import connection, transaction
from django.utils import timezone

from wargame.game import rules
from wargame.game.models import Event, Exercise, Participant
from wargame.live.broadcast import broadcast_event


def append_event(
    exercise_id: int,
    type: str,
    data: dict,
    audience,
    *,
    actor: Participant | None = None,
    client_id: str | None = None,
    check: Callable[[dict], dict | None] | None = None,
) -> Event:
    """Allocate the next seq under the exercise's row lock, insert the event, update the cached
    state, and broadcast after commit. Must run inside transaction.atomic().

    `check(state)` runs under the lock. It may raise CommandRefused (the surrounding atomic
    block then rolls back and nothing is persisted), or return a dict replacing any of "type",
    "data" and "audience" when what to append depends on the state (a message on a delayed
    hotline is queued instead of delivered).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("append_event must run inside transaction.atomic()")
    # One statement takes the row lock, bumps the counter and reads the state (PostgreSQL and
    # SQLite >= 3.35 both have RETURNING); concurrent appenders queue here, so seq has no gaps
    # and commits in seq order.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Exercise._meta.db_table} SET last_seq = last_seq + 1 "  # noqa: S608
            "WHERE id = %s RETURNING last_seq, state",
            [exercise_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise Exercise.DoesNotExist(f"no exercise {exercise_id}")
    seq, state = row[0], row[1] if isinstance(row[1], dict) else json.loads(row[1])
    if check is not None:
        decided = check(state) or {}
        type = decided.get("type", type)
        data = decided.get("data", data)
        audience = decided.get("audience", audience)
    now = timezone.now()
    game_time = rules.clock_from_json(state["clock"]).game_seconds(now)
    event = Event.objects.create(
        exercise_id=exercise_id,
        seq=seq,
        type=type,
        at=now,
        game_time=game_time,
        actor=actor,
        audience=audience,
        data=data,
        client_id=client_id,
    )
    new_state = rules.apply(state, {"seq": seq, "type": type, "at": now, "data": data})
    if new_state != state:
        pause = new_state["pause"]
        Exercise.objects.filter(pk=exercise_id).update(
            state=new_state,
            status=new_state["status"],
            resume_at=datetime.fromisoformat(pause["resume_at"])
            if pause and pause["resume_at"]
            else None,
        )
    transaction.on_commit(partial(broadcast_event, exercise_id, event_to_wire(event)))
    return event


def event_to_wire(event: Event) -> dict:
    """The frame sent to clients, plus the audience the consumer filters on (stripped before
    sending)."""
    return {
        "type": event.type,
        "seq": event.seq,
        "at": event.at.isoformat(),
        "game_time": event.game_time,
        "data": event.data,
        "audience": event.audience,
    }
