"""What every action shares: idempotent appends, role checks, and text and audience checks."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.db import IntegrityError, transaction

from wargame.game import rules
from wargame.game.errors import CommandRefused, forbidden, invalid, too_large
from wargame.game.log import append_event, append_unlocked
from wargame.game.models import Event, Participant
from wargame.scenarios.spec import HotlineSpec


def once(
    participant: Participant,
    client_id: str | None,
    work: Callable[[], Event],
    *,
    unlocked: Callable[[], Event | None] | None = None,
) -> Event:
    """Run `work` (which appends one event) in a transaction, unless this participant already
    used `client_id`: a repeated id returns the original event, so retrying is always safe.
    `unlocked`, if given, is tried first: the same append as one statement (log.append_unlocked),
    returning None when it cannot be done that way.

    The id is looked up only when the append fails (the unique constraint on the client id, or
    a refusal such as "already started" that a first success would explain): the common case
    costs no extra query. An event returned for a repeated id has `replayed` set."""
    try:
        event = unlocked() if unlocked is not None else None
        if event is None:
            with transaction.atomic():
                event = work()
        return event
    except (IntegrityError, CommandRefused):
        existing = _event_for_client_id(participant, client_id) if client_id else None
        if existing is None:
            raise
        existing.replayed = True  # not appended now: the caller may check it answers the same
        return existing


def append_by(
    participant: Participant,
    client_id: str | None,
    type: str,
    data: dict,
    check: Callable[[dict], dict | None] | None = None,
) -> Event:
    """Append an event the participant caused, once per client id."""
    locked, unlocked = appends_by(participant, client_id, type, data, check)
    return once(participant, client_id, locked, unlocked=unlocked)


def appends_by(
    participant: Participant,
    client_id: str | None,
    type: str,
    data: dict,
    check: Callable[[dict], dict | None] | None = None,
) -> tuple[Callable[[], Event], Callable[[], Event | None]]:
    """The same append both ways, for `once`: under the row lock (log.append_event) and in one
    statement (log.append_unlocked)."""
    args = (participant.exercise_id, type, data)
    options = {
        "spec": participant.exercise.scenario.spec,
        "actor": participant,
        "client_id": client_id,
        "check": check,
    }
    return partial(append_event, *args, **options), partial(append_unlocked, *args, **options)


def _event_for_client_id(participant: Participant, client_id: str) -> Event | None:
    return Event.objects.filter(
        exercise_id=participant.exercise_id, actor=participant, client_id=client_id
    ).first()


class NotRunningNow(Exception):
    """Raised by `still_running` under the exercise's lock: the clock stopped since it was read."""


def still_running(state: dict) -> None:
    """An append's check for timed work (due injects, delayed messages): the exercise was
    running when the work was found due, but a pause may have committed between that read and
    the lock; then nothing is appended and the work waits for the clock to run again."""
    if state["status"] != "running":
        raise NotRunningNow()


def require_facilitator(participant: Participant, command: str) -> None:
    if participant.role != Participant.Role.FACILITATOR:
        raise forbidden(f"{command}: only a facilitator may do this")


def clean_text(value, field: str, max_len: int) -> str:
    if not isinstance(value, str):
        raise invalid(f"{field}: must be text")
    value = value.strip()
    if not value:
        raise invalid(f"{field}: must not be empty")
    if len(value) > max_len:
        raise too_large(f"{field}: {len(value)} characters is over the limit of {max_len}")
    return value


def choice(value, field: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise invalid(f"{field}: must be one of {', '.join(choices)}, got {value!r}")
    return value


def number(value, field: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise invalid(f"{field}: must be a number from {low:g} to {high:g}, got {value!r}")
    return value


def team_audience(to, participant: Participant, field: str = "to"):
    """ "all", or the de-duplicated list of existing team ids."""
    team_codes = [t.id for t in participant.exercise.scenario.spec.teams]
    if to == rules.ALL:
        return rules.ALL
    if not isinstance(to, list) or not to or not all(isinstance(t, str) for t in to):
        raise invalid(f'{field}: must be "all" or a non-empty list of team ids')
    unknown = [t for t in to if t not in team_codes]
    if unknown:
        raise invalid(f"{field}: unknown team {unknown[0]!r} (teams are {', '.join(team_codes)})")
    return list(dict.fromkeys(to))


def logged_event(participant: Participant, seq, type: str, field: str, what: str) -> Event:
    """The event of `type` with this seq in the participant's exercise, or an `invalid`
    refusal naming the field (a move to adjudicate, a message to leak)."""
    if isinstance(seq, bool) or not isinstance(seq, int):
        raise invalid(f"{field}: must be the seq of {what}")
    event = Event.objects.filter(exercise_id=participant.exercise_id, seq=seq, type=type).first()
    if event is None:
        raise invalid(f"{field}: no {what} with seq {seq} in this exercise")
    return event


def hotline_spec(participant: Participant, hotline: str) -> HotlineSpec:
    line = next((h for h in participant.exercise.scenario.spec.hotlines if h.id == hotline), None)
    if line is None:
        raise invalid(f"hotline: no hotline '{hotline}' in this exercise")
    return line
