"""What players do besides the hotlines: submit moves."""

from __future__ import annotations

from wargame.game.actions.common import (
    append_by,
    choice,
    clean_text,
)
from wargame.game.errors import forbidden, invalid
from wargame.game.fields import MOVE_CATEGORIES
from wargame.game.limits import MAX_TEXT
from wargame.game.models import Event, Participant


def do_submit_move(
    participant: Participant,
    text: str,
    category: str,
    client_id: str | None = None,
    *,
    target: str | None = None,
) -> Event:
    if participant.role != Participant.Role.PLAYER:
        raise forbidden("move.submit: only players submit moves")
    data = {
        "text": clean_text(text, "text", MAX_TEXT),
        "category": choice(category, "category", MOVE_CATEGORIES),
        "team": participant.team_code,
        "from_name": participant.name,
    }
    if target:
        teams = [t.id for t in participant.exercise.scenario.spec.teams]
        if target not in teams or target == participant.team_code:
            others = ", ".join(t for t in teams if t != participant.team_code)
            raise invalid(f"target: must be another team ({others}), got {target!r}")
        data["target"] = target
    return append_by(participant, client_id, "move.submitted", data)
