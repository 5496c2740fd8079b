"""Client → server commands: frame parsing, field schemas and dispatch to action functions.

The contract is docs/protocol.md; error codes are stable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from wargame.game import actions
from wargame.game.errors import CommandRefused, forbidden, invalid, too_large
from wargame.game.limits import MAX_FRAME_BYTES, MAX_ID_CHARS
from wargame.game.models import Event, Participant

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
            kinds = kind if isinstance(kind, tuple) else (kind,)
            # JSON true/false are not numbers, though Python's bool is an int.
            if not isinstance(value, kind) or (isinstance(value, bool) and bool not in kinds):
                raise invalid(f"data.{name}: must be {_kind_name(kind)}")
        return data


NUMBER = (int, float)
AUDIENCE = (str, list)
INJECT = {"inject": str}
HOTLINE = {"hotline": str}

COMMANDS: dict[str, Command] = {
    # Players
    "hotline.send": Command(PLAYER, {"hotline": str, "text": str}, {}),
    "move.submit": Command(PLAYER, {"text": str, "category": str}, {"target": str}),
    # Facilitators: injects and the MSEL
    "inject.send": Command(
        FACILITATOR, {"to": AUDIENCE, "title": str, "body": str}, {"method": str, "from": str}
    ),
    "msel.release": Command(FACILITATOR, INJECT, {}),
    "msel.hold": Command(FACILITATOR, INJECT, {}),
    "msel.skip": Command(FACILITATOR, INJECT, {}),
    "msel.edit": Command(FACILITATOR, INJECT, {"title": str, "body": str, "to": AUDIENCE}),
    # Facilitators: the clock and the moves (turns)
    "clock.start": Command(FACILITATOR, {}, {}),
    "clock.pause": Command(
        FACILITATOR, {"reason": str}, {"max_minutes": NUMBER, "freeze_hotlines": bool}
    ),
    "clock.resume": Command(FACILITATOR, {}, {}),
    "clock.set_compression": Command(FACILITATOR, {"compression": NUMBER}, {}),
    "turn.advance": Command(FACILITATOR, {}, {}),
    # Facilitators: hotline control
    "hotline.delay": Command(FACILITATOR, {**HOTLINE, "minutes": NUMBER}, {}),
    "hotline.cut": Command(FACILITATOR, HOTLINE, {}),
    "hotline.restore": Command(FACILITATOR, HOTLINE, {}),
    "hotline.leak": Command(FACILITATOR, {"seq": int, "to": AUDIENCE}, {}),
    # Facilitators: adjudication and notes
    "move.adjudicate": Command(
        FACILITATOR, {"move": int, "verdict": str, "outcome": str}, {"publish": bool}
    ),
    "note.add": Command(FACILITATOR, {"text": str, "tag": str}, {}),
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
    "move.submit": lambda p, d, cid: actions.do_submit_move(
        p, d["text"], d["category"], cid, target=d.get("target")
    ),
    "inject.send": lambda p, d, cid: actions.do_send_inject(
        p,
        d["to"],
        d["title"],
        d["body"],
        method=d.get("method", "news"),
        sender=d.get("from", ""),
        client_id=cid,
    ),
    "msel.release": lambda p, d, cid: actions.do_release_inject(p, d["inject"], cid),
    "msel.hold": lambda p, d, cid: actions.do_hold_inject(p, d["inject"], cid),
    "msel.skip": lambda p, d, cid: actions.do_skip_inject(p, d["inject"], cid),
    "msel.edit": lambda p, d, cid: actions.do_edit_inject(
        p, d["inject"], {k: v for k, v in d.items() if k != "inject"}, cid
    ),
    "clock.start": lambda p, d, cid: actions.do_start_clock(p, cid),
    "clock.pause": lambda p, d, cid: actions.do_pause_clock(
        p,
        d["reason"],
        cid,
        max_minutes=d.get("max_minutes"),
        freeze_hotlines=d.get("freeze_hotlines", False),
    ),
    "clock.resume": lambda p, d, cid: actions.do_resume_clock(p, cid),
    "clock.set_compression": lambda p, d, cid: actions.do_set_compression(p, d["compression"], cid),
    "turn.advance": lambda p, d, cid: actions.do_advance_turn(p, cid),
    "hotline.delay": lambda p, d, cid: actions.do_set_hotline_delay(
        p, d["hotline"], d["minutes"], cid
    ),
    "hotline.cut": lambda p, d, cid: actions.do_cut_hotline(p, d["hotline"], cid),
    "hotline.restore": lambda p, d, cid: actions.do_restore_hotline(p, d["hotline"], cid),
    "hotline.leak": lambda p, d, cid: actions.do_leak_message(p, d["seq"], d["to"], cid),
    "move.adjudicate": lambda p, d, cid: actions.do_adjudicate_move(
        p, d["move"], d["verdict"], d["outcome"], publish=d.get("publish", False), client_id=cid
    ),
    "note.add": lambda p, d, cid: actions.do_add_note(p, d["text"], d["tag"], cid),
}


def _kind_name(kind) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if set(kinds) == {int, float}:
        return "a number"
    names = {
        str: "text",
        list: "a list",
        dict: "an object",
        int: "a whole number",
        float: "a number",
        bool: "true/false",
    }
    return " or ".join(names.get(k, k.__name__) for k in kinds)
