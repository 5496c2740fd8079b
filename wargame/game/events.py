"""Every event type, declared once: the fields of its `data`, its audience rule, and its step of
the reducer. Appending validates against the declaration, the reducer dispatches on it, and the
protocol's docs and JSON Schema are generated from it. No Django here.

A new event type is one class here (see docs/architecture.md, "Adding a command or an event").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import msgspec
from msgspec import UNSET, Struct, UnsetType

from wargame.game import audience as rule
from wargame.game import limits
from wargame.game.audience import AudienceRule
from wargame.game.fields import (
    Audience,
    Category,
    GameSeconds,
    Ident,
    Name,
    NoteTag,
    Role,
    Seq,
    TeamId,
    Text,
    Title,
    Verdict,
    number,
)
from wargame.game.state import as_datetime, clock_from_json, clock_to_json
from wargame.lib.gametime import Clock

Step = Callable[[dict, dict], dict]


class EventData(Struct, forbid_unknown_fields=True, omit_defaults=True):
    """The `data` of an event. Fields default to UNSET are optional: absent on some events."""


@dataclass(frozen=True)
class EventType:
    name: str
    data: type[EventData]
    audience: AudienceRule
    step: Step | None  # None: the event does not change the world state
    doc: str


EVENTS: dict[str, EventType] = {}


def event(name: str, *, audience: AudienceRule):
    """Declare an event type: the class is its data; an optional `step(state, event)`
    staticmethod is its reducer step, returning the new state without changing the old."""

    def declare(cls: type[EventData]) -> type[EventData]:
        if name in EVENTS:
            raise ValueError(f"event type {name!r} is declared twice")
        step = cls.__dict__.get("step")
        if isinstance(step, staticmethod):
            step = step.__func__
        doc = " ".join((cls.__doc__ or "").split())
        EVENTS[name] = EventType(name, cls, audience, step, doc)
        return cls

    return declare


class EventSchemaError(ValueError):
    """An action built an event that departs from its declaration: a bug, never user input."""


def check_data(type: str, data: dict) -> None:
    declared = EVENTS.get(type)
    if declared is None:
        raise EventSchemaError(f"{type}: not a declared event type (known: {', '.join(EVENTS)})")
    try:
        msgspec.convert(data, declared.data)
    except msgspec.ValidationError as exc:
        raise EventSchemaError(f"{type}: {exc}") from None


def schema_errors(frame: dict) -> list[str]:
    """Every way an event frame (as sent to a client) departs from its declaration."""
    try:
        msgspec.convert(frame, EventFrame)
        check_data(frame["type"], frame["data"])
    except (msgspec.ValidationError, EventSchemaError) as exc:
        return [str(exc)]
    return []


class EventFrame(Struct, forbid_unknown_fields=True):
    """An event as a client receives it (the audience stays on the server)."""

    type: str
    seq: Seq
    at: str
    game_time: GameSeconds
    data: dict


# Setup and seats ---------------------------------------------------------------------------------


@event("exercise.created", audience=rule.EVERYONE)
class ExerciseCreated(EventData):
    """The exercise was created from a scenario snapshot (`version` is its sha256)."""

    name: Title
    scenario: str
    version: str


@event("participant.joined", audience=rule.TEAM_OR_CONTROL)
class ParticipantJoined(EventData):
    """A player joined a team, or a facilitator or observer was seated (`team` null)."""

    team: TeamId | None
    name: Name
    role: Role


# Hotlines ----------------------------------------------------------------------------------------


class _Message(EventData):
    hotline: Ident
    text: Text
    from_team: TeamId | None
    from_name: Name


@event("hotline.message", audience=rule.HOTLINE_TEAMS)
class HotlineMessage(_Message):
    """A message on a hotline; after a delay it also carries `queued_seq` and `delay`."""

    queued_seq: Seq | UnsetType = UNSET
    delay: float | UnsetType = UNSET


@event("hotline.message_queued", audience=rule.THE_SENDERS_TEAM)
class HotlineMessageQueued(_Message):
    """Sent on a delayed hotline and in transit until the game clock reaches `due`."""

    due: GameSeconds
    delay: float  # game minutes


def _hotline(state: dict, hotline: str, **changes) -> dict:
    line = {"cut": False, "delay": 0, **state["hotlines"].get(hotline, {}), **changes}
    return {**state, "hotlines": {**state["hotlines"], hotline: line}}


@event("hotline.delay_set", audience=rule.CONTROL_ONLY)
class HotlineDelaySet(EventData):
    """Messages on the hotline now take `minutes` of game time to arrive (0: no delay)."""

    hotline: Ident
    minutes: number(limits.MIN_DELAY_MINUTES, limits.MAX_DELAY_MINUTES, "game minutes")

    @staticmethod
    def step(state: dict, event: dict) -> dict:
        return _hotline(state, event["data"]["hotline"], delay=event["data"]["minutes"])


@event("hotline.cut", audience=rule.HOTLINE_TEAMS)
class HotlineCut(EventData):
    """The hotline is down: no messages until it is restored."""

    hotline: Ident

    @staticmethod
    def step(state: dict, event: dict) -> dict:
        return _hotline(state, event["data"]["hotline"], cut=True)


@event("hotline.restored", audience=rule.HOTLINE_TEAMS)
class HotlineRestored(EventData):
    """The hotline is back up."""

    hotline: Ident

    @staticmethod
    def step(state: dict, event: dict) -> dict:
        return _hotline(state, event["data"]["hotline"], cut=False)


@event("hotline.leaked", audience=rule.ADDRESSEES)
class HotlineLeaked(_Message):
    """The white cell leaked a hotline message (`original_seq`) to other teams."""

    to: Audience
    original_seq: Seq


# Moves and adjudication --------------------------------------------------------------------------


@event("move.submitted", audience=rule.THE_TEAM)
class MoveSubmitted(EventData):
    """A team's move, waiting for adjudication; optional `target` (another team)."""

    text: Text
    category: Category
    team: TeamId
    from_name: Name
    target: TeamId | UnsetType = UNSET

    @staticmethod
    def step(state: dict, event: dict) -> dict:
        move = {"team": event["data"]["team"], "status": "pending"}
        return {**state, "moves": {**state["moves"], str(event["seq"]): move}}


