"""Injects: ad-hoc ones from the white cell, and the MSEL's scripted ones (released by the
game clock or by hand, held, skipped and unskipped, or edited in stride before release)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from wargame.game import rules
from wargame.game.actions.common import (
    NotRunningNow,
    append_by,
    choice,
    clean_text,
    once,
    require_facilitator,
    still_running,
    team_audience,
)
from wargame.game.errors import conflict, invalid
from wargame.game.limits import MAX_TEXT, MAX_TITLE
from wargame.game.log import append_event
from wargame.game.models import Event, Exercise, Participant, ScheduledInject
from wargame.scenarios.spec import METHODS, InjectSpec

S = ScheduledInject.State
NOT_YET_RELEASED = (S.SCHEDULED, S.HELD)


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
    require_facilitator(participant, "inject.send")
    audience = team_audience(to, participant)
    data = {
        "to": audience,
        "title": clean_text(title, "title", MAX_TITLE),
        "body": clean_text(body, "body", MAX_TEXT),
        "method": choice(method, "method", METHODS),
        "from": clean_text(sender, "from", MAX_TITLE) if sender else "White cell",
    }
    return append_by(participant, client_id, "inject.delivered", data)


# Scripted injects: the facilitator's hand -------------------------------------------------------


def do_release_inject(participant: Participant, inject: str, client_id: str | None = None):
    require_facilitator(participant, "msel.release")
    spec, row = _scripted(participant, inject)
    return once(
        participant,
        client_id,
        lambda: _release(row, spec, NOT_YET_RELEASED, actor=participant, client_id=client_id),
    )


def do_hold_inject(participant: Participant, inject: str, client_id: str | None = None):
    return _change_state(
        participant, "msel.hold", "msel.held", inject, (S.SCHEDULED,), S.HELD, client_id
    )


def do_skip_inject(participant: Participant, inject: str, client_id: str | None = None):
    return _change_state(
        participant, "msel.skip", "msel.skipped", inject, NOT_YET_RELEASED, S.SKIPPED, client_id
    )


def do_unskip_inject(participant: Participant, inject: str, client_id: str | None = None):
    """Undo a skip: the inject is scheduled again. The clock's next tick releases it if its
    time has passed (a facilitator who unskips a past-due inject usually wants it now); to keep
    it back, pause, unskip and hold it (nothing fires during a pause)."""
    return _change_state(
        participant, "msel.unskip", "msel.unskipped", inject, (S.SKIPPED,), S.SCHEDULED, client_id
    )


def do_edit_inject(
    participant: Participant, inject: str, changes: dict, client_id: str | None = None
) -> Event:
    """Edit in stride: the text the teams will get; the original stays in the snapshot."""
    require_facilitator(participant, "msel.edit")
    spec, row = _scripted(participant, inject)
    edited = {}
    if "title" in changes:
        edited["title"] = clean_text(changes["title"], "title", MAX_TITLE)
    if "body" in changes:
        edited["body"] = clean_text(changes["body"], "body", MAX_TEXT)
    if "to" in changes:
        edited["to"] = team_audience(changes["to"], participant)
    if not edited:
        raise invalid("data: give at least one of title, body, to")
    original = {"title": spec.title, "body": spec.body, "to": _spec_audience(spec)}

    def work() -> Event:
        override = {**row.override, **edited}
        updated = ScheduledInject.objects.filter(pk=row.pk, state__in=NOT_YET_RELEASED).update(
            override=override
        )
        if not updated:
            raise conflict(f"msel.edit: inject {inject} was already released or skipped")
        data = {"inject": inject, "changes": edited, "original": original}
        return append_event(
            participant.exercise_id,
            "msel.edited",
            data,
            actor=participant,
            client_id=client_id,
        )

    return once(participant, client_id, work)


def _change_state(participant, command, event_type, inject, allowed, to_state, client_id):
    require_facilitator(participant, command)
    _, row = _scripted(participant, inject)

    def work() -> Event:
        claimed = ScheduledInject.objects.filter(pk=row.pk, state__in=allowed).update(
            state=to_state
        )
        if not claimed:
            current = ScheduledInject.objects.get(pk=row.pk).state
            raise conflict(f"{command}: inject {inject} is {current}")
        return append_event(
            participant.exercise_id,
            event_type,
            {"inject": inject},
            actor=participant,
            client_id=client_id,
        )

    return once(participant, client_id, work)


def _scripted(participant: Participant, inject: str) -> tuple[InjectSpec, ScheduledInject]:
    spec = next((i for i in participant.exercise.scenario.spec.msel if i.id == inject), None)
    row = ScheduledInject.objects.filter(exercise_id=participant.exercise_id, inject_id=inject)
    if spec is None or not row.exists():
        raise invalid(f"inject: no inject '{inject}' in this exercise's MSEL")
    return spec, row.get()


# Scripted injects: the game clock -----------------------------------------------------------------


def fire_due_injects(exercise_id: int, now=None) -> list[Event]:
    """Release every scheduled inject whose game time has come, each exactly once.

    Safe to call concurrently from any number of processes: each inject is claimed with a
    conditional UPDATE in the same transaction as its event, so a second caller claims nothing.
    """
    now = now or timezone.now()
    exercise = Exercise.objects.select_related("scenario").get(pk=exercise_id)
    clock = rules.clock_from_json(exercise.state["clock"])
    if not clock.running:
        return []
    due = ScheduledInject.objects.filter(
        exercise_id=exercise_id, state=S.SCHEDULED, due__lte=clock.game_seconds(now)
    ).order_by("due", "id")
    scripted = {i.id: i for i in exercise.scenario.spec.msel}
    fired = []
    for row in due:
        try:
            with transaction.atomic():
                fired.append(
                    _release(row, scripted[row.inject_id], (S.SCHEDULED,), check=still_running)
                )
        except NotRunningNow:
            break
        except _AlreadyClaimed:
            continue
    return fired


def _release(row, spec: InjectSpec, allowed, *, actor=None, client_id=None, check=None) -> Event:
    """Claim the row and deliver the inject, with any edits made in stride. In a transaction."""
    claimed = ScheduledInject.objects.filter(pk=row.pk, state__in=allowed).update(state=S.RELEASED)
    if not claimed:
        if actor is None:
            raise _AlreadyClaimed()
        current = ScheduledInject.objects.get(pk=row.pk).state
        raise conflict(f"msel.release: inject {row.inject_id} is {current}")
    override = ScheduledInject.objects.get(pk=row.pk).override  # fresh: edits may be newer
    audience = override.get("to", _spec_audience(spec))
    data = {
        "to": audience,
        "title": override.get("title", spec.title),
        "body": override.get("body", spec.body),
        "method": spec.method,
        "from": spec.sender,
        "msel_id": spec.id,
        "due": spec.at,
        "edited": bool(override),
    }
    return append_event(
        row.exercise_id,
        "inject.delivered",
        data,
        actor=actor,
        client_id=client_id,
        check=check,
    )


def _spec_audience(spec: InjectSpec):
    return rules.ALL if spec.to is None else list(spec.to)


class _AlreadyClaimed(Exception):
    pass
