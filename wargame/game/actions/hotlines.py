"""Hotlines: players' messages, and the white cell's controls over them (delay, cut and
restore, leak a message to other teams)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from wargame.game import rules
from wargame.game.actions.common import (
    NotRunningNow,
    append_by,
    appends_by,
    clean_text,
    hotline_spec,
    logged_event,
    number,
    once,
    require_facilitator,
    still_running,
    team_audience,
)
from wargame.game.errors import conflict, forbidden
from wargame.game.limits import MAX_DELAY_MINUTES, MAX_TEXT, MIN_DELAY_MINUTES
from wargame.game.log import append_event
from wargame.game.models import DelayedMessage, Event, Exercise, Participant


def do_send_hotline_message(
    participant: Participant, hotline: str, text: str, client_id: str | None = None
) -> Event:
    line = hotline_spec(participant, hotline)
    if not participant.is_control and participant.team_code not in line.members:
        raise forbidden(f"hotline: your team is not on hotline '{hotline}'")
    data = {
        "hotline": hotline,
        "text": clean_text(text, "text", MAX_TEXT),
        "from_team": participant.team_code,
        "from_name": participant.name,
    }

    def decide(state: dict) -> dict | None:
        pause = state["pause"]
        if pause and pause["hotlines_frozen"]:
            raise conflict(f"hotline: hotlines are frozen during the pause ({pause['reason']})")
        status = rules.hotline_status(state, hotline)
        if status["cut"]:
            raise conflict(f"hotline: hotline '{hotline}' is down")
        if not status["delay"]:
            return None
        # Delayed: the sender sees it in transit; the tick delivers it when it is due.
        now_game = rules.clock_from_json(state["clock"]).game_seconds(timezone.now())
        return {
            "type": "hotline.message_queued",
            "data": {**data, "due": now_game + status["delay"] * 60, "delay": status["delay"]},
        }

    append, append_unlocked = appends_by(participant, client_id, "hotline.message", data, decide)

    def work() -> Event:
        event = append()
        if event.type == "hotline.message_queued":
            DelayedMessage.objects.create(
                exercise_id=participant.exercise_id, queued_seq=event.seq, due=event.data["due"]
            )
        return event

    # A message on a delayed line is queued with a DelayedMessage row in the same transaction,
    # so append_unlocked (which declines when `decide` replaces the event) leaves it to `work`.
    return once(participant, client_id, work, unlocked=append_unlocked)


def do_set_hotline_delay(
    participant: Participant, hotline: str, minutes: float, client_id: str | None = None
) -> Event:
    require_facilitator(participant, "hotline.delay")
    hotline_spec(participant, hotline)
    data = {
        "hotline": hotline,
        "minutes": number(minutes, "minutes", MIN_DELAY_MINUTES, MAX_DELAY_MINUTES),
    }
    return append_by(participant, client_id, "hotline.delay_set", data)


def do_cut_hotline(participant: Participant, hotline: str, client_id: str | None = None):
    return _cut_or_restore(participant, hotline, True, client_id)


def do_restore_hotline(participant: Participant, hotline: str, client_id: str | None = None):
    return _cut_or_restore(participant, hotline, False, client_id)


def _cut_or_restore(participant, hotline, cut: bool, client_id) -> Event:
    command = "hotline.cut" if cut else "hotline.restore"
    require_facilitator(participant, command)
    hotline_spec(participant, hotline)  # refuses an unknown hotline

    def check(state: dict) -> None:
        if rules.hotline_status(state, hotline)["cut"] == cut:
            raise conflict(f"{command}: hotline '{hotline}' is already {'down' if cut else 'up'}")

    event_type = "hotline.cut" if cut else "hotline.restored"
    # The hotline's teams see that it is down (or back); other teams do not learn it exists.
    return append_by(participant, client_id, event_type, {"hotline": hotline}, check=check)


def do_leak_message(participant: Participant, seq, to, client_id: str | None = None) -> Event:
    require_facilitator(participant, "hotline.leak")
    message = logged_event(participant, seq, "hotline.message", "seq", "hotline message")
    audience = team_audience(to, participant)
    data = {
        "to": audience,
        "original_seq": seq,
        **{k: message.data[k] for k in ("hotline", "text", "from_team", "from_name")},
    }
    return append_by(participant, client_id, "hotline.leaked", data)


def deliver_due_messages(exercise_id: int, now=None) -> list[Event]:
    """Deliver delayed hotline messages whose game time has come, each exactly once."""
    exercise = Exercise.objects.select_related("scenario").get(pk=exercise_id)
    clock = rules.clock_from_json(exercise.state["clock"])
    if not clock.running:
        return []  # a pause holds delayed messages as it holds injects, until resume
    due = DelayedMessage.objects.filter(
        exercise_id=exercise_id, delivered=False, due__lte=clock.game_seconds(now or timezone.now())
    ).order_by("due", "queued_seq")
    delivered = []
    for row in due:
        try:
            with transaction.atomic():
                claimed = DelayedMessage.objects.filter(pk=row.pk, delivered=False)
                if not claimed.update(delivered=True):
                    continue
                queued = Event.objects.get(exercise_id=exercise_id, seq=row.queued_seq)
                data = {k: queued.data[k] for k in ("hotline", "text", "from_team", "from_name")}
                data.update(queued_seq=row.queued_seq, delay=queued.data["delay"])
                delivered.append(
                    append_event(
                        exercise_id,
                        "hotline.message",
                        data,
                        spec=exercise.scenario.spec,
                        actor=queued.actor,
                        check=still_running,  # paused since the read: the claim rolls back
                    )
                )
        except NotRunningNow:
            break
    return delivered