@event("move.adjudicated", audience=rule.TEAM_UNLESS_PUBLISHED)
class MoveAdjudicated(EventData):
    """The white cell's verdict on a move (`move` is its seq) and the outcome."""

    move: Seq
    team: TeamId
    category: Category
    text: Text
    verdict: Verdict
    outcome: Text
    published: bool

    @staticmethod
    def step(state: dict, event: dict) -> dict:
        key = str(event["data"]["move"])
        move = {**state["moves"][key], "status": event["data"]["verdict"]}
        return {**state, "moves": {**state["moves"], key: move}}


@event("turn.advanced", audience=rule.EVERYONE)
class TurnAdvanced(EventData):
    """The game moved to the scenario's next move (turn)."""

    index: int
    id: Ident
    title: Title
    summary: str

    @staticmethod
    def step(state: dict, event: dict) -> dict:
        data = event["data"]
        return {**state, "turn": {"index": data["index"], "id": data["id"], "title": data["title"]}}


@event("note.added", audience=rule.CONTROL_ONLY)
class NoteAdded(EventData):
    """A facilitator's tagged note for the after-action review."""

    text: Text
    tag: NoteTag
    by: Name


# Injects and the MSEL ----------------------------------------------------------------------------


@event("inject.delivered", audience=rule.ADDRESSEES)
class InjectDelivered(EventData):
    """An inject reached its teams; scripted ones add `msel_id`, `due` and `edited`."""

    to: Audience
    title: Title
    body: Text
    method: str
    from_: Title = msgspec.field(name="from")
    msel_id: Ident | UnsetType = UNSET
    due: GameSeconds | UnsetType = UNSET
    edited: bool | UnsetType = UNSET

    @staticmethod
    def step(state: dict, event: dict) -> dict:
        inject = event["data"].get("msel_id")
        if not inject:
            return state
        return {**state, "msel": {**state["msel"], inject: "released"}}


