"""The shape of the world state (plain JSON, cached on the exercise row) and the helpers the
reducer steps share. No Django here."""

from __future__ import annotations

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


def hotline_status(state: dict, hotline: str) -> dict:
    return state["hotlines"].get(hotline, {"cut": False, "delay": 0})


def msel_state(state: dict, inject: str) -> str:
    return state["msel"].get(inject, "scheduled")


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
        started_at=as_datetime(started) if started else None,
        compression=data["compression"],
    )


def as_datetime(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
