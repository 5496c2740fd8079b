"""Creating exercises, joining teams, and facilitator seats."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q

from wargame.game import rules
from wargame.game.actions.common import clean_text
from wargame.game.errors import invalid
from wargame.game.limits import MAX_NAME
from wargame.game.log import append_event
from wargame.game.models import Exercise, Participant, ScheduledInject, Team
from wargame.scenarios.models import Scenario


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
        )
    exercise.refresh_from_db()
    return exercise


def do_join_team(team: Team, name: str) -> Participant:
    name = clean_text(name, "name", MAX_NAME)
    with transaction.atomic():
        participant = Participant.objects.create(
            exercise_id=team.exercise_id, role=Participant.Role.PLAYER, team=team, name=name
        )
        append_event(
            team.exercise_id,
            "participant.joined",
            {"team": team.code, "name": name, "role": participant.role},
            actor=participant,
        )
    return participant


def do_seat_control(exercise: Exercise, user, role: str, name: str = "") -> Participant:
    """Give a user a facilitator or observer seat in an exercise, logged as participant.joined
    (to control only). The admin and the console seat people through here."""
    if role not in (Participant.Role.FACILITATOR, Participant.Role.OBSERVER):
        raise invalid(f"role: must be facilitator or observer, got {role!r}")
    name = clean_text(name or user.get_full_name() or user.get_username(), "name", MAX_NAME)
    with transaction.atomic():
        participant = Participant.objects.create(exercise=exercise, role=role, user=user, name=name)
        append_event(
            exercise.pk,
            "participant.joined",
            {"team": None, "name": name, "role": role},
            actor=participant,
        )
    return participant


def _valid_control_seats():
    """Control seats whose user may use them now: a facilitator seat while its user is active
    staff, an observer seat while its user is active. Losing staff status or being
    deactivated ends a seat at once, however long ago it was created."""
    return Participant.objects.filter(user__is_active=True).filter(
        Q(role=Participant.Role.OBSERVER)
        | Q(role=Participant.Role.FACILITATOR, user__is_staff=True)
    )


def control_participant(exercise: Exercise, user) -> Participant | None:
    """The facilitator or observer seat of a logged-in user that is valid now, creating a
    staff user's facilitator seat on first use (staff are facilitators of every exercise)."""
    seat = (
        _valid_control_seats()
        .filter(exercise=exercise, user=user)
        .order_by("role")  # facilitator before observer
        .first()
    )
    if seat is not None or not (user.is_staff and user.is_active):
        return seat
    try:
        return do_seat_control(exercise, user, Participant.Role.FACILITATOR)
    except IntegrityError:  # two tabs opened at once
        return Participant.objects.get(
            exercise=exercise, user=user, role=Participant.Role.FACILITATOR
        )


def still_seated(participant: Participant) -> bool:
    """Whether a control seat is still valid (read fresh: an open socket asks before each
    command, so a withdrawal takes effect at the next one). Player seats always are."""
    if not participant.is_control:
        return True
    return _valid_control_seats().filter(pk=participant.pk).exists()
