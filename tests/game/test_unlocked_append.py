"""The one-statement append (log.append_unlocked): it decides on the state a process saw last,
so it must never append what the current state forbids, and it must give exactly the event,
seq and broadcast the locked append would."""

import threading

import pytest
from django.db import connection

from tests.conftest import on_postgres
from tests.game.test_concurrency import run_in_threads
from wargame.game import actions, log, rules
from wargame.game.errors import CommandRefused
from wargame.game.models import Event, Exercise, Participant

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not on_postgres(), reason="SQLite always takes the locked path"),
]


def message(text: str) -> dict:
    return {"hotline": "acm", "text": text, "from_team": "USA", "from_name": "Alice"}


def test_a_plain_message_is_appended_in_one_statement_without_the_lock(exercise, alice):
    log._seen_states.pop(exercise.pk, None)
    exercise.refresh_from_db()
    last = exercise.last_seq
    spec = exercise.scenario.spec
    first = log.append_unlocked(exercise.pk, "hotline.message", message("hi"), spec=spec)
    second = log.append_unlocked(exercise.pk, "hotline.message", message("again"), spec=spec)
    assert (first.seq, second.seq) == (last + 1, last + 2)
    stored = Event.objects.get(exercise=exercise, seq=last + 2)
    assert (stored.pk, stored.type, stored.audience) == (
        second.pk,
        "hotline.message",
        ["USA", "JPN"],
    )
    assert stored.data == message("again")
    assert stored.at == second.at and stored.game_time == second.game_time
    exercise.refresh_from_db()
    assert exercise.last_seq == last + 2


def test_it_declines_what_changes_the_state_and_what_must_be_decided_under_the_lock(
    exercise, fiona
):
    before = Event.objects.filter(exercise=exercise).count()
    assert log.append_unlocked(exercise.pk, "clock.started", {}) is None
    assert (
        log.append_unlocked(
            exercise.pk, "hotline.message", message("x"), check=lambda state: {"type": "other"}
        )
        is None
    )
    assert Event.objects.filter(exercise=exercise).count() == before  # nothing appended


def test_a_process_that_missed_a_cut_cannot_send_on_the_cut_line(exercise, fiona, alice):
    """Another server process cut the hotline; this one still has the state from before."""
    actions.do_send_hotline_message(alice, "acm", "before")  # this process sees the line up
    stale = log._seen_states[exercise.pk]
    actions.do_cut_hotline(fiona, "acm")
    log._seen_states[exercise.pk] = stale  # as if the cut happened in another process
    count = Event.objects.count()

    with pytest.raises(CommandRefused) as refused:
        actions.do_send_hotline_message(alice, "acm", "after the cut", "c-1")

    assert refused.value.code == "conflict" and "down" in refused.value.message
    assert Event.objects.count() == count  # nothing persisted, no seq used
    exercise.refresh_from_db()
    assert exercise.last_seq == count
    assert log._seen_states.get(exercise.pk) != stale  # forgotten: read again next time


def test_a_retried_id_returns_the_first_event(exercise, alice):
    first = actions.do_send_hotline_message(alice, "acm", "hello", "same-id")
    again = actions.do_send_hotline_message(alice, "acm", "hello", "same-id")
    assert again.pk == first.pk and again.seq == first.seq
    assert Event.objects.filter(client_id="same-id").count() == 1


def test_messages_racing_cuts_and_restores_never_cross_a_cut_line(exercise, fiona, alice, bob):
    """Players send while the white cell cuts and restores the line: in the log, every message
    comes while the line is up, and seq has no gaps."""
    stop = threading.Event()

    def toggle():
        try:
            for _ in range(10):
                actions.do_cut_hotline(fiona, "acm")
                actions.do_restore_hotline(fiona, "acm")
        finally:
            stop.set()
            connection.close()

    toggler = threading.Thread(target=toggle)
    seats = [alice, bob]

    def send(i):
        seat = Participant.objects.select_related("exercise__scenario", "team").get(
            pk=seats[i % 2].pk
        )
        sent = 0
        while not stop.is_set():
            try:
                actions.do_send_hotline_message(seat, "acm", f"{i}-{sent}")
                sent += 1
            except CommandRefused as refusal:
                assert refusal.code == "conflict"
        return sent

    toggler.start()
    sent = run_in_threads(4, send)
    toggler.join()

    events = list(Event.objects.filter(exercise=exercise).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    messages = [e for e in events if e.type == "hotline.message"]
    assert len(messages) == sum(sent) > 0
    state = rules.initial_state(exercise.scenario.spec.time_compression)
    for event in events:
        if event.type == "hotline.message":
            assert not rules.hotline_status(state, "acm")["cut"], f"seq {event.seq} crossed a cut"
        state = rules.apply(
            state, {"seq": event.seq, "type": event.type, "at": event.at, "data": event.data}
        )
    exercise.refresh_from_db()
    assert exercise.state == state
    assert Exercise.objects.get(pk=exercise.pk).last_seq == len(events)
