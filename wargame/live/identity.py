"""Who is on the other end of a request or socket: their seat (Participant) in an exercise."""

from __future__ import annotations

from wargame.game.actions import control_participant
from wargame.game.models import Exercise, Participant

SESSION_KEY = "wargame_seats"  # {exercise id: participant id} for players who joined by code


def participant_for_session(session, user, exercise_id: int) -> Participant | None:
    exercise = Exercise.objects.select_related("scenario").filter(pk=exercise_id).first()
    if exercise is None:
        return None
    seat = None
    if user is not None and user.is_authenticated:
        seat = control_participant(exercise, user)
    if seat is None:
        seat_id = (session.get(SESSION_KEY) or {}).get(str(exercise_id))
        if seat_id is not None:
            seat = (
                Participant.objects.select_related("team")
                .filter(pk=seat_id, exercise=exercise, role=Participant.Role.PLAYER)
                .first()
            )
    if seat is not None:
        seat.exercise = exercise  # share the loaded scenario spec
    return seat


def participant_for_scope(scope, exercise_id: int) -> Participant | None:
    return participant_for_session(scope["session"], scope.get("user"), exercise_id)


def remember_seat(session, participant: Participant) -> None:
    seats = dict(session.get(SESSION_KEY) or {})
    seats[str(participant.exercise_id)] = participant.pk
    session[SESSION_KEY] = seats
