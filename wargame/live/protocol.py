"""Client → server commands: dispatch of a parsed frame to its declared command.

The declarations are in live/commands.py, parsing in live/frames.py; the contract is
docs/protocol.md (its tables are generated from the declarations). Error codes are stable.
"""

from __future__ import annotations

import msgspec

from wargame.game.actions import still_seated
from wargame.game.errors import CommandRefused, conflict, forbidden
from wargame.game.models import Event, Participant
from wargame.live.commands import COMMANDS
from wargame.live.frames import ClientFrame, FrameRefused, parse_frame

# The refusal after which the server closes the socket (4403): the seat is gone.
SEAT_WITHDRAWN = "seat_withdrawn"

__all__ = [
    "COMMANDS",
    "SEAT_WITHDRAWN",
    "ClientFrame",
    "FrameRefused",
    "parse_frame",
    "run_command",
]


def run_command(participant: Participant, frame: ClientFrame) -> Event:
    """Check the sender's role against the command's declaration, then call its action."""
    declared = COMMANDS.get(frame.type)
    if declared is None:  # parse_frame refuses these; a ClientFrame built elsewhere may not
        raise CommandRefused("unknown_command", f"type: unknown command {frame.type!r}")
    if not still_seated(participant):
        raise CommandRefused(
            SEAT_WITHDRAWN,
            f"{frame.type}: your {participant.role} seat was withdrawn (staff status removed "
            "or account deactivated); nothing was done",
        )
    if participant.role not in declared.roles:
        raise forbidden(f"{frame.type}: not allowed for a {participant.role}")
    event = frame.data.run(participant, frame.id)
    if getattr(event, "replayed", False):
        _same_command_or_refuse(declared, frame, event)
    return event


def _same_command_or_refuse(declared, frame: ClientFrame, event: Event) -> None:
    """A repeated id is acked with the first command's event only when this is that command
    sent again (a retry after a reconnect); an id reused for another command is refused, so
    that command is not silently dropped. "The same": an event of this command's types whose
    data agrees on every text, number and flag field the two share."""
    sent = msgspec.structs.asdict(frame.data)
    differs = event.type not in declared.appends or any(
        isinstance(value, str | int | float | bool)
        and name in event.data
        and _comparable(value) != _comparable(event.data[name])
        for name, value in sent.items()
    )
    if differs:
        raise conflict(
            f"id: {frame.id!r} was already used for another command (seq {event.seq}, "
            f"{event.type}); send this {frame.type} with a new id"
        )


def _comparable(value):
    return value.strip() if isinstance(value, str) else value
