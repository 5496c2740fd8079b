"""Appending to an exercise's log. Only action functions append.

Two ways, one result (the same event, seq, state and broadcast):

- `append_event`, inside the action's transaction: takes the exercise's row lock, allocates the
  seq, inserts, updates the cached state. Any event, alongside any other writes.
- `append_unlocked`, on PostgreSQL for an event that is the action's only write and leaves the
  state as it is (a hotline message, an inject, a note): decides from the state this process
  last saw and allocates + inserts in one statement that succeeds only if that state is still
  current (`Exercise.state_version`). The row lock is then held for one statement instead of
  three or four round trips and the Python between them. When it cannot be used it returns
  None and the caller uses `append_event`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial

from django.db import connection, transaction
from django.utils import timezone

from wargame.game import events, rules
from wargame.game.errors import CommandRefused
from wargame.game.models import Event, Exercise, Participant, new_state_version

log = logging.getLogger(__name__)

# Called with (exercise_id, wire event) once an event is committed. wargame.live installs its
# broadcast here (LiveConfig.ready), so game/ never imports live/: a Celery worker or a
# management command appends without loading Channels.
_commit_hooks: list[Callable[[int, dict], None]] = []


def on_event_committed(hook: Callable[[int, dict], None]) -> None:
    """Register `hook(exercise_id, wire_event)` to run after each committed append."""
    if hook not in _commit_hooks:
        _commit_hooks.append(hook)


def _committed(exercise_id: int, wire_event: dict) -> None:
    """Hand a committed event to every hook. Never raises: the commit is the truth, and a hook
    that fails (Redis down) must not turn a committed action into an error for its caller;
    clients recover what was not delivered from the log."""
    for hook in _commit_hooks:
        try:
            hook(exercise_id, wire_event)
        except Exception:
            log.exception("after-commit hook %r failed for exercise %s", hook, exercise_id)


def append_event(
    exercise_id: int,
    type: str,
    data: dict,
    *,
    spec=None,
    actor: Participant | None = None,
    client_id: str | None = None,
    check: Callable[[dict], dict | None] | None = None,
) -> Event:
    """Allocate the next seq under the exercise's row lock, insert the event, update the cached
    state, and hand it to the commit hooks after commit. Must run inside transaction.atomic().

    The data is checked against the event type's declaration (wargame/game/events.py) and the
    audience follows from the type's rule (`spec`, the scenario, is needed for hotlines).
    `check(state)` runs under the lock. It may raise CommandRefused (the surrounding atomic
    block then rolls back and nothing is persisted), or return a dict replacing "type" and/or
    "data" when what to append depends on the state (a message on a delayed hotline is queued
    instead of delivered).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("append_event must run inside transaction.atomic()")
    # One statement takes the row lock, bumps the counter and reads the state (PostgreSQL and
    # SQLite >= 3.35 both have RETURNING); concurrent appenders queue here, so seq has no gaps
    # and commits in seq order.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Exercise._meta.db_table} SET last_seq = last_seq + 1 "  # noqa: S608
            "WHERE id = %s RETURNING last_seq, state, state_version",
            [exercise_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise Exercise.DoesNotExist(f"no exercise {exercise_id}")
    seq, state, version = row[0], _json(row[1]), row[2]
    if check is not None:
        decided = check(state) or {}
        type = decided.get("type", type)
        data = decided.get("data", data)
    audience = _checked_audience(type, data, spec)
    now = timezone.now()
    event = _unsaved_event(exercise_id, seq, type, now, state, actor, audience, data, client_id)
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, _row(event))
        event.id = cursor.fetchone()[0]
    event._state.adding = False
    new_state = rules.apply(state, {"seq": seq, "type": type, "at": now, "data": data})
    if new_state != state:
        pause = new_state["pause"]
        state, version = new_state, new_state_version()
        Exercise.objects.filter(pk=exercise_id).update(
            state=state,
            state_version=version,
            status=state["status"],
            resume_at=datetime.fromisoformat(pause["resume_at"])
            if pause and pause["resume_at"]
            else None,
        )
    transaction.on_commit(partial(_remember_state, exercise_id, version, state))
    transaction.on_commit(partial(_committed, exercise_id, event_to_wire(event)))
    return event


