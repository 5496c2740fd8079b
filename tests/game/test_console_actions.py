"""The white cell's commands: MSEL control, clock options, hotline control, adjudication,
notes and turns. Each appends one event with the right audience, or refuses and persists
nothing."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from wargame.game import actions
from wargame.game.errors import CommandRefused
from wargame.game.limits import MAX_COMPRESSION
from wargame.game.models import DelayedMessage, Event, Exercise, ScheduledInject

pytestmark = pytest.mark.django_db


def later(seconds):
    return timezone.now() + timedelta(seconds=seconds)


def refused(call) -> tuple[str, str]:
    before = Event.objects.count()
    with pytest.raises(CommandRefused) as caught:
        call()
    assert Event.objects.count() == before, "a refused command persisted an event"
    return caught.value.code, caught.value.message


def delivered_injects():
    return [
        (e.data["msel_id"], e.data["title"], e.data["body"], e.audience)
        for e in Event.objects.filter(type="inject.delivered").order_by("seq")
    ]


# MSEL ------------------------------------------------------------------------------------------


def test_release_now_delivers_before_the_due_time_and_never_again(exercise, fiona):
    event = actions.do_release_inject(fiona, "INJ-03", "r1")
    assert (event.type, event.audience, event.actor_id) == ("inject.delivered", ["USA"], fiona.pk)
    actions.do_start_clock(fiona)
    actions.fire_due_injects(exercise.pk, now=later(3600))
    assert [i[0] for i in delivered_injects()] == ["INJ-03", "INJ-01", "INJ-02"]
    assert refused(lambda: actions.do_release_inject(fiona, "INJ-03")) == (
        "conflict",
        "msel.release: inject INJ-03 is released",
    )


def test_held_injects_do_not_fire_until_released_by_hand(exercise, fiona):
    held = actions.do_hold_inject(fiona, "INJ-01")
    assert (held.type, held.audience, held.data) == ("msel.held", "control", {"inject": "INJ-01"})
    actions.do_start_clock(fiona)
    actions.fire_due_injects(exercise.pk, now=later(3600))
    assert [i[0] for i in delivered_injects()] == ["INJ-02", "INJ-03"]
    actions.do_release_inject(fiona, "INJ-01")
    assert [i[0] for i in delivered_injects()][-1] == "INJ-01"
    exercise.refresh_from_db()
    assert exercise.state["msel"]["INJ-01"] == "released"


def test_skipped_injects_never_fire(exercise, fiona):
    actions.do_skip_inject(fiona, "INJ-02")
    actions.do_start_clock(fiona)
    actions.fire_due_injects(exercise.pk, now=later(3600))
    assert [i[0] for i in delivered_injects()] == ["INJ-01", "INJ-03"]
    assert refused(lambda: actions.do_release_inject(fiona, "INJ-02")) == (
        "conflict",
        "msel.release: inject INJ-02 is skipped",
    )
    assert refused(lambda: actions.do_hold_inject(fiona, "INJ-02")) == (
        "conflict",
        "msel.hold: inject INJ-02 is skipped",
    )


def test_an_unskipped_inject_is_scheduled_again_and_fires_when_its_time_comes(exercise, fiona):
    actions.do_skip_inject(fiona, "INJ-03")
    unskipped = actions.do_unskip_inject(fiona, "INJ-03", "u1")
    assert (unskipped.type, unskipped.audience, unskipped.data) == (
        "msel.unskipped",
        "control",
        {"inject": "INJ-03"},
    )
    assert ScheduledInject.objects.get(inject_id="INJ-03").state == "scheduled"
    exercise.refresh_from_db()
    assert "INJ-03" not in exercise.state["msel"]  # absent means scheduled, as at the start
    actions.do_start_clock(fiona)
    actions.fire_due_injects(exercise.pk, now=later(30))  # game +0:30 at x60: not yet +1:00
    assert [i[0] for i in delivered_injects()] == ["INJ-01", "INJ-02"]
    actions.fire_due_injects(exercise.pk, now=later(61))
    assert [i[0] for i in delivered_injects()] == ["INJ-01", "INJ-02", "INJ-03"]


def test_unskipping_a_past_due_inject_releases_it_at_the_next_tick(exercise, fiona):
    actions.do_start_clock(fiona)
    actions.do_skip_inject(fiona, "INJ-02")
    actions.fire_due_injects(exercise.pk, now=later(3600))
    assert [i[0] for i in delivered_injects()] == ["INJ-01", "INJ-03"]
    actions.do_unskip_inject(fiona, "INJ-02")
    actions.fire_due_injects(exercise.pk, now=later(3601))
    assert [i[0] for i in delivered_injects()] == ["INJ-01", "INJ-03", "INJ-02"]


def test_an_unskipped_inject_can_be_held_edited_and_released_like_any_scheduled_one(
    exercise, fiona
):
    actions.do_skip_inject(fiona, "INJ-01")
    actions.do_unskip_inject(fiona, "INJ-01")
    actions.do_hold_inject(fiona, "INJ-01")
    actions.do_edit_inject(fiona, "INJ-01", {"title": "Six cutters"})
    actions.do_release_inject(fiona, "INJ-01")
    assert delivered_injects() == [("INJ-01", "Six cutters", "Four cutters.", ["JPN"])]
    exercise.refresh_from_db()
    assert exercise.state["msel"]["INJ-01"] == "released"


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        (lambda f: None, ("conflict", "msel.unskip: inject INJ-01 is scheduled")),
        (
            lambda f: actions.do_hold_inject(f, "INJ-01"),
            ("conflict", "msel.unskip: inject INJ-01 is held"),
        ),
        (
            lambda f: actions.do_release_inject(f, "INJ-01"),
            ("conflict", "msel.unskip: inject INJ-01 is released"),
        ),
    ],
)
def test_only_a_skipped_inject_can_be_unskipped(exercise, fiona, before, expected):
    before(fiona)
    state = ScheduledInject.objects.get(inject_id="INJ-01").state
    assert refused(lambda: actions.do_unskip_inject(fiona, "INJ-01")) == expected
    assert ScheduledInject.objects.get(inject_id="INJ-01").state == state


def test_unskip_refusals_persist_nothing(exercise, fiona, alice):
    actions.do_skip_inject(fiona, "INJ-01")
    assert refused(lambda: actions.do_unskip_inject(fiona, "NOPE")) == (
        "invalid",
        "inject: no inject 'NOPE' in this exercise's MSEL",
    )
    assert refused(lambda: actions.do_unskip_inject(alice, "INJ-01")) == (
        "forbidden",
        "msel.unskip: only a facilitator may do this",
    )
    assert ScheduledInject.objects.get(inject_id="INJ-01").state == "skipped"


def test_unskip_changes_the_msel_row_in_the_transaction_of_its_event(exercise, fiona, monkeypatch):
    from wargame.game.actions import injects

    actions.do_skip_inject(fiona, "INJ-01")

    def failing_append(*args, **kwargs):
        raise RuntimeError("the append failed")

    monkeypatch.setattr(injects, "append_event", failing_append)
    with pytest.raises(RuntimeError):
        actions.do_unskip_inject(fiona, "INJ-01")
    assert ScheduledInject.objects.get(inject_id="INJ-01").state == "skipped"


def test_edit_in_stride_changes_what_teams_get_and_keeps_the_original(exercise, fiona):
    edit = actions.do_edit_inject(fiona, "INJ-01", {"body": "Six cutters.", "to": ["JPN", "USA"]})
    assert edit.audience == "control"
    assert edit.data == {
        "inject": "INJ-01",
        "changes": {"body": "Six cutters.", "to": ["JPN", "USA"]},
        "original": {
            "title": "CCG cutters in the contiguous zone",
            "body": "Four cutters.",
            "to": ["JPN"],
        },
    }
    actions.do_start_clock(fiona)
    actions.fire_due_injects(exercise.pk, now=later(11))
    [(inject_id, title, body, audience)] = delivered_injects()
    assert (inject_id, body, audience) == ("INJ-01", "Six cutters.", ["JPN", "USA"])
    assert exercise.scenario.spec.msel[0].body == "Four cutters."  # the snapshot is untouched
    assert refused(lambda: actions.do_edit_inject(fiona, "INJ-01", {"title": "x"})) == (
        "conflict",
        "msel.edit: inject INJ-01 was already released or skipped",
    )


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (
            lambda f: actions.do_hold_inject(f, "NOPE"),
            ("invalid", "inject: no inject 'NOPE' in this exercise's MSEL"),
        ),
        (
            lambda f: actions.do_edit_inject(f, "INJ-01", {}),
            ("invalid", "data: give at least one of title, body, to"),
        ),
        (
            lambda f: actions.do_edit_inject(f, "INJ-01", {"to": ["XX"]}),
            ("invalid", "to: unknown team 'XX' (teams are USA, JPN, CHN)"),
        ),
    ],
)
def test_msel_refusals(exercise, fiona, call, expected):
    assert refused(lambda: call(fiona)) == expected


# Clock -----------------------------------------------------------------------------------------


def test_timed_pause_resumes_by_itself_exactly_once(exercise, fiona):
    actions.do_start_clock(fiona)
    pause = actions.do_pause_clock(fiona, "Lunch", max_minutes=45)
    exercise.refresh_from_db()
    assert exercise.resume_at is not None
    assert pause.data["max_minutes"] == 45 and pause.data["hotlines_frozen"] is False
    assert actions.tick_running_exercises(now=later(44 * 60)) == 0
    assert actions.tick_running_exercises(now=later(45 * 60 + 1)) >= 1
    actions.tick_running_exercises(now=later(46 * 60))
    resumed = Event.objects.filter(type="clock.resumed")
    assert [e.data for e in resumed] == [{"auto": True}]
    exercise.refresh_from_db()
    assert (exercise.status, exercise.resume_at) == ("running", None)


def test_a_stale_timer_does_not_end_a_later_pause(exercise, fiona):
    actions.do_start_clock(fiona)
    actions.do_pause_clock(fiona, "Lunch", max_minutes=10)
    actions.do_resume_clock(fiona)
    actions.do_pause_clock(fiona, "Hotwash")  # no maximum length
    assert actions.auto_resume_if_due(exercise.pk, now=later(3600)) is None
    exercise.refresh_from_db()
    assert exercise.status == "paused"


def test_frozen_hotlines_refuse_messages_until_resume(exercise, fiona, alice):
    actions.do_start_clock(fiona)
    actions.do_pause_clock(fiona, "Plenary discussion", freeze_hotlines=True)
    assert refused(lambda: actions.do_send_hotline_message(alice, "acm", "hello")) == (
        "conflict",
        "hotline: hotlines are frozen during the pause (Plenary discussion)",
    )
    actions.do_resume_clock(fiona)
    assert actions.do_send_hotline_message(alice, "acm", "hello").type == "hotline.message"


def test_changing_compression_keeps_game_time_continuous(exercise, fiona):
    from wargame.game import rules

    actions.do_start_clock(fiona)
    event = actions.do_set_compression(fiona, 120)
    exercise.refresh_from_db()
    clock = rules.clock_from_json(exercise.state["clock"])
    assert clock.compression == 120 and clock.running
    assert clock.game_seconds(event.at) == pytest.approx(event.game_time)
    assert clock.game_seconds(event.at + timedelta(seconds=10)) == pytest.approx(
        event.game_time + 1200
    )
    assert refused(lambda: actions.do_set_compression(fiona, 0)) == (
        "invalid",
        "compression: must be a number from 0.1 to 1440, got 0",
    )


def test_clock_refusals_say_in_words_what_the_exercise_is_doing(exercise, fiona):
    actions.do_start_clock(fiona)
    assert refused(lambda: actions.do_start_clock(fiona)) == (
        "conflict",
        "clock.start: the exercise is already running",
    )
    assert refused(lambda: actions.do_resume_clock(fiona)) == (
        "conflict",
        "clock.resume: the exercise is already running",
    )
    actions.do_pause_clock(fiona, "Lunch")
    assert refused(lambda: actions.do_start_clock(fiona)) == (
        "conflict",
        "clock.start: the exercise is already paused",
    )
    assert refused(lambda: actions.do_pause_clock(fiona, "Again")) == (
        "conflict",
        "clock.pause: the exercise is already paused",
    )


def test_pause_refusals(exercise, fiona):
    actions.do_start_clock(fiona)
    assert refused(lambda: actions.do_pause_clock(fiona, "x", max_minutes=0)) == (
        "invalid",
        "max_minutes: must be a number from 1 to 480, got 0",
    )


# Hotline control ------------------------------------------------------------------------------


def test_a_cut_hotline_refuses_messages_and_its_teams_see_it(exercise, fiona, alice):
    cut = actions.do_cut_hotline(fiona, "acm")
    assert (cut.type, cut.audience) == ("hotline.cut", ["USA", "JPN"])
    assert refused(lambda: actions.do_send_hotline_message(alice, "acm", "hi")) == (
        "conflict",
        "hotline: hotline 'acm' is down",
    )
    assert refused(lambda: actions.do_cut_hotline(fiona, "acm")) == (
        "conflict",
        "hotline.cut: hotline 'acm' is already down",
    )
    actions.do_restore_hotline(fiona, "acm")
    assert actions.do_send_hotline_message(alice, "acm", "hi").type == "hotline.message"


def test_a_delayed_hotline_delivers_after_n_game_minutes_exactly_once(exercise, fiona, alice):
    actions.do_start_clock(fiona)
    actions.do_set_hotline_delay(fiona, "acm", 10)  # 10 game minutes = 10 wall seconds (x60)
    queued = actions.do_send_hotline_message(alice, "acm", "Share the J2 report?", "q1")
    assert (queued.type, queued.audience) == ("hotline.message_queued", ["USA"])
    assert queued.data["delay"] == 10
    assert actions.deliver_due_messages(exercise.pk, now=later(5)) == []
    [delivered] = actions.deliver_due_messages(exercise.pk, now=later(11))
    assert delivered.audience == ["USA", "JPN"]
    assert delivered.data == {
        "hotline": "acm",
        "text": "Share the J2 report?",
        "from_team": "USA",
        "from_name": "Alice",
        "queued_seq": queued.seq,
        "delay": 10,
    }
    assert actions.deliver_due_messages(exercise.pk, now=later(60)) == []
    assert DelayedMessage.objects.get().delivered
    actions.do_set_hotline_delay(fiona, "acm", 0)
    assert actions.do_send_hotline_message(alice, "acm", "now").type == "hotline.message"


def test_leaking_a_message_sends_it_to_another_team(exercise, fiona, alice):
    message = actions.do_send_hotline_message(alice, "acm", "We will not escort.")
    leak = actions.do_leak_message(fiona, message.seq, ["CHN"])
    assert (leak.type, leak.audience) == ("hotline.leaked", ["CHN"])
    assert leak.data["text"] == "We will not escort." and leak.data["original_seq"] == message.seq
    assert refused(lambda: actions.do_leak_message(fiona, 1, "all")) == (
        "invalid",
        "seq: no hotline message with seq 1 in this exercise",
    )


def test_players_cannot_use_console_commands(exercise, alice):
    for call in (
        lambda: actions.do_cut_hotline(alice, "acm"),
        lambda: actions.do_set_hotline_delay(alice, "acm", 5),
        lambda: actions.do_release_inject(alice, "INJ-01"),
        lambda: actions.do_add_note(alice, "x", "strength"),
        lambda: actions.do_advance_turn(alice),
        lambda: actions.do_adjudicate_move(alice, 1, "accepted", "x"),
    ):
        assert refused(call)[0] == "forbidden"


# Adjudication, notes, turns -------------------------------------------------------------------


def test_adjudication_goes_back_to_the_team_or_to_everyone(exercise, fiona, bob):
    move = actions.do_submit_move(bob, "Board the CCG cutter", "military", target="CHN")
    assert move.data["target"] == "CHN"
    ruling = actions.do_adjudicate_move(
        fiona, move.seq, "rejected", "The JCG has no such authority."
    )
    assert (ruling.audience, ruling.data["verdict"], ruling.data["team"]) == (
        ["JPN"],
        "rejected",
        "JPN",
    )
    assert refused(lambda: actions.do_adjudicate_move(fiona, move.seq, "accepted", "x")) == (
        "conflict",
        f"move.adjudicate: move {move.seq} was already rejected",
    )
    second = actions.do_submit_move(bob, "Call the ACM", "diplomatic")
    public = actions.do_adjudicate_move(
        fiona, second.seq, "accepted", "The ACM convenes.", publish=True
    )
    assert public.audience == "all"
    exercise.refresh_from_db()
    assert {k: v["status"] for k, v in exercise.state["moves"].items()} == {
        str(move.seq): "rejected",
        str(second.seq): "accepted",
    }


def test_move_target_must_be_another_team(exercise, bob):
    assert refused(lambda: actions.do_submit_move(bob, "x", "legal", target="JPN")) == (
        "invalid",
        "target: must be another team (USA, CHN), got 'JPN'",
    )


def test_notes_are_for_control_only_and_tagged(exercise, fiona):
    note = actions.do_add_note(fiona, "JPN hesitated to share the sitrep", "improvement")
    assert (note.audience, note.data) == (
        "control",
        {"text": "JPN hesitated to share the sitrep", "tag": "improvement", "by": "Fiona"},
    )
    assert refused(lambda: actions.do_add_note(fiona, "x", "gossip")) == (
        "invalid",
        "tag: must be one of observation, strength, improvement, got 'gossip'",
    )


def test_turns_advance_through_the_scenario_moves(exercise, fiona):
    first = actions.do_advance_turn(fiona)
    assert (first.audience, first.data) == (
        "all",
        {
            "index": 0,
            "id": "M1",
            "title": "Move 1: the first hours",
            "summary": "Coast guard standoff.",
        },
    )
    assert actions.do_advance_turn(fiona).data["id"] == "M2"
    assert refused(lambda: actions.do_advance_turn(fiona)) == (
        "conflict",
        "turn.advance: already at the last move (Move 2: escalation)",
    )
    exercise.refresh_from_db()
    assert exercise.state["turn"] == {"index": 1, "id": "M2", "title": "Move 2: escalation"}
    assert Exercise.objects.get(pk=exercise.pk).last_seq == exercise.last_seq


def test_holding_an_inject_the_clock_already_released_is_refused(exercise, fiona):
    actions.do_start_clock(fiona)
    fired = actions.fire_due_injects(exercise.pk, now=later(11))
    assert [e.data["msel_id"] for e in fired] == ["INJ-01"]
    assert refused(lambda: actions.do_hold_inject(fiona, "INJ-01")) == (
        "conflict",
        "msel.hold: inject INJ-01 is released",
    )
    assert ScheduledInject.objects.get(inject_id="INJ-01").state == "released"


def test_a_pause_holds_a_delayed_message_that_came_due_just_before_it(exercise, fiona, alice):
    """The message is due, the tick has not run yet, the facilitator pauses: nothing timed is
    delivered during the pause (as with injects); resume delivers it."""
    actions.do_start_clock(fiona)
    actions.do_set_compression(fiona, MAX_COMPRESSION)
    actions.do_set_hotline_delay(fiona, "acm", 1)  # one game minute: well under a second here
    actions.do_send_hotline_message(alice, "acm", "Held by the pause", "q1")
    time.sleep(0.2)  # the message is now due
    actions.do_pause_clock(fiona, "Plenary")
    assert actions.deliver_due_messages(exercise.pk) == []
    assert actions.tick_running_exercises() == 0
    actions.do_resume_clock(fiona)
    [delivered] = actions.deliver_due_messages(exercise.pk)
    assert delivered.data["text"] == "Held by the pause"
