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
        # While paused: {"seq", "reason", "resume_at" (ISO wall time or None), "hotlines_frozen"}.
        "pause": None,
        "msel": {},  # inject id -> "held" | "skipped" | "released"; absent means scheduled
        "hotlines": {},  # hotline id -> {"cut": bool, "delay": game minutes}
        "moves": {},  # seq of a move.submitted (as text) -> {"team", "status"}
        "turn": None,  # {"index", "id", "title"} of the current scenario move (turn)
    }


def apply(state: dict, event: dict) -> dict:
    """Return the state after `event`; the input is not modified."""
    new = dict(state)
    kind, data = event["type"], event.get("data", {})
    at = _as_datetime(event["at"])
    clock = clock_from_json(state["clock"])
    if kind in ("clock.started", "clock.resumed"):
        new["clock"] = clock_to_json(clock.started(at))
        new["status"] = "running"
        new["pause"] = None
    elif kind == "clock.paused":
        new["clock"] = clock_to_json(clock.paused(at))
        new["status"] = "paused"
        new["pause"] = {
            "seq": event["seq"],
            "reason": data.get("reason", ""),
            "resume_at": data.get("resume_at"),
            "hotlines_frozen": bool(data.get("hotlines_frozen")),
        }
    elif kind == "clock.compression_changed":
        banked = clock.paused(at)
        changed = Clock(False, banked.offset, None, data["compression"])
        new["clock"] = clock_to_json(changed.started(at) if clock.running else changed)
    elif kind == "inject.delivered" and data.get("msel_id"):
        new["msel"] = {**state["msel"], data["msel_id"]: "released"}
    elif kind == "msel.held":
        new["msel"] = {**state["msel"], data["inject"]: "held"}
    elif kind == "msel.skipped":
        new["msel"] = {**state["msel"], data["inject"]: "skipped"}
    elif kind in ("hotline.cut", "hotline.restored", "hotline.delay_set"):
        line = dict(state["hotlines"].get(data["hotline"], {"cut": False, "delay": 0}))
        if kind == "hotline.delay_set":
            line["delay"] = data["minutes"]
        else:
            line["cut"] = kind == "hotline.cut"
        new["hotlines"] = {**state["hotlines"], data["hotline"]: line}
    elif kind == "move.submitted":
        new["moves"] = {
            **state["moves"],
            str(event["seq"]): {"team": data["team"], "status": "pending"},
        }
    elif kind == "move.adjudicated":
        move = {**state["moves"][str(data["move"])], "status": data["verdict"]}
        new["moves"] = {**state["moves"], str(data["move"]): move}
    elif kind == "turn.advanced":
        new["turn"] = {"index": data["index"], "id": data["id"], "title": data["title"]}
    return new


def hotline_status(state: dict, hotline: str) -> dict:
    return state["hotlines"].get(hotline, {"cut": False, "delay": 0})


def msel_state(state: dict, inject: str) -> str:
    return state["msel"].get(inject, "scheduled")


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