def append_unlocked(
    exercise_id: int,
    type: str,
    data: dict,
    *,
    spec=None,
    actor: Participant | None = None,
    client_id: str | None = None,
    check: Callable[[dict], dict | None] | None = None,
) -> Event | None:
    """The event appended and committed in one statement, or None when that cannot be done
    (see the module docstring): not PostgreSQL, inside a transaction, `check` refuses or
    replaces the event (decided again under the lock), the event changes the state, or the
    state moved on since this process read it. Must run outside transaction.atomic()."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    version, state = _last_seen_state(exercise_id)
    if check is not None:
        try:
            if check(state) is not None:
                return None
        except CommandRefused:
            return None  # perhaps only because what this process saw is out of date
    now = timezone.now()
    if rules.apply(state, {"seq": 0, "type": type, "at": now, "data": data}) != state:
        return None
    audience = _checked_audience(type, data, spec)
    event = _unsaved_event(exercise_id, None, type, now, state, actor, audience, data, client_id)
    with connection.cursor() as cursor:
        values = _row(event)
        del values[_INSERTED.index("seq")]  # from the UPDATE, in the statement
        cursor.execute(_APPEND_IF_STATE_UNCHANGED, [exercise_id, version, *values])
        row = cursor.fetchone()
    if row is None:
        _seen_states.pop(exercise_id, None)  # read it again next time
        return None
    event.id, event.seq = row
    event._state.adding = False
    _committed(exercise_id, event_to_wire(event))  # committed: autocommit, one statement
    return event


_INSERTED = ("exercise", "seq", "type", "at", "game_time", "actor", "audience", "data", "client_id")
_INSERTED_FIELDS = [Event._meta.get_field(name) for name in _INSERTED]


def _checked_audience(type: str, data: dict, spec):
    """The audience the type's rule gives, once the data has passed its declaration."""
    events.check_data(type, data)
    return events.EVENTS[type].audience(data, spec)


def _unsaved_event(exercise_id, seq, type, at, state, actor, audience, data, client_id) -> Event:
    return Event(
        exercise_id=exercise_id,
        seq=seq,
        type=type,
        at=at,
        game_time=_game_time(state, at),
        actor=actor,
        audience=audience,
        data=data,
        client_id=client_id,
    )


def _row(event: Event) -> list:
    """The event's values for the columns in _INSERTED, as the database backend takes them
    (raw SQL instead of Model.save, which cost a tenth of the embedded server's CPU)."""
    return [f.get_db_prep_save(getattr(event, f.attname), connection) for f in _INSERTED_FIELDS]


def _event_columns() -> str:
    return ", ".join(f.column for f in _INSERTED_FIELDS)


_INSERT = (
    f"INSERT INTO {Event._meta.db_table} ({_event_columns()}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(_INSERTED))}) RETURNING id"
)


# One statement: bump last_seq only if no event changed the state since this process read it
# (state_version), and insert with the seq it returns. Under READ COMMITTED, an UPDATE that
# waited for the row lock re-checks its WHERE against the committed row, so a state change that
# got in first makes it match nothing, and nothing is inserted.
_APPEND_IF_STATE_UNCHANGED = f"""
    WITH bumped AS (
        UPDATE {Exercise._meta.db_table} SET last_seq = last_seq + 1
        WHERE id = %s AND state_version = %s
        RETURNING last_seq
    )
    INSERT INTO {Event._meta.db_table} ({_event_columns()})
    SELECT %s, last_seq, %s, %s, %s, %s, %s, %s, %s FROM bumped
    RETURNING id, seq
"""  # noqa: S608 (table and column names from the models, values as parameters)

# exercise id -> (state_version, state) as this process last saw them committed. Only a hint: the
# statement above checks it, so a stale entry costs one failed statement, never a wrong event.
_seen_states: dict[int, tuple[int, dict]] = {}
SEEN_STATES_MAX = 1000


def _last_seen_state(exercise_id: int) -> tuple[int, dict]:
    seen = _seen_states.get(exercise_id)
    if seen is None:
        row = Exercise.objects.filter(pk=exercise_id).values_list("state_version", "state").first()
        if row is None:
            raise Exercise.DoesNotExist(f"no exercise {exercise_id}")
        seen = _remember_state(exercise_id, row[0], row[1])
    return seen


def _remember_state(exercise_id: int, version: int, state: dict) -> tuple[int, dict]:
    if len(_seen_states) >= SEEN_STATES_MAX:
        _seen_states.clear()
    _seen_states[exercise_id] = (version, state)
    return version, state


def _json(value) -> dict:
    return value if isinstance(value, dict) else json.loads(value)


def _game_time(state: dict, now: datetime) -> float:
    return rules.clock_from_json(state["clock"]).game_seconds(now)


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
