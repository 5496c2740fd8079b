"""Every event type the server can emit matches its declaration (Zulip's test_events idea), and
the cached state equals a replay of a log that holds every event type."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wargame.game import actions, rules
from wargame.game.events import EVENTS, schema_errors
from wargame.game.log import event_to_wire
from wargame.game.models import Event

pytestmark = pytest.mark.django_db


def test_every_emitted_event_matches_its_schema_and_every_type_is_emitted(
    exercise, fiona, alice, bob, oscar_user
):
    actions.do_seat_control(exercise, oscar_user, "observer", "Oscar")
    message = actions.do_send_hotline_message(alice, "acm", "hello")
    move = actions.do_submit_move(bob, "Patrol", "military", target="CHN")
    actions.do_adjudicate_move(fiona, move.seq, "modified", "Patrol shadowed", publish=True)
    actions.do_send_inject(fiona, "all", "Title", "Body", method="cable", sender="MOFA")
    actions.do_edit_inject(fiona, "INJ-02", {"body": "Edited in stride"})
    actions.do_hold_inject(fiona, "INJ-03")
    actions.do_skip_inject(fiona, "INJ-03")
    actions.do_unskip_inject(fiona, "INJ-03")
    actions.do_start_clock(fiona)
    actions.fire_due_injects(exercise.pk, now=timezone.now() + timedelta(minutes=5))
    actions.do_pause_clock(fiona, "Lunch", max_minutes=30, freeze_hotlines=True)
    actions.do_resume_clock(fiona)
    actions.do_set_compression(fiona, 12)
    actions.do_set_hotline_delay(fiona, "acm", 10)
    actions.do_send_hotline_message(bob, "acm", "delayed")
    actions.deliver_due_messages(exercise.pk, now=timezone.now() + timedelta(minutes=5))
    actions.do_cut_hotline(fiona, "acm")
    actions.do_restore_hotline(fiona, "acm")
    actions.do_leak_message(fiona, message.seq, ["CHN"])
    actions.do_add_note(fiona, "Slow to share intelligence", "improvement")
    actions.do_advance_turn(fiona)

    logged = Event.objects.order_by("seq")
    frames = [{k: v for k, v in event_to_wire(e).items() if k != "audience"} for e in logged]
    for frame in frames:
        assert schema_errors(frame) == [], frame
    assert {f["type"] for f in frames} == set(EVENTS)
    assert any("msel_id" in f["data"] for f in frames)
    for event in logged:  # the audience each event got is the one its type declares
        assert event.audience == EVENTS[event.type].audience(event.data, exercise.scenario.spec)

    exercise.refresh_from_db()
    replay = [{"seq": e.seq, "type": e.type, "at": e.at, "data": e.data} for e in logged]
    assert rules.fold(replay, exercise.scenario.spec.time_compression) == exercise.state


def test_schema_check_catches_departures():
    frame = {
        "type": "hotline.message",
        "seq": 1,
        "at": "x",
        "game_time": 0.0,
        "data": {"hotline": "acm", "text": 5, "from_team": "USA", "from_name": "A"},
    }
    assert schema_errors(frame) == ["hotline.message: Expected `str`, got `int` - at `$.text`"]
    frame["data"]["text"], frame["data"]["extra"] = "ok", 1
    assert schema_errors(frame) == ["hotline.message: Object contains unknown field `extra`"]
    del frame["data"]["extra"], frame["data"]["from_name"]
    assert schema_errors(frame) == ["hotline.message: Object missing required field `from_name`"]
    assert schema_errors({**frame, "type": "no.such"})[0].startswith("no.such: not a declared")


def test_an_action_cannot_append_an_event_that_departs_from_its_declaration(exercise):
    from django.db import transaction

    from wargame.game.events import EventSchemaError
    from wargame.game.log import append_event

    with pytest.raises(EventSchemaError, match="unknown field `colour`"):
        with transaction.atomic():
            append_event(exercise.pk, "clock.resumed", {"auto": True, "colour": "red"})
    assert exercise.events.count() == 1
