"""Every event type the server can emit matches its schema (Zulip's test_events idea)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wargame.game import actions
from wargame.game.log import event_to_wire
from wargame.game.models import Event
from wargame.live.broadcast import to_client_frame
from wargame.live.event_types import EVENT_TYPES, schema_errors

pytestmark = pytest.mark.django_db


def test_every_emitted_event_matches_its_schema_and_every_type_is_emitted(
    exercise, fiona, alice, bob
):
    message = actions.do_send_hotline_message(alice, "acm", "hello")
    move = actions.do_submit_move(bob, "Patrol", "military", target="CHN")
    actions.do_adjudicate_move(fiona, move.seq, "modified", "Patrol shadowed", publish=True)
    actions.do_send_inject(fiona, "all", "Title", "Body", method="cable", sender="MOFA")
    actions.do_edit_inject(fiona, "INJ-02", {"body": "Edited in stride"})
    actions.do_hold_inject(fiona, "INJ-03")
    actions.do_skip_inject(fiona, "INJ-03")
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

    frames = [to_client_frame(event_to_wire(e)) for e in Event.objects.order_by("seq")]
    for frame in frames:
        assert schema_errors(frame) == [], frame
    assert {f["type"] for f in frames} == set(EVENT_TYPES)
    assert any("msel_id" in f["data"] for f in frames)


def test_schema_check_catches_departures():
    frame = {
        "type": "hotline.message",
        "seq": 1,
        "at": "x",
        "game_time": 0.0,
        "data": {"hotline": "acm", "text": 5, "from_team": "USA", "extra": 1},
    }
    assert schema_errors(frame) == [
        "data.from_name: missing",
        "data.text: expected <class 'str'>, got int",
        "data.extra: not in the schema",
    ]
