"""Every state change of an exercise: validate (check_*), then append one event (do_*).

Views, consumers, commands and tasks parse input and call these; nothing else writes game state
or broadcasts. A refused command raises CommandRefused and persists nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from wargame.game import rules
from wargame.game.errors import conflict, forbidden, invalid, too_large
from wargame.game.log import append_event
from wargame.game.models import Event, Exercise, Participant, ScheduledInject, Team
from wargame.scenarios.models import Scenario
from wargame.scenarios.spec import METHODS

MAX_TEXT = 4000
MAX_TITLE = 200
MOVE_CATEGORIES = ("diplomatic", "military", "economic", "information", "legal")


# Creating and joining ------------------------------------------------------------------------


def do_create_exercise(scenario: Scenario, name: str = "") -> Exercise:
    spec = scenario.spec
    with transaction.atomic():
        exercise = Exercise.objects.create(
            scenario=scenario,
            name=name.strip() or spec.title,
            state=rules.initial_state(spec.time_compression),
        )
        Team.objects.bulk_create(
            Team(exercise=exercise, code=t.id, name=t.name, side=t.side) for t in spec.teams
        )
        ScheduledInject.objects.bulk_create(
            ScheduledInject(exercise=exercise, inject_id=i.id, due=i.at) for i in spec.msel
        )
        append_event(
            exercise.pk,
            "exercise.created",
            {"name": exercise.name, "scenario": scenario.slug, "version": scenario.source_sha256},
            rules.ALL,
        )
    exercise.refresh_from_db()
    return exercise


def do_join_team(team: Team, name: str) -> Participant:
    name = _text(name, "name", 80)
    with transaction.atomic():
        participant = Participant.objects.create(
            exercise_id=team.exercise_id, role=Participant.Role.PLAYER, team=team, name=name
        )
        append_event(
            team.exercise_id,
            "participant.joined",
            {"team": team.code, "name": name, "role": participant.role},
            [team.code],
            actor=participant,
        )
    return participant


def control_participant(exercise: Exercise, user) -> Participant | None:
    """The facilitator or observer identity of a logged-in user, creating a staff user's
    facilitator seat on first use (staff are facilitators of every exercise)."""
    seat = (
        Participant.objects.filter(exercise=exercise, user=user)
        .exclude(role=Participant.Role.PLAYER)
        .order_by("role")  # facilitator before observer
        .first()
    )
    if seat is not None or not user.is_staff:
        return seat
    try:
        with transaction.atomic():
            return Participant.objects.create(
                exercise=exercise,
                role=Participant.Role.FACILITATOR,
                user=user,
                name=user.get_full_name() or user.get_username(),
            )
    except IntegrityError:  # two tabs opened at once
        return Participant.objects.get(
            exercise=exercise, user=user, role=Participant.Role.FACILITATOR
        )


# Player commands -------------------------------------------------------------------------------


def do_send_hotline_message(
    participant: Participant, hotline: str, text: str, client_id: str | None = None
) -> Event:
    spec = participant.exercise.scenario.spec
    line = next((h for h in spec.hotlines if h.id == hotline), None)
    if line is None:
        raise invalid(f"hotline: no hotline '{hotline}' in this exercise")
    if not participant.is_control and participant.team_code not in line.members:
        raise forbidden(f"hotline: your team is not on hotline '{hotline}'")
    text = _text(text, "text", MAX_TEXT)
    data = {
        "hotline": hotline,
        "text": text,
        "from_team": participant.team_code,
        "from_name": participant.name,
    }
    return _append_once(participant, client_id, "hotline.message", data, list(line.members))


def do_submit_move(
    participant: Participant, text: str, category: str, client_id: str | None = None
) -> Event:
    if participant.role != Participant.Role.PLAYER:
        raise forbidden("move.submit: only players submit moves")
    if category not in MOVE_CATEGORIES:
        raise invalid(f"category: must be one of {', '.join(MOVE_CATEGORIES)}, got {category!r}")
    data = {
        "text": _text(text, "text", MAX_TEXT),
        "category": category,
        "team": participant.team_code,
        "from_name": participant.name,
    }
    return _append_once(participant, client_id, "move.submitted", data, [participant.team_code])


# Facilitator commands --------------------------------------------------------------------------


def do_send_inject(
    participant: Participant,
    to,
    title: str,
    body: str,
    *,
    method: str = "news",
    sender: str = "",
    client_id: str | None = None,
) -> Event:
    _require_facilitator(participant, "inject.send")
    team_codes = [t.id for t in participant.exercise.scenario.spec.teams]
    audience = _inject_audience(to, team_codes)
    if method not in METHODS:
        raise invalid(f"method: must be one of {', '.join(METHODS)}, got {method!r}")
    data = {
        "to": audience,
        "title": _text(title, "title", MAX_TITLE),
        "body": _text(body, "body", MAX_TEXT),
        "method": method,
        "from": _text(sender, "from", MAX_TITLE) if sender else "White cell",
    }
    return _append_once(participant, client_id, "inject.delivered", data, audience)


def do_start_clock(participant: Participant, client_id: str | None = None) -> Event:
    return _clock_event(participant, "clock.start", "clock.started", ("setup",), {}, client_id)


def do_pause_clock(participant: Participant, reason: str, client_id: str | None = None) -> Event:
    data = {"reason": _text(reason, "reason", MAX_TITLE)}
    return _clock_event(participant, "clock.pause", "clock.paused", ("running",), data, client_id)


def do_resume_clock(participant: Participant, client_id: str | None = None) -> Event:
    return _clock_event(participant, "clock.resume", "clock.resumed", ("paused",), {}, client_id)


def _clock_event(participant, command, event_type, allowed_from, data, client_id) -> Event:
    _require_facilitator(participant, command)

    def check(state: dict) -> None:
        if state["status"] not in allowed_from:
            raise conflict(
                f"{command}: the exercise is {state['status']}; "
                f"{command} needs it to be {' or '.join(allowed_from)}"
            )

    return _append_once(participant, client_id, event_type, data, rules.ALL, check=check)


# The game clock's tick -------------------------------------------------------------------------


def fire_due_injects(exercise_id: int, now=None) -> list[Event]:
    """Release every scripted inject whose game time has come, each exactly once.

    Safe to call concurrently from any number of processes: each inject is claimed with a
    conditional UPDATE in the same transaction as its event, so a second caller claims nothing.
    """
    now = now or timezone.now()
    exercise = Exercise.objects.select_related("scenario").get(pk=exercise_id)
    clock = rules.clock_from_json(exercise.state["clock"])
    if not clock.running:
        return []
    game_seconds = clock.game_seconds(now)
    due = list(
        ScheduledInject.objects.filter(
            exercise_id=exercise_id, state=ScheduledInject.State.SCHEDULED, due__lte=game_seconds
        ).order_by("due", "id")
    )
    scripted = {i.id: i for i in exercise.scenario.spec.msel}
    fired = []
    for item in due:
        inject = scripted[item.inject_id]
        try:
            fired.append(_release_scripted_inject(exercise_id, item, inject))
        except _ClockStopped:
            break
        except _AlreadyClaimed:
            continue
    return fired


def _release_scripted_inject(exercise_id: int, item: ScheduledInject, inject) -> Event:
    with transaction.atomic():
        claimed = ScheduledInject.objects.filter(
            pk=item.pk, state=ScheduledInject.State.SCHEDULED
        ).update(state=ScheduledInject.State.RELEASED)
        if not claimed:
            raise _AlreadyClaimed()
        audience = rules.ALL if inject.to is None else list(inject.to)
        event = append_event(
            exercise_id,
            "inject.delivered",
            {
                "to": audience,
                "title": inject.title,
                "body": inject.body,
                "method": inject.method,
                "from": inject.sender,
                "msel_id": inject.id,
                "due": inject.at,
            },
            audience,
            check=_must_be_running,
        )
        ScheduledInject.objects.filter(pk=item.pk).update(released_seq=event.seq)
    return event


def _must_be_running(state: dict) -> None:
    if state["status"] != "running":
        # Paused between our read and the lock: leave the inject for the next tick.
        raise _ClockStopped()


class _ClockStopped(Exception):
    pass


class _AlreadyClaimed(Exception):
    pass


def tick_running_exercises(now=None) -> int:
    """One tick of the game clock across every running exercise; returns injects fired."""
    fired = 0
    for exercise_id in Exercise.objects.filter(status=Exercise.Status.RUNNING).values_list(
        "pk", flat=True
    ):
        fired += len(fire_due_injects(exercise_id, now))
    return fired


# Helpers ---------------------------------------------------------------------------------------


def _append_once(
    participant: Participant,
    client_id: str | None,
    type: str,
    data: dict,
    audience,
    check: Callable[[dict], None] | None = None,
) -> Event:
    """Append an event the participant caused, unless they already used `client_id`: a repeated
    id returns the original event (safe retry after a dropped connection)."""
    if client_id:
        existing = _event_for_client_id(participant, client_id)
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return append_event(
                participant.exercise_id,
                type,
                data,
                audience,
                actor=participant,
                client_id=client_id,
                check=check,
            )
    except IntegrityError:
        # The same id raced in from another connection: the first insert won.
        existing = _event_for_client_id(participant, client_id) if client_id else None
        if existing is None:
            raise
        return existing


def _event_for_client_id(participant: Participant, client_id: str) -> Event | None:
    return Event.objects.filter(
        exercise_id=participant.exercise_id, actor=participant, client_id=client_id
    ).first()


def _require_facilitator(participant: Participant, command: str) -> None:
    if participant.role != Participant.Role.FACILITATOR:
        raise forbidden(f"{command}: only a facilitator may do this")


def _inject_audience(to, team_codes: list[str]):
    if to == rules.ALL:
        return rules.ALL
    if not isinstance(to, list) or not to or not all(isinstance(t, str) for t in to):
        raise invalid('to: must be "all" or a non-empty list of team ids')
    unknown = [t for t in to if t not in team_codes]
    if unknown:
        raise invalid(f"to: unknown team {unknown[0]!r} (teams are {', '.join(team_codes)})")
    return list(dict.fromkeys(to))


def _text(value, field: str, max_len: int) -> str:
    if not isinstance(value, str):
        raise invalid(f"{field}: must be text")
    value = value.strip()
    if not value:
        raise invalid(f"{field}: must not be empty")
    if len(value) > max_len:
        raise too_large(f"{field}: {len(value)} characters is over the limit of {max_len}")
    return value
