"""What a participant may see on (re)connect: the visible state, and either the newest items of
each pane of their page (a fresh page) or the events they missed (a resume)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from wargame.game import rules
from wargame.game.log import event_to_wire
from wargame.game.models import Exercise, Participant, ScheduledInject
from wargame.game.queries import events_by_seq, visible_events
from wargame.live import panes, presence
from wargame.live.broadcast import to_client_frame


def participant_view(participant: Participant) -> dict:
    return {"role": participant.role, "team": participant.team_code, "name": participant.name}


def visible_state(exercise: Exercise, participant: Participant) -> dict:
    spec = exercise.scenario.spec
    world = exercise.state
    clock = rules.clock_from_json(world["clock"])
    now = timezone.now()
    team = participant.team_code
    control = participant.is_control
    state = {
        "exercise": {
            "id": exercise.pk,
            "name": exercise.name,
            "scenario": exercise.scenario.slug,
            "title": spec.title,
        },
        "status": world["status"],
        "pause": world["pause"],
        "clock": {
            **world["clock"],
            "game_seconds": clock.game_seconds(now),
            "scenario_start": spec.start.isoformat(),
            "server_time": now.isoformat(),
        },
        "situation": spec.situation,
        "teams": [{"id": t.id, "name": t.name, "side": t.side} for t in spec.teams],
        "hotlines": [
            {
                "id": h.id,
                "name": h.name,
                "members": list(h.members),
                "cut": rules.hotline_status(world, h.id)["cut"],
                **({"delay": rules.hotline_status(world, h.id)["delay"]} if control else {}),
            }
            for h in spec.hotlines
            if control or team in h.members
        ],
        "briefing": spec.team(team).briefing if team else None,
        "turn": world["turn"],
    }
    if control:
        state["moves"] = [{"id": m.id, "title": m.title, "summary": m.summary} for m in spec.moves]
        state["msel"] = _msel(exercise, spec)
        state["online"] = presence.online(exercise.pk)
        state["queue"] = _queue(exercise)
    return state


def _queue(exercise: Exercise) -> list[dict]:
    """The moves waiting for adjudication (from the reducer's state), as their move.submitted
    frames, oldest first: complete, however long the log."""
    moves = exercise.state["moves"]
    pending = [int(seq) for seq, move in moves.items() if move["status"] == "pending"]
    if not pending:
        return []
    return [to_client_frame(event_to_wire(e)) for e in events_by_seq(exercise.pk, pending)]


def _msel(exercise: Exercise, spec) -> list[dict]:
    rows = {r.inject_id: r for r in ScheduledInject.objects.filter(exercise=exercise)}
    entries = []
    for i in spec.msel:
        override = rows[i.id].override if i.id in rows else {}
        entries.append(
            {
                "id": i.id,
                "at": i.at,
                "to": override.get("to", rules.ALL if i.to is None else list(i.to)),
                "title": override.get("title", i.title),
                "body": override.get("body", i.body),
                "method": i.method,
                "from": i.sender,
                "expected_action": i.expected_action,
                "state": rules.msel_state(exercise.state, i.id),
                "edited": bool(override),
            }
        )
    return entries


def welcome_frame(exercise_id: int, participant: Participant, *, fresh: bool) -> dict:
    """The welcome frame; for a fresh page (no `since`) it also carries the newest items of
    each of the page's panes (`recent`), so the page never replays the log."""
    with transaction.atomic():
        exercise = Exercise.objects.select_related("scenario").get(pk=exercise_id)
        welcome = {
            "type": "welcome",
            "last_seq": exercise.last_seq,
            "you": participant_view(participant),
            "state": visible_state(exercise, participant),
        }
        if fresh:
            welcome["recent"] = panes.recent(participant, exercise)
    return welcome


def welcome_and_backlog(
    exercise_id: int, participant: Participant, since: int | None
) -> tuple[dict, list[dict]]:
    """The welcome frame and, with `since`, every visible event after it up to the welcome's
    last_seq, as frames (the socket reads the same backlog through live/backlog.py, shared)."""
    welcome = welcome_frame(exercise_id, participant, fresh=since is None)
    if since is None:
        return welcome, []
    return welcome, events_between(exercise_id, participant, since, welcome["last_seq"])


def events_between(exercise_id: int, participant: Participant, after: int, upto: int) -> list:
    """Wire frames of the events after..upto (inclusive) that the participant may see."""
    seen = visible_events(exercise_id, participant.role, participant.team_code, after, upto)
    return [to_client_frame(event_to_wire(e)) for e in seen]
