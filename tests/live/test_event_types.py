"""Every event type the server can emit matches its schema (Zulip's test_events idea)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wargame.game import actions
from wargame.game.log import event_to_wire
from wargame.game.models import Event
from wargame.game.snapshot import to_client_frame
from wargame.live.event_types import EVENT_TYPES, schema_errors

pytestmark = pytest.mark.django_db


def test_every_emitted_event_matches_its_schema_and_every_type_is_emitted(
    exercise, fiona, alice, bob
):
    actions.do_send_hotline_message(alice, "acm", "hello")
    actions.do_submit_move(bob, "Patrol", "military")
    actions.do_send_inject(fiona, "all", "Title", "Body", method="cable", sender="MOFA")
    actions.do_start_clock(fiona)
    actions.fire_due_injects(exercise.pk, now=timezone.now() + timedelta(minutes=5))
    actions.do_pause_clock(fiona, "Lunch")
    actions.do_resume_clock(fiona)

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