def _msel(state: dict, inject: str, to: str) -> dict:
    return {**state, "msel": {**state["msel"], inject: to}}


@event("msel.held", audience=rule.CONTROL_ONLY)
class MselHeld(EventData):
    """A scheduled inject is held: the clock will not release it."""

    inject: Ident

    @staticmethod
    def step(state: dict, event: dict) -> dict:
        return _msel(state, event["data"]["inject"], "held")


@event("msel.skipped", audience=rule.CONTROL_ONLY)
class MselSkipped(EventData):
    """An inject is skipped: it will not be released."""

    inject: Ident

    @staticmethod
    def step(state: dict, event: dict) -> dict:
        return _msel(state, event["data"]["inject"], "skipped")


@event("msel.unskipped", audience=rule.CONTROL_ONLY)
class MselUnskipped(EventData):
    """A skipped inject is scheduled again: the clock releases it when it reaches its time, at
    the next tick if that time has passed."""

    inject: Ident

    @staticmethod
    def step(state: dict, event: dict) -> dict:
        # Absent means scheduled (state.initial_state), as before it was skipped.
        msel = {k: v for k, v in state["msel"].items() if k != event["data"]["inject"]}
        return {**state, "msel": msel}


class InjectText(Struct, forbid_unknown_fields=True, omit_defaults=True):
    title: Title | UnsetType = UNSET
    body: Text | UnsetType = UNSET
    to: Audience | UnsetType = UNSET


@event("msel.edited", audience=rule.CONTROL_ONLY)
class MselEdited(EventData):
    """An inject not yet released was edited in stride; `original` keeps the scenario's text."""

    inject: Ident
    changes: InjectText
    original: InjectText


# The clock ---------------------------------------------------------------------------------------


def _clock(state: dict, clock: Clock, **changes) -> dict:
    return {**state, "clock": clock_to_json(clock), **changes}


def _at(event: dict):
    return as_datetime(event["at"])


@event("clock.started", audience=rule.EVERYONE)
class ClockStarted(EventData):
    """The game clock started."""

    @staticmethod
    def step(state: dict, event: dict) -> dict:
        at = _at(event)
        # Banked first, so a start on a clock that already runs keeps its time (actions
        # refuse that, but the reducer must not make the game clock jump back).
        clock = clock_from_json(state["clock"]).paused(at).started(at)
        return _clock(state, clock, status="running", pause=None)


@event("clock.paused", audience=rule.EVERYONE)
class ClockPaused(EventData):
    """The game is paused (with a reason; a timed pause resumes by itself at `resume_at`)."""

    reason: Title
    max_minutes: float | None
    resume_at: str | None
    hotlines_frozen: bool

    @staticmethod
    def step(state: dict, event: dict) -> dict:
        data = event["data"]
        pause = {
            "seq": event["seq"],
            "reason": data["reason"],
            "resume_at": data["resume_at"],
            "hotlines_frozen": bool(data["hotlines_frozen"]),
        }
        clock = clock_from_json(state["clock"]).paused(_at(event))
        return _clock(state, clock, status="paused", pause=pause)


@event("clock.resumed", audience=rule.EVERYONE)
class ClockResumed(EventData):
    """The game clock runs again (`auto`: a timed pause ran out)."""

    auto: bool

    step = staticmethod(ClockStarted.step)


@event("clock.compression_changed", audience=rule.EVERYONE)
class ClockCompressionChanged(EventData):
    """Game seconds per wall second changed."""

    compression: number(limits.MIN_COMPRESSION, limits.MAX_COMPRESSION, "game s per wall s")

    @staticmethod
    def step(state: dict, event: dict) -> dict:
        at = _at(event)
        clock = clock_from_json(state["clock"])
        banked = clock.paused(at)
        changed = Clock(False, banked.offset, None, event["data"]["compression"])
        return _clock(state, changed.started(at) if clock.running else changed)
