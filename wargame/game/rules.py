"""The world state as a pure function of the log: state = fold(apply, events). No Django here.

An event is a dict with at least `seq`, `type`, `at` (an aware datetime or ISO string) and `data`.
The state is plain JSON so it can be cached on the exercise row and sent to clients.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from wargame.lib.gametime import Clock

ALL = "all"
CONTROL = "control"
CONTROL_ROLES = ("facilitator", "observer")


def initial_state(compression: float) -> dict:
    return {
        "status": "setup",
        "clock": clock_to_json(Clock(compression=compression)),
        "paused_reason": "",
        "released": [],
    }


def apply(state: dict, event: dict) -> dict:
    """Return the state after `event`; the input is not modified."""
    new = dict(state)
    kind, data = event["type"], event.get("data", {})
    at = _as_datetime(event["at"])
    clock = clock_from_json(state["clock"])
    if kind == "clock.started" or kind == "clock.resumed":
        new["clock"] = clock_to_json(clock.started(at))
        new["status"] = "running"
        new["paused_reason"] = ""
    elif kind == "clock.paused":
        new["clock"] = clock_to_json(clock.paused(at))
        new["status"] = "paused"
        new["paused_reason"] = data.get("reason", "")
    elif kind == "inject.delivered" and data.get("msel_id"):
        new["released"] = [*state["released"], data["msel_id"]]
    return new


def fold(events: Iterable[dict], compression: float) -> dict:
    state = initial_state(compression)
    for event in events:
        state = apply(state, event)
    return state


def admits(audience, role: str, team: str | None) -> bool:
    """May a participant with this role and team see an event with this audience?"""
    if role in CONTROL_ROLES:
        return True
    if audience == ALL:
        return True
    if audience == CONTROL:
        return False
    return team is not None and team in audience


def clock_to_json(clock: Clock) -> dict:
    return {
        "running": clock.running,
        "offset": clock.offset,
        "started_at": clock.started_at.isoformat() if clock.started_at else None,
        "compression": clock.compression,
    }


def clock_from_json(data: dict) -> Clock:
    started = data.get("started_at")
    return Clock(
        running=data["running"],
        offset=data["offset"],
        started_at=_as_datetime(started) if started else None,
        compression=data["compression"],
    )


def _as_datetime(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
