"""The white cell's judgement: adjudicating moves, notes for the after-action review, and
advancing the game's moves (turns)."""

from __future__ import annotations

from wargame.game.actions.common import (
    append_by,
    choice,
    clean_text,
    logged_event,
    require_facilitator,
)
from wargame.game.errors import conflict
from wargame.game.fields import NOTE_TAGS, VERDICTS
from wargame.game.limits import MAX_TEXT
from wargame.game.models import Event, Participant


def do_adjudicate_move(
    participant: Participant,
    move: int,
    verdict: str,
    outcome: str,
    *,
    publish: bool = False,
    client_id: str | None = None,
) -> Event:
    """Accept, modify or reject a move; the outcome goes back to the team (or to everyone)."""
    require_facilitator(participant, "move.adjudicate")
    submitted = logged_event(participant, move, "move.submitted", "move", "move")
    data = {
        "move": move,
        "team": submitted.data["team"],
        "category": submitted.data["category"],
        "text": submitted.data["text"],
        "verdict": choice(verdict, "verdict", VERDICTS),
        "outcome": clean_text(outcome, "outcome", MAX_TEXT),
        "published": bool(publish),
    }

    def check(state: dict) -> None:
        status = state["moves"][str(move)]["status"]
        if status != "pending":
            raise conflict(f"move.adjudicate: move {move} was already {status}")

    return append_by(participant, client_id, "move.adjudicated", data, check=check)


def do_add_note(
    participant: Participant, text: str, tag: str, client_id: str | None = None
) -> Event:
    """A facilitator's time-stamped, tagged note, kept in the log for the after-action review."""
    require_facilitator(participant, "note.add")
    data = {
        "text": clean_text(text, "text", MAX_TEXT),
        "tag": choice(tag, "tag", NOTE_TAGS),
        "by": participant.name,
    }
    return append_by(participant, client_id, "note.added", data)


def do_advance_turn(participant: Participant, client_id: str | None = None) -> Event:
    """Move the game to the scenario's next move (turn); everyone sees the current one."""
    require_facilitator(participant, "turn.advance")
    moves = participant.exercise.scenario.spec.moves
    if not moves:
        raise conflict("turn.advance: this scenario defines no moves")

    def next_turn(state: dict) -> dict:
        index = state["turn"]["index"] + 1 if state["turn"] else 0
        if index >= len(moves):
            raise conflict(f"turn.advance: already at the last move ({moves[-1].title})")
        move = moves[index]
        return {
            "data": {"index": index, "id": move.id, "title": move.title, "summary": move.summary}
        }

    return append_by(participant, client_id, "turn.advanced", {}, check=next_turn)
