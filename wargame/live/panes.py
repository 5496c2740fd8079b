"""The lists the pages show (panes), by which events belong in them: the welcome carries the
newest of each for a fresh page, and the history endpoint pages back through older ones.

The pages sort live events into the same panes with the same definitions (PANES, given to the
browser with json_script), so what a page loads and what it receives always agree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from wargame.game.log import event_to_wire
from wargame.game.models import Exercise, Participant
from wargame.game.queries import newest_visible
from wargame.live.broadcast import to_client_frame
from wargame.scenarios.spec import ScenarioSpec

RECENT = 50  # items per pane in the welcome
MAX_LIMIT = 200  # items per history request
MESSAGES = ("hotline.message", "hotline.message_queued")


@dataclass(frozen=True)
class Pane:
    """Events of these types (None: any), or of any type but `exclude`; with `key`, only those
    whose data[key] is the pane's argument (a hotline id, a team id)."""

    types: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    key: str | None = None


PANES = {
    # The console's "All traffic": everything the seat may see.
    "log": Pane(),
    # The team room's feed: everything but hotline messages and moves, which have their panes.
    "feed": Pane(exclude=(*MESSAGES, "move.submitted")),
    # The console's hotline traffic, every hotline.
    "traffic": Pane(types=MESSAGES),
    # "hotline:<id>": one hotline's messages (a team room's hotline pane).
    "hotline": Pane(types=MESSAGES, key="hotline"),
    # "moves": a team's moves and their adjudications (the team room's "Our moves"); a player's
    # own team, every team for control.
    "moves": Pane(types=("move.submitted", "move.adjudicated"), key="team"),
    # The console's notes for the after-action review.
    "notes": Pane(types=("note.added",)),
}


class PaneRefused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def panes_for(participant: Participant, spec: ScenarioSpec) -> list[str]:
    """The panes the seat's page shows, which the welcome fills."""
    if participant.is_control:
        return ["log", "traffic", "notes"]
    lines = [f"hotline:{h.id}" for h in spec.hotlines if participant.team_code in h.members]
    return ["feed", *lines, "moves"]


def resolve(name: str, participant: Participant, spec: ScenarioSpec) -> tuple[Pane, str | None]:
    """The pane called `name` and its argument, or PaneRefused (400 unknown, 403 not yours)."""
    kind, _, arg = name.partition(":")
    pane = PANES.get(kind)
    if pane is None or bool(arg) != (kind == "hotline"):
        raise PaneRefused(400, f"pane: unknown pane {name!r} (panes: {', '.join(names())})")
    if kind == "hotline":
        line = next((h for h in spec.hotlines if h.id == arg), None)
        if line is None:
            raise PaneRefused(400, f"pane: no hotline {arg!r} in this exercise")
        if not participant.is_control and participant.team_code not in line.members:
            raise PaneRefused(403, f"pane: your team is not on hotline {arg!r}")
    if kind == "moves":
        arg = None if participant.is_control else participant.team_code
    return pane, arg


def window(
    participant: Participant, spec: ScenarioSpec, name: str, *, before: int, limit: int = RECENT
) -> dict:
    """The newest `limit` events of the pane with seq < before, oldest first, and whether there
    are older ones: {"events": [frames], "more": bool}. One query."""
    pane, arg = resolve(name, participant, spec)
    events, more = newest_visible(
        participant.exercise_id,
        participant.role,
        participant.team_code,
        before=before,
        limit=limit,
        types=pane.types,
        exclude=pane.exclude,
        data={pane.key: arg} if pane.key and arg is not None else None,
    )
    return {"events": [to_client_frame(event_to_wire(e)) for e in events], "more": more}


def recent(participant: Participant, exercise: Exercise) -> dict:
    """Every pane of the seat's page, each with its newest events up to the exercise's last seq
    (so nothing in them can also arrive live)."""
    spec = exercise.scenario.spec
    return {
        name: window(participant, spec, name, before=exercise.last_seq + 1)
        for name in panes_for(participant, spec)
    }


def names() -> list[str]:
    return [f"{kind}:<id>" if kind == "hotline" else kind for kind in PANES]


def definitions() -> dict:
    """PANES for the browser (json_script): {kind: {"types", "exclude", "key"}}."""
    return {kind: asdict(pane) for kind, pane in PANES.items()}
