"""Client → server commands: dispatch of a parsed frame to its declared command.

The declarations are in live/commands.py, parsing in live/frames.py; the contract is
docs/protocol.md (its tables are generated from the declarations). Error codes are stable.
"""

from __future__ import annotations

from wargame.game.errors import CommandRefused, forbidden
from wargame.game.models import Event, Participant
from wargame.live.commands import COMMANDS
from wargame.live.frames import ClientFrame, FrameRefused, parse_frame

__all__ = ["COMMANDS", "ClientFrame", "FrameRefused", "parse_frame", "run_command"]


def run_command(participant: Participant, frame: ClientFrame) -> Event:
    """Check the sender's role against the command's declaration, then call its action."""
    declared = COMMANDS.get(frame.type)
    if declared is None:  # parse_frame refuses these; a ClientFrame built elsewhere may not
        raise CommandRefused("unknown_command", f"type: unknown command {frame.type!r}")
    if participant.role not in declared.roles:
        raise forbidden(f"{frame.type}: not allowed for a {participant.role}")
    return frame.data.run(participant, frame.id)
