"""Reading the log in the database: the audience filter agrees with audience.admits exactly, and a
pane's newest items come in one query, in order, with whether there are older ones."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wargame.game.audience import admits
from wargame.game.models import Event
from wargame.game.queries import newest_visible, visible_events, visible_to

pytestmark = pytest.mark.django_db

# Ids the scenario loader allows ([A-Za-z0-9_-]{1,16}), chosen to catch a text match: case,
# one id inside another, and teams named like the special audiences.
TEAMS = ["JPN", "jpn", "JP", "JPNX", "all", "control", "A-1", "a_1", "A"]
AUDIENCES = [
    "all",
    "control",
    [],
    ["JPN"],
    ["jpn"],
    ["JPNX"],
    ["JP", "USA"],
    ["USA", "JPN"],
    ["all"],
    ["control"],
    ["A-1"],
    ["a_1", "A"],
]
SEATS = [("facilitator", None), ("observer", None)] + [("player", t) for t in TEAMS]


def log_with(exercise, audiences) -> list[Event]:
    """Test setup: events written directly, one per audience (not through an action)."""
    now = timezone.now()
    start = exercise.last_seq
    return Event.objects.bulk_create(
        Event(
            exercise=exercise,
            seq=start + i,
            type="inject.delivered",
            at=now,
            game_time=0,
            audience=audience,
            data={"n": i},
        )
        for i, audience in enumerate(audiences, 1)
    )


def test_the_database_filter_admits_exactly_what_audience_admits_does(exercise):
    events = log_with(exercise, AUDIENCES)
    for role, team in SEATS:
        expected = [e.seq for e in events if admits(e.audience, role, team)]
        found = Event.objects.filter(exercise=exercise, seq__gte=events[0].seq)
        found = list(found.filter(visible_to(role, team)).values_list("seq", flat=True))
        assert sorted(found) == expected, (role, team)


def test_visible_events_reads_the_range_in_one_query(exercise):
    events = log_with(exercise, AUDIENCES * 3)
    after, upto = events[2].seq, events[-3].seq
    with CaptureQueriesContext(connection) as queries:
        seen = [e.seq for e in visible_events(exercise.pk, "player", "JPN", after, upto)]
    assert len(queries.captured_queries) == 1
    assert seen == [
        e.seq for e in events if after < e.seq <= upto and admits(e.audience, "player", "JPN")
    ]


def test_newest_visible_pages_back_through_a_seats_events(exercise):
    audiences = list(itertools.islice(itertools.cycle(["all", ["CHN"], ["JPN", "USA"]]), 30))
    events = log_with(exercise, audiences)
    everything = Event.objects.filter(exercise=exercise).order_by("seq")  # with exercise.created
    mine = [e.seq for e in everything if admits(e.audience, "player", "JPN")]
    last = events[-1].seq

    with CaptureQueriesContext(connection) as queries:
        page, more = newest_visible(exercise.pk, "player", "JPN", before=last + 1, limit=8)
    assert len(queries.captured_queries) == 1
    assert [e.seq for e in page] == mine[-8:] and more  # oldest first
    page, more = newest_visible(exercise.pk, "player", "JPN", before=page[0].seq, limit=8)
    assert [e.seq for e in page] == mine[-16:-8] and more
    older, more = newest_visible(exercise.pk, "player", "JPN", before=events[0].seq + 2, limit=8)
    assert [e.seq for e in older] == [s for s in mine if s < events[0].seq + 2] and not more


def test_newest_visible_filters_by_type_and_data(exercise, alice, bob, fiona):
    from wargame.game import actions

    actions.do_send_hotline_message(alice, "acm", "on acm")
    actions.do_send_hotline_message(bob, "jpn-chn", "on jpn-chn")
    actions.do_add_note(fiona, "a note", "observation")
    last = exercise.events.order_by("-seq").first().seq

    def seen(role, team, **filters):
        page, _ = newest_visible(exercise.pk, role, team, before=last + 1, limit=50, **filters)
        return [(e.type, e.data.get("text")) for e in page]

    assert seen("player", "JPN", types=["hotline.message"], data={"hotline": "acm"}) == [
        ("hotline.message", "on acm")
    ]
    assert seen("player", "USA", types=["hotline.message"]) == [("hotline.message", "on acm")]
    assert seen("player", "USA", types=["note.added"]) == []  # control only
    assert seen("facilitator", None, types=["note.added"]) == [("note.added", "a note")]
    assert ("hotline.message", "on acm") not in seen(
        "facilitator", None, exclude=["hotline.message"]
    )
