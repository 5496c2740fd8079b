"""The reducer is pure: the cached state equals a replay of the log."""

from datetime import UTC, datetime, timedelta

import pytest

from wargame.game import actions, rules
from wargame.game.models import Event

T0 = datetime(2027, 4, 12, tzinfo=UTC)


def ev(seq, kind, seconds, **data):
    return {"seq": seq, "type": kind, "at": T0 + timedelta(seconds=seconds), "data": data}


def test_fold_runs_the_clock_with_compression_and_pauses():
    state = rules.fold(
        [
            ev(1, "exercise.created", 0),
            ev(2, "clock.started", 10),
            ev(3, "clock.paused", 40, reason="Lunch"),
            ev(4, "clock.resumed", 100),
        ],
        compression=6,
    )
    clock = rules.clock_from_json(state["clock"])
    assert state["status"] == "running"
    assert clock.offset == 180  # 30 wall seconds x 6 before the pause
    assert clock.game_seconds(T0 + timedelta(seconds=110)) == 240


def test_apply_does_not_modify_its_input():
    state = rules.initial_state(1)
    before = dict(state)
    rules.apply(state, ev(1, "inject.delivered", 0, msel_id="A"))
    assert state == before


@pytest.mark.parametrize(
    ("audience", "role", "team", "admitted"),
    [
        ("all", "player", "USA", True),
        ("control", "player", "USA", False),
        ("control", "observer", None, True),
        (["USA", "JPN"], "player", "JPN", True),
        (["USA", "JPN"], "player", "CHN", False),
        (["USA"], "facilitator", None, True),
    ],
)
def test_audience(audience, role, team, admitted):
    assert rules.admits(audience, role, team) is admitted


@pytest.mark.django_db
def test_cached_state_equals_a_replay_of_the_log(exercise, fiona, alice):
    actions.do_start_clock(fiona)
    actions.do_send_hotline_message(alice, "acm", "hi")
    actions.do_pause_clock(fiona, "Hotwash")
    actions.fire_due_injects(exercise.pk)
    exercise.refresh_from_db()
    events = [
        {"seq": e.seq, "type": e.type, "at": e.at, "data": e.data}
        for e in Event.objects.filter(exercise=exercise).order_by("seq")
    ]
    assert rules.fold(events, compression=60) == exercise.state
