"""Client → server commands: frame parsing, field schemas and dispatch to action functions.

The contract is docs/protocol.md; error codes are stable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from wargame.game import actions
from wargame.game.errors import CommandRefused, forbidden, invalid, too_large
from wargame.game.models import Event, Participant

MAX_FRAME_BYTES = 64 * 1024
MAX_ID_CHARS = 64
PLAYER = (Participant.Role.PLAYER,)
FACILITATOR = (Participant.Role.FACILITATOR,)


@dataclass(frozen=True)
class Command:
    roles: tuple[str, ...]
    required: dict[str, type | tuple[type, ...]]
    optional: dict[str, type | tuple[type, ...]]

    def fields(self, data: dict) -> dict:
        for name in self.required:
            if name not in data:
                raise invalid(f"data.{name}: required field is missing")
        for name, value in data.items():
            kind = self.required.get(name) or self.optional.get(name)
            if kind is None:
                allowed = ", ".join([*self.required, *self.optional]) or "none"
                raise invalid(f"data.{name}: unknown field (allowed: {allowed})")
            if not isinstance(value, kind):
                raise invalid(f"data.{name}: must be {_kind_name(kind)}")
        return data


COMMANDS: dict[str, Command] = {
    "hotline.send": Command(PLAYER, {"hotline": str, "text": str}, {}),
    "move.submit": Command(PLAYER, {"text": str, "category": str}, {}),
    "inject.send": Command(
        FACILITATOR,
        {"to": (str, list), "title": str, "body": str},
        {"method": str, "from": str},
    ),
    "clock.start": Command(FACILITATOR, {}, {}),
    "clock.pause": Command(FACILITATOR, {"reason": str}, {}),
    "clock.resume": Command(FACILITATOR, {}, {}),
}


@dataclass(frozen=True)
class ClientFrame:
    id: str | None
    type: str
    data: dict


def parse_frame(text: str) -> ClientFrame:
    """Raise CommandRefused (with the frame's id when it could be read) on any bad frame."""
    if len(text.encode("utf-8")) > MAX_FRAME_BYTES:
        raise too_large(f"frame: over the limit of {MAX_FRAME_BYTES} bytes")
    try:
        frame = json.loads(text)
    except ValueError as exc:
        raise CommandRefused("bad_json", f"frame: not valid JSON ({exc})") from None
    if not isinstance(frame, dict):
        raise invalid("frame: must be a JSON object with id, type and data")
    frame_id = frame.get("id")
    if not isinstance(frame_id, str) or not 1 <= len(frame_id) <= MAX_ID_CHARS:
        raise invalid(f"id: must be text of 1 to {MAX_ID_CHARS} characters")
    kind = frame.get("type")
    data = frame.get("data", {})
    try:
        if not isinstance(kind, str):
            raise invalid("type: must be text naming a command")
        if not isinstance(data, dict):
            raise invalid("data: must be a JSON object")
    except CommandRefused as exc:
        raise FrameRefused(frame_id, exc) from None
    return ClientFrame(frame_id, kind, data)


class FrameRefused(Exception):
    """A refusal for a frame whose id we could read, so the error can name it."""

    def __init__(self, frame_id: str, refusal: CommandRefused):
        super().__init__(refusal.message)
        self.id = frame_id
        self.refusal = refusal


def run_command(participant: Participant, frame: ClientFrame) -> Event:
    """Check the command against its schema and the sender's role, then call its action."""
    command = COMMANDS.get(frame.type)
    if command is None:
        raise CommandRefused(
            "unknown_command",
            f"type: unknown command {frame.type!r} (known: {', '.join(COMMANDS)})",
        )
    if participant.role not in command.roles:
        raise forbidden(f"{frame.type}: not allowed for a {participant.role}")
    data = command.fields(frame.data)
    handler = HANDLERS[frame.type]
    return handler(participant, data, frame.id)


HANDLERS: dict[str, Any] = {
    "hotline.send": lambda p, d, cid: actions.do_send_hotline_message(
        p, d["hotline"], d["text"], cid
    ),
    "move.submit": lambda p, d, cid: actions.do_submit_move(p, d["text"], d["category"], cid),
    "inject.send": lambda p, d, cid: actions.do_send_inject(
        p,
        d["to"],
        d["title"],
        d["body"],
        method=d.get("method", "news"),
        sender=d.get("from", ""),
        client_id=cid,
    ),
    "clock.start": lambda p, d, cid: actions.do_start_clock(p, cid),
    "clock.pause": lambda p, d, cid: actions.do_pause_clock(p, d["reason"], cid),
    "clock.resume": lambda p, d, cid: actions.do_resume_clock(p, cid),
}


def _kind_name(kind) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "text", list: "a list", dict: "an object", int: "a number", bool: "true/false"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)
