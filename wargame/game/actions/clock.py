"""The game clock: start, pause (with a reason, an optional maximum length and an optional
hotline freeze), resume (by a facilitator, or by the tick when a timed pause runs out), and
changes of time compression."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from wargame.game.actions.common import (
    append_by,
    clean_text,
    number,
    require_facilitator,
)
from wargame.game.errors import CommandRefused, conflict
from wargame.game.limits import (
    MAX_COMPRESSION,
    MAX_PAUSE_MINUTES,
    MAX_TITLE,
    MIN_COMPRESSION,
    MIN_PAUSE_MINUTES,
)
from wargame.game.log import append_event
from wargame.game.models import Event, Exercise, Participant


def do_start_clock(participant: Participant, client_id: str | None = None) -> Event:
    return _clock_event(participant, "clock.start", "clock.started", ("setup",), {}, client_id)


def do_pause_clock(
    participant: Participant,
    reason: str,
    client_id: str | None = None,
    *,
    max_minutes: float | None = None,
    freeze_hotlines: bool = False,
) -> Event:
    data = {
        "reason": clean_text(reason, "reason", MAX_TITLE),
        "max_minutes": None,
        "resume_at": None,
        "hotlines_frozen": bool(freeze_hotlines),
    }
    if max_minutes is not None:
        data["max_minutes"] = number(
            max_minutes, "max_minutes", MIN_PAUSE_MINUTES, MAX_PAUSE_MINUTES
        )
        data["resume_at"] = (timezone.now() + timedelta(minutes=max_minutes)).isoformat()
    return _clock_event(participant, "clock.pause", "clock.paused", ("running",), data, client_id)


def do_resume_clock(participant: Participant, client_id: str | None = None) -> Event:
    return _clock_event(
        participant, "clock.resume", "clock.resumed", ("paused",), {"auto": False}, client_id
    )


def do_set_compression(
    participant: Participant, compression: float, client_id: str | None = None
) -> Event:
    data = {"compression": number(compression, "compression", MIN_COMPRESSION, MAX_COMPRESSION)}
    return _clock_event(
        participant,
        "clock.set_compression",
        "clock.compression_changed",
        ("setup", "running", "paused"),
        data,
        client_id,
    )


# Why a clock command does not fit the exercise's status, in words for people (the console
# shows them; the status names are in the protocol's welcome).
_STATUS_WORDS = {
    "setup": "has not started yet",
    "running": "is already running",
    "paused": "is already paused",
}


def _clock_event(participant, command, event_type, allowed_from, data, client_id) -> Event:
    require_facilitator(participant, command)

    def check(state: dict) -> None:
        if state["status"] not in allowed_from:
            status = state["status"]
            raise conflict(f"{command}: the exercise {_STATUS_WORDS.get(status, f'is {status}')}")

    return append_by(participant, client_id, event_type, data, check=check)


def auto_resume_if_due(exercise_id: int, now: datetime | None = None) -> Event | None:
    """End a timed pause whose maximum length has passed; exactly once, whoever calls."""
    now = now or timezone.now()
    exercise = Exercise.objects.only("state").get(pk=exercise_id)
    pause = exercise.state.get("pause")
    if not pause or not pause["resume_at"] or datetime.fromisoformat(pause["resume_at"]) > now:
        return None

    def same_pause(state: dict) -> None:
        # A facilitator may have resumed (and paused again) meanwhile: only this pause ends.
        if state["status"] != "paused" or (state["pause"] or {}).get("seq") != pause["seq"]:
            raise conflict("the timed pause already ended")

    try:
        with transaction.atomic():
            return append_event(exercise_id, "clock.resumed", {"auto": True}, check=same_pause)
    except CommandRefused:
        return None
