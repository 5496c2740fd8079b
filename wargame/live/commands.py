"""Every command a client can send, declared once: its name, who may send it, its fields with
their types and limits (the class), what it appends, and the action it calls (`run`).

Parsing and validation (live/frames.py), dispatch (live/protocol.py), the protocol's docs and
JSON Schema (live/protocol_docs.py) all come from these declarations. A new command is one
class here (see docs/architecture.md, "Adding a command or an event").
"""

from __future__ import annotations

from dataclasses import dataclass

from msgspec import UNSET, Struct, UnsetType, field

from wargame.game import actions, limits
from wargame.game.fields import (
    Audience,
    Category,
    Ident,
    Method,
    NoteTag,
    Seq,
    TeamId,
    Text,
    Title,
    Verdict,
    number,
)
from wargame.game.models import Event, Participant

PLAYER = (Participant.Role.PLAYER,)
FACILITATOR = (Participant.Role.FACILITATOR,)


class CommandData(Struct, forbid_unknown_fields=True, omit_defaults=True):
    """The `data` of a command. Fields that default to UNSET are optional."""

    def run(self, seat: Participant, client_id: str) -> Event:
        raise NotImplementedError


@dataclass(frozen=True)
class Command:
    name: str
    data: type[CommandData]
    roles: tuple[str, ...]
    appends: tuple[str, ...]
    doc: str


COMMANDS: dict[str, Command] = {}


def command(name: str, *, roles: tuple[str, ...], appends: tuple[str, ...]):
    def declare(cls: type[CommandData]) -> type[CommandData]:
        if name in COMMANDS:
            raise ValueError(f"command {name!r} is declared twice")
        doc = " ".join((cls.__doc__ or "").split())
        COMMANDS[name] = Command(name, cls, roles, appends, doc)
        return cls

    return declare


def given(value, default=None):
    """An optional field's value, or `default` when the client left it out."""
    return default if value is UNSET else value


# Players -----------------------------------------------------------------------------------------


@command("hotline.send", roles=PLAYER, appends=("hotline.message", "hotline.message_queued"))
class HotlineSendCommand(CommandData):
    """Your team must be on the hotline, and it must be up (and not frozen by a pause); on a
    delayed hotline the message is queued."""

    hotline: Ident
    text: Text

    def run(self, seat, client_id):
        return actions.do_send_hotline_message(seat, self.hotline, self.text, client_id)


@command("move.submit", roles=PLAYER, appends=("move.submitted",))
class MoveSubmitCommand(CommandData):
    """A move for the white cell to adjudicate; `target` is another team."""

    text: Text
    category: Category
    target: TeamId | UnsetType = UNSET

    def run(self, seat, client_id):
        return actions.do_submit_move(
            seat, self.text, self.category, client_id, target=given(self.target)
        )


# Facilitators: injects and the MSEL --------------------------------------------------------------


@command("inject.send", roles=FACILITATOR, appends=("inject.delivered",))
class InjectSendCommand(CommandData):
    """An ad-hoc inject; `from` is the simulated actor (default "White cell"), `method`
    defaults to news."""

    to: Audience
    title: Title
    body: Text
    method: Method | UnsetType = UNSET
    from_: Title | UnsetType = field(default=UNSET, name="from")

    def run(self, seat, client_id):
        return actions.do_send_inject(
            seat,
            self.to,
            self.title,
            self.body,
            method=given(self.method, "news"),
            sender=given(self.from_, ""),
            client_id=client_id,
        )


@command("msel.release", roles=FACILITATOR, appends=("inject.delivered",))
class MselReleaseCommand(CommandData):
    """Release a scripted inject now; it must be scheduled or held."""

    inject: Ident

    def run(self, seat, client_id):
        return actions.do_release_inject(seat, self.inject, client_id)


@command("msel.hold", roles=FACILITATOR, appends=("msel.held",))
class MselHoldCommand(CommandData):
    """Hold a scheduled inject: the clock will not release it."""

    inject: Ident

    def run(self, seat, client_id):
        return actions.do_hold_inject(seat, self.inject, client_id)


@command("msel.skip", roles=FACILITATOR, appends=("msel.skipped",))
class MselSkipCommand(CommandData):
    """Skip an inject that is scheduled or held."""

    inject: Ident

    def run(self, seat, client_id):
        return actions.do_skip_inject(seat, self.inject, client_id)


@command("msel.unskip", roles=FACILITATOR, appends=("msel.unskipped",))
class MselUnskipCommand(CommandData):
    """Schedule a skipped inject again: the clock releases it when it reaches its time, at the
    next tick if that time has passed."""

    inject: Ident

    def run(self, seat, client_id):
        return actions.do_unskip_inject(seat, self.inject, client_id)


