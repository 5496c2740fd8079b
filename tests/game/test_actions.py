"""Actions append exactly one event each, with the right audience; refusals persist nothing."""

import pytest

from wargame.game import actions
from wargame.game.errors import CommandRefused
from wargame.game.models import Event, Exercise, Participant

pytestmark = pytest.mark.django_db


def log(exercise):
    return list(Event.objects.filter(exercise=exercise).order_by("seq").values_list("seq", "type"))


def test_creating_an_exercise_stores_teams_msel_and_first_event(exercise):
    assert sorted(exercise.teams.values_list("code", flat=True)) == ["CHN", "JPN", "USA"]
    assert list(exercise.msel.values_list("inject_id", "due")) == [
        ("INJ-01", 600),
        ("INJ-02", 1200),
        ("INJ-03", 3600),
    ]
    assert log(exercise) == [(1, "exercise.created")]
    assert exercise.last_seq == 1
    assert exercise.state["status"] == "setup"
    assert all(len(t.join_code) >= 12 for t in exercise.teams.all())  # 72 random bits


def test_hotline_message_goes_to_the_hotline_teams(exercise, alice):
    event = actions.do_send_hotline_message(alice, "acm", "  Share the J2 report?  ", "c1")
    assert (event.type, event.audience, event.client_id) == (
        "hotline.message",
        ["USA", "JPN"],
        "c1",
    )
    assert event.data == {
        "hotline": "acm",
        "text": "Share the J2 report?",
        "from_team": "USA",
        "from_name": "Alice",
    }
    assert event.seq == 3  # 1 created, 2 alice joined


def test_a_player_may_not_use_a_hotline_their_team_is_not_on(exercise, alice):
    with pytest.raises(CommandRefused) as caught:
        actions.do_send_hotline_message(alice, "jpn-chn", "hello", "c1")
    assert (caught.value.code, caught.value.message) == (
        "forbidden",
        "hotline: your team is not on hotline 'jpn-chn'",
    )
    assert log(exercise)[-1] == (2, "participant.joined")
    assert Exercise.objects.get(pk=exercise.pk).last_seq == 2


def test_move_is_seen_by_own_team_only(exercise, bob):
    event = actions.do_submit_move(bob, "Raise JCG posture", "military", "m1")
    assert (event.type, event.audience) == ("move.submitted", ["JPN"])
    assert event.data["category"] == "military"


@pytest.mark.parametrize(
    ("text", "category", "code", "message"),
    [
        (
            "x",
            "nuclear",
            "invalid",
            "category: must be one of diplomatic, military, economic, "
            "information, legal, got 'nuclear'",
        ),
        ("   ", "legal", "invalid", "text: must not be empty"),
        ("x" * 4001, "legal", "too_large", "text: 4001 characters is over the limit of 4000"),
    ],
)
def test_bad_moves_are_refused_with_specific_errors(exercise, bob, text, category, code, message):
    with pytest.raises(CommandRefused) as caught:
        actions.do_submit_move(bob, text, category, "m1")
    assert (caught.value.code, caught.value.message) == (code, message)
    assert not Event.objects.filter(type="move.submitted").exists()


def test_facilitator_inject_to_chosen_teams(exercise, fiona):
    event = actions.do_send_inject(
        fiona,
        ["JPN", "USA", "JPN"],
        "Cable",
        "Text",
        method="cable",
        sender="PRC Ministry of Foreign Affairs",
        client_id="i1",
    )
    assert event.audience == ["JPN", "USA"]
    assert event.data["from"] == "PRC Ministry of Foreign Affairs"


def test_inject_to_unknown_team_is_refused(exercise, fiona):
    with pytest.raises(CommandRefused) as caught:
        actions.do_send_inject(fiona, ["KOR"], "t", "b", client_id="i1")
    assert caught.value.message == "to: unknown team 'KOR' (teams are USA, JPN, CHN)"


def test_players_and_observers_cannot_send_injects_or_run_the_clock(exercise, alice, oscar):
    for seat in (alice, oscar):
        with pytest.raises(CommandRefused) as caught:
            actions.do_send_inject(seat, "all", "t", "b")
        assert caught.value.code == "forbidden"
        with pytest.raises(CommandRefused):
            actions.do_start_clock(seat)
    assert log(exercise)[-1][1] == "participant.joined"


def test_clock_lifecycle_updates_the_cached_state(exercise, fiona):
    actions.do_start_clock(fiona, "s1")
    actions.do_pause_clock(fiona, "Lunch", "p1")
    exercise.refresh_from_db()
    assert exercise.status == "paused"
    assert exercise.state["pause"]["reason"] == "Lunch"
    assert exercise.state["clock"]["running"] is False
    actions.do_resume_clock(fiona, "r1")
    exercise.refresh_from_db()
    assert exercise.status == "running"
    assert [t for _, t in log(exercise)][-3:] == ["clock.started", "clock.paused", "clock.resumed"]


@pytest.mark.parametrize(
    ("do", "message"),
    [
        (
            lambda f: actions.do_pause_clock(f, "why"),
            "clock.pause: the exercise has not started yet",
        ),
        (
            lambda f: actions.do_resume_clock(f),
            "clock.resume: the exercise has not started yet",
        ),
    ],
)
def test_clock_commands_out_of_order_conflict_and_persist_nothing(exercise, fiona, do, message):
    with pytest.raises(CommandRefused) as caught:
        do(fiona)
    assert (caught.value.code, caught.value.message) == ("conflict", message)
    exercise.refresh_from_db()
    assert exercise.last_seq == 1 and log(exercise) == [(1, "exercise.created")]


def test_repeated_client_id_returns_the_original_event_and_appends_nothing(exercise, alice):
    first = actions.do_send_hotline_message(alice, "acm", "one", "same-id")
    again = actions.do_send_hotline_message(alice, "acm", "one", "same-id")
    assert again.pk == first.pk
    assert Event.objects.filter(type="hotline.message").count() == 1


def test_client_ids_are_per_participant(exercise, alice, bob):
    a = actions.do_send_hotline_message(alice, "acm", "from alice", "x")
    b = actions.do_send_hotline_message(bob, "acm", "from bob", "x")
    assert a.seq != b.seq


def test_staff_users_get_a_facilitator_seat_in_every_exercise(exercise, fiona_user, oscar_user):
    seat = actions.control_participant(exercise, fiona_user)
    assert seat.role == Participant.Role.FACILITATOR
    assert actions.control_participant(exercise, fiona_user).pk == seat.pk
    assert actions.control_participant(exercise, oscar_user) is None  # not staff, no seat
