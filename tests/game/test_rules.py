"""The reducer is pure: steps never change their input, folding is the same however the log is
cut, and the cached state equals a replay of the log (property tests with Hypothesis)."""

import copy
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wargame.game import events, rules

T0 = datetime(2027, 4, 12, tzinfo=UTC)
TEAMS = ("USA", "JPN", "CHN")
HOTLINES = ("acm", "jpn-chn")


def ev(seq, kind, seconds, **data):
    return {"seq": seq, "type": kind, "at": T0 + timedelta(seconds=seconds), "data": data}


def pause(reason="Lunch"):
    return {"reason": reason, "max_minutes": None, "resume_at": None, "hotlines_frozen": False}


@st.composite
def logs(draw, max_size=40):
    """A log of events of every type that has a step, with valid data, in seq order."""
    kinds = draw(st.lists(st.sampled_from(sorted(STEPPED)), max_size=max_size))
    log, moves, at = [], [], 0.0
    for seq, kind in enumerate(kinds, start=1):
        at += draw(st.floats(0, 600, allow_nan=False))
        data = draw(STEPPED[kind](moves))
        if data is None:
            continue
        if kind == "move.submitted":
            moves.append(seq)
        log.append({"seq": seq, "type": kind, "at": T0 + timedelta(seconds=at), "data": data})
    return log


hotline = st.sampled_from(HOTLINES)
team = st.sampled_from(TEAMS)
STEPPED = {
    "clock.started": lambda moves: st.just({}),
    "clock.resumed": lambda moves: st.builds(dict, auto=st.booleans()),
    "clock.paused": lambda moves: st.builds(
        dict,
        reason=st.text(
            st.characters(exclude_characters="\x00", exclude_categories=("Cs",)),
            min_size=1,
            max_size=20,
        ),
        max_minutes=st.none() | st.floats(1, 480),
        resume_at=st.none() | st.just("2027-04-12T12:00:00+00:00"),
        hotlines_frozen=st.booleans(),
    ),
    "clock.compression_changed": lambda moves: st.builds(
        dict, compression=st.floats(0.1, 1440, allow_nan=False)
    ),
    "hotline.cut": lambda moves: st.builds(dict, hotline=hotline),
    "hotline.restored": lambda moves: st.builds(dict, hotline=hotline),
    "hotline.delay_set": lambda moves: st.builds(dict, hotline=hotline, minutes=st.integers(0, 90)),
    "msel.held": lambda moves: st.builds(dict, inject=st.sampled_from(("A", "B"))),
    "msel.skipped": lambda moves: st.builds(dict, inject=st.sampled_from(("A", "B"))),
    "msel.unskipped": lambda moves: st.builds(dict, inject=st.sampled_from(("A", "B"))),
    "inject.delivered": lambda moves: st.builds(
        dict,
        to=st.just("all"),
        title=st.just("T"),
        body=st.just("B"),
        method=st.just("news"),
        msel_id=st.sampled_from(("A", "B", "C")),
        due=st.just(60.0),
        edited=st.booleans(),
    ).map(lambda d: {**d, "from": "MOFA"}),
    "move.submitted": lambda moves: st.builds(
        dict,
        text=st.just("Patrol"),
        category=st.just("military"),
        team=team,
        from_name=st.just("A"),
    ),
    "move.adjudicated": lambda moves: (
        st.none()
        if not moves
        else st.builds(
            dict,
            move=st.sampled_from(moves),
            team=team,
            category=st.just("military"),
            text=st.just("Patrol"),
            verdict=st.sampled_from(("accepted", "modified", "rejected")),
            outcome=st.just("Shadowed"),
            published=st.booleans(),
        )
    ),
    "turn.advanced": lambda moves: st.builds(
        dict,
        index=st.integers(0, 3),
        id=st.just("M1"),
        title=st.just("Move 1"),
        summary=st.just(""),
    ),
}


def test_every_event_type_with_a_step_is_generated():
    assert set(STEPPED) == {name for name, t in events.EVENTS.items() if t.step}


@settings(max_examples=150, deadline=None)
@given(logs())
def test_the_generated_logs_are_valid_events(log):
    for event in log:
        events.check_data(event["type"], event["data"])


@settings(max_examples=200, deadline=None)
@given(logs())
def test_a_step_never_changes_the_state_it_is_given(log):
    state = rules.initial_state(6)
    for event in log:
        before = copy.deepcopy(state)
        event_before = copy.deepcopy(event)
        after = rules.apply(state, event)
        assert state == before  # a deep copy: an in-place change of a nested dict shows
        assert event == event_before
        state = after


@settings(max_examples=200, deadline=None)
@given(logs(), st.integers(0, 40))
def test_folding_is_the_same_however_the_log_is_cut(log, cut):
    head, tail = log[:cut], log[cut:]
    state = rules.fold(head, 6)
    for event in tail:
        state = rules.apply(state, event)
    assert state == rules.fold(log, 6)
    assert json.loads(json.dumps(state)) == state  # plain JSON, cacheable on the row


@settings(max_examples=200, deadline=None)
@given(logs())
def test_the_clock_never_runs_backwards(log):
    state = rules.initial_state(6)
    last = 0.0
    for event in log:
        state = rules.apply(state, event)
        seconds = rules.clock_from_json(state["clock"]).game_seconds(event["at"])
        assert seconds >= last - 1e-6
        last = seconds


def test_fold_runs_the_clock_with_compression_and_pauses():
    state = rules.fold(
        [
            ev(1, "exercise.created", 0, name="X", scenario="s", version="v"),
            ev(2, "clock.started", 10),
            ev(3, "clock.paused", 40, **pause()),
            ev(4, "clock.resumed", 100, auto=False),
        ],
        compression=6,
    )
    clock = rules.clock_from_json(state["clock"])
    assert state["status"] == "running"
    assert clock.offset == 180  # 30 wall seconds x 6 before the pause
    assert clock.game_seconds(T0 + timedelta(seconds=110)) == 240


def test_an_unskipped_inject_is_scheduled_again():
    state = rules.fold(
        [ev(1, "msel.held", 0, inject="A"), ev(2, "msel.skipped", 1, inject="A")], compression=6
    )
    assert rules.msel_state(state, "A") == "skipped"
    state = rules.apply(state, ev(3, "msel.unskipped", 2, inject="A"))
    assert rules.msel_state(state, "A") == "scheduled"
    assert state["msel"] == rules.initial_state(6)["msel"]  # as if it had never been skipped


def test_an_event_without_a_step_leaves_the_state_as_it_is():
    state = rules.initial_state(1)
    assert rules.apply(state, ev(1, "note.added", 0, text="x", tag="strength", by="F")) is state


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


audiences = st.just("all") | st.just("control") | st.lists(team, min_size=1, unique=True)


@given(audiences, st.sampled_from(("player", "facilitator", "observer")), team)
def test_control_sees_everything_and_a_player_only_what_names_their_team(audience, role, t):
    admitted = rules.admits(audience, role, t if role == "player" else None)
    if role != "player":
        assert admitted
    else:
        assert admitted == (audience == "all" or (audience != "control" and t in audience))
