"""The world state as a pure function of the log: state = fold(apply, events). No Django here.

An event is a dict with at least `seq`, `type`, `at` (an aware datetime or ISO string) and `data`.
Each event type's step is declared with the type (wargame/game/events.py); this module folds
them. The state is plain JSON so it can be cached on the exercise row and sent to clients.
"""

from __future__ import annotations

from collections.abc import Iterable

from wargame.game.audience import admits
from wargame.game.events import EVENTS
from wargame.game.state import (
    ALL,
    CONTROL,
    CONTROL_ROLES,
    clock_from_json,
    clock_to_json,
    hotline_status,
    initial_state,
    msel_state,
)

__all__ = [
    "ALL",
    "CONTROL",
    "CONTROL_ROLES",
    "admits",
    "apply",
    "clock_from_json",
    "clock_to_json",
    "fold",
    "hotline_status",
    "initial_state",
    "msel_state",
]


def apply(state: dict, event: dict) -> dict:
    """Return the state after `event`; the input is not modified. An event type without a
    step (or unknown to this version) leaves the state as it is."""
    declared = EVENTS.get(event["type"])
    if declared is None or declared.step is None:
        return state
    return declared.step(state, event)


def fold(events: Iterable[dict], compression: float) -> dict:
    state = initial_state(compression)
    for event in events:
        state = apply(state, event)
    return state
