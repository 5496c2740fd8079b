"""Real concurrent writers (threads with their own connections): seq stays gap-free and each
scripted inject fires exactly once, on SQLite and on PostgreSQL."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from wargame.game import actions
from wargame.game.models import Event, Participant, ScheduledInject

pytestmark = pytest.mark.django_db(transaction=True)


def run_in_threads(n: int, fn):
    def wrapped(i):
        try:
            return fn(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(wrapped, range(n)))


def test_concurrent_appends_get_gap_free_unique_seqs(exercise, alice, bob):
    seats = [alice, bob]

    def send(i):
        seat = Participant.objects.select_related("exercise__scenario", "team").get(
            pk=seats[i % 2].pk
        )
        return [
            actions.do_send_hotline_message(seat, "acm", f"{i}-{k}", f"{i}-{k}").seq
            for k in range(15)
        ]

    seqs = sorted(s for batch in run_in_threads(6, send) for s in batch)
    first = 4  # 1 created, 2-3 joins
    assert seqs == list(range(first, first + 90))
    all_seqs = list(Event.objects.filter(exercise=exercise).values_list("seq", flat=True))
    assert sorted(all_seqs) == list(range(1, first + 90))
    exercise.refresh_from_db()
    assert exercise.last_seq == first + 89


def test_concurrent_ticks_fire_each_due_inject_exactly_once(exercise, fiona):
    actions.do_start_clock(fiona)
    later = timezone.now() + timedelta(seconds=61)  # 61 s x 60 = past every inject (1:00)

    fired = run_in_threads(6, lambda i: len(actions.fire_due_injects(exercise.pk, now=later)))

    assert sum(fired) == 3
    delivered = Event.objects.filter(exercise=exercise, type="inject.delivered")
    assert sorted(e.data["msel_id"] for e in delivered) == ["INJ-01", "INJ-02", "INJ-03"]
    assert set(ScheduledInject.objects.values_list("state", flat=True)) == {"released"}
    exercise.refresh_from_db()
    assert exercise.state["msel"] == {
        "INJ-01": "released",
        "INJ-02": "released",
        "INJ-03": "released",
    }


def test_pause_stops_firing_and_resume_continues_from_the_paused_game_time(exercise, fiona):
    def fire_at(wall_seconds_from_now):
        now = timezone.now() + timedelta(seconds=wall_seconds_from_now)
        return [e.data["msel_id"] for e in actions.fire_due_injects(exercise.pk, now=now)]

    actions.do_start_clock(fiona)
    assert fire_at(5) == []  # 300 game seconds: nothing due before 600
    assert fire_at(11) == ["INJ-01"]
    actions.do_pause_clock(fiona, "Lunch")
    assert fire_at(3600) == []  # paused: an hour of wall time moves nothing
    actions.do_resume_clock(fiona)
    # The game resumes from about 0:00:0x, not from where wall time would have taken it.
    assert fire_at(11) == []
    assert fire_at(21) == ["INJ-02"]
    assert run_in_threads(4, lambda i: fire_at(21)) == [[], [], [], []]
    ids = Event.objects.filter(type="inject.delivered").values_list("data__msel_id", flat=True)
    assert sorted(ids) == ["INJ-01", "INJ-02"]


def test_tick_ignores_exercises_that_are_not_running(exercise, fiona):
    assert actions.tick_running_exercises(now=timezone.now() + timedelta(days=1)) == 0
    actions.do_start_clock(fiona)
    assert actions.tick_running_exercises(now=timezone.now() + timedelta(days=1)) == 3
    assert actions.tick_running_exercises(now=timezone.now() + timedelta(days=1)) == 0


def test_hold_racing_the_clock_has_exactly_one_winner(exercise, fiona):
    """A facilitator holds an inject just as the clock fires it: either it is released once
    (and the hold is refused) or it is held (and nothing is delivered), never both."""
    from wargame.game.errors import CommandRefused

    actions.do_start_clock(fiona)
    due = timezone.now() + timedelta(seconds=11)

    def race(i):
        if i % 2:
            return ("tick", len(actions.fire_due_injects(exercise.pk, now=due)))
        seat = Participant.objects.select_related("exercise__scenario").get(pk=fiona.pk)
        try:
            actions.do_hold_inject(seat, "INJ-01", f"hold-{i}")
            return ("hold", 1)
        except CommandRefused:
            return ("hold", 0)

    results = run_in_threads(6, race)
    state = ScheduledInject.objects.get(inject_id="INJ-01").state
    delivered = Event.objects.filter(type="inject.delivered", data__msel_id="INJ-01").count()
    held = Event.objects.filter(type="msel.held").count()
    assert (state, delivered, held) in {("released", 1, 0), ("held", 0, 1)}, results