@command("msel.edit", roles=FACILITATOR, appends=("msel.edited",))
class MselEditCommand(CommandData):
    """Edit in stride an inject not yet released: at least one of `title`, `body`, `to`."""

    inject: Ident
    title: Title | UnsetType = UNSET
    body: Text | UnsetType = UNSET
    to: Audience | UnsetType = UNSET

    def run(self, seat, client_id):
        changes = {k: v for k in ("title", "body", "to") if (v := getattr(self, k)) is not UNSET}
        return actions.do_edit_inject(seat, self.inject, changes, client_id)


# Facilitators: the clock and the moves (turns) ---------------------------------------------------


@command("clock.start", roles=FACILITATOR, appends=("clock.started",))
class ClockStartCommand(CommandData):
    """Start the game clock; the exercise must be in setup."""

    def run(self, seat, client_id):
        return actions.do_start_clock(seat, client_id)


@command("clock.pause", roles=FACILITATOR, appends=("clock.paused",))
class ClockPauseCommand(CommandData):
    """Pause a running game, with a reason; `max_minutes`: resume by itself after that long;
    `freeze_hotlines`: no hotline messages until it resumes."""

    reason: Title
    max_minutes: (
        number(limits.MIN_PAUSE_MINUTES, limits.MAX_PAUSE_MINUTES, "wall minutes") | UnsetType
    ) = UNSET
    freeze_hotlines: bool | UnsetType = UNSET

    def run(self, seat, client_id):
        return actions.do_pause_clock(
            seat,
            self.reason,
            client_id,
            max_minutes=given(self.max_minutes),
            freeze_hotlines=given(self.freeze_hotlines, False),
        )


@command("clock.resume", roles=FACILITATOR, appends=("clock.resumed",))
class ClockResumeCommand(CommandData):
    """Resume a paused game."""

    def run(self, seat, client_id):
        return actions.do_resume_clock(seat, client_id)


@command("clock.set_compression", roles=FACILITATOR, appends=("clock.compression_changed",))
class ClockSetCompressionCommand(CommandData):
    """Game seconds per wall second."""

    compression: number(limits.MIN_COMPRESSION, limits.MAX_COMPRESSION, "game s per wall s")

    def run(self, seat, client_id):
        return actions.do_set_compression(seat, self.compression, client_id)


@command("turn.advance", roles=FACILITATOR, appends=("turn.advanced",))
class TurnAdvanceCommand(CommandData):
    """Go to the scenario's next move (turn); there must be one."""

    def run(self, seat, client_id):
        return actions.do_advance_turn(seat, client_id)


# Facilitators: hotline control -------------------------------------------------------------------


@command("hotline.delay", roles=FACILITATOR, appends=("hotline.delay_set",))
class HotlineDelayCommand(CommandData):
    """Delay the hotline's messages by `minutes` of game time (0 ends the delay)."""

    hotline: Ident
    minutes: number(limits.MIN_DELAY_MINUTES, limits.MAX_DELAY_MINUTES, "game minutes")

    def run(self, seat, client_id):
        return actions.do_set_hotline_delay(seat, self.hotline, self.minutes, client_id)


@command("hotline.cut", roles=FACILITATOR, appends=("hotline.cut",))
class HotlineCutCommand(CommandData):
    """Take the hotline down; it must be up."""

    hotline: Ident

    def run(self, seat, client_id):
        return actions.do_cut_hotline(seat, self.hotline, client_id)


@command("hotline.restore", roles=FACILITATOR, appends=("hotline.restored",))
class HotlineRestoreCommand(CommandData):
    """Bring the hotline back up; it must be down."""

    hotline: Ident

    def run(self, seat, client_id):
        return actions.do_restore_hotline(seat, self.hotline, client_id)


@command("hotline.leak", roles=FACILITATOR, appends=("hotline.leaked",))
class HotlineLeakCommand(CommandData):
    """Leak a hotline message (`seq` of a hotline.message) to other teams."""

    seq: Seq
    to: Audience

    def run(self, seat, client_id):
        return actions.do_leak_message(seat, self.seq, self.to, client_id)


# Facilitators: adjudication and notes ------------------------------------------------------------


@command("move.adjudicate", roles=FACILITATOR, appends=("move.adjudicated",))
class MoveAdjudicateCommand(CommandData):
    """Judge a pending move (`move` is the seq of its move.submitted); `publish`: the outcome
    goes to everyone instead of the team."""

    move: Seq
    verdict: Verdict
    outcome: Text
    publish: bool | UnsetType = UNSET

    def run(self, seat, client_id):
        return actions.do_adjudicate_move(
            seat,
            self.move,
            self.verdict,
            self.outcome,
            publish=given(self.publish, False),
            client_id=client_id,
        )


@command("note.add", roles=FACILITATOR, appends=("note.added",))
class NoteAddCommand(CommandData):
    """A tagged note for the after-action review (control only)."""

    text: Text
    tag: NoteTag

    def run(self, seat, client_id):
        return actions.do_add_note(seat, self.text, self.tag, client_id)
