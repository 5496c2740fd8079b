"""Opening a page: a fresh connection's welcome carries the newest items of each of the seat's
panes (never the whole log), in a number of queries that does not grow with the log; a resume
gets the missed events instead."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.live.helpers import cookie_for, join
from wargame.game import actions
from wargame.live import panes
from wargame.live.snapshot import welcome_and_backlog

pytestmark = pytest.mark.django_db


def play(alice, bob, carol, fiona, rounds: int) -> None:
    """About 10 events per round, through the actions: hotline traffic, an inject, a move (and
    its adjudication every other round), a note."""
    for i in range(rounds):
        actions.do_send_hotline_message(alice, "acm", f"acm {i}")
        actions.do_send_hotline_message(bob, "acm", f"acm reply {i}")
        actions.do_send_hotline_message(bob, "jpn-chn", f"jpn-chn {i}")
        actions.do_send_hotline_message(carol, "jpn-chn", f"jpn-chn reply {i}")
        actions.do_send_inject(fiona, "all", f"News {i}", "Body")
        actions.do_send_inject(fiona, ["CHN"], f"For China {i}", "Body")
        move = actions.do_submit_move(alice if i % 2 else carol, f"Move {i}", "diplomatic")
        if i % 2:
            actions.do_adjudicate_move(fiona, move.seq, "accepted", f"Outcome {i}")
        actions.do_add_note(fiona, f"Note {i}", "observation")
        actions.do_send_hotline_message(alice, "acm", f"acm again {i}")


def queries_of(work) -> tuple[int, object]:
    """Queries `work` runs, without transaction control (BEGIN, SAVEPOINT…), which depends on
    the database and on whether the caller is already in a transaction."""
    with CaptureQueriesContext(connection) as captured:
        result = work()
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
    sql = [q["sql"] for q in captured.captured_queries]
    return len([s for s in sql if not s.upper().startswith(control)]), result


def texts(window) -> list:
    return [e["data"].get("text") or e["data"].get("title") or e["type"] for e in window["events"]]


def test_a_players_fresh_welcome_has_the_newest_items_of_each_of_their_panes(
    exercise, alice, bob, carol, fiona
):
    play(alice, bob, carol, fiona, 6)
    welcome, backlog = welcome_and_backlog(exercise.pk, alice, None)
    assert backlog == []
    recent = welcome["recent"]
    assert list(recent) == ["feed", "hotline:acm", "moves"]  # not jpn-chn: not USA's
    acm = recent["hotline:acm"]
    assert acm["more"] is False and len(acm["events"]) == 18
    assert texts(acm)[-3:] == ["acm 5", "acm reply 5", "acm again 5"]  # oldest first
    feed_types = {e["type"] for e in recent["feed"]["events"]}
    assert "hotline.message" not in feed_types and "move.submitted" not in feed_types
    assert "For China 0" not in texts(recent["feed"])  # audience: China only
    assert "move.adjudicated" in feed_types
    moves = recent["moves"]["events"]
    assert {e["data"]["team"] for e in moves} == {"USA"}
    assert [e["type"] for e in moves].count("move.submitted") == 3
    for window in recent.values():
        assert all("audience" not in e for e in window["events"])
        assert all(e["seq"] <= welcome["last_seq"] for e in window["events"])


def test_a_facilitators_fresh_welcome_has_all_traffic_notes_and_the_open_queue(
    exercise, alice, bob, carol, fiona
):
    play(alice, bob, carol, fiona, 6)
    welcome, _ = welcome_and_backlog(exercise.pk, fiona, None)
    recent = welcome["recent"]
    assert list(recent) == ["log", "traffic", "notes"]
    assert recent["log"]["more"] and len(recent["log"]["events"]) == panes.RECENT
    assert recent["log"]["events"][-1]["seq"] == welcome["last_seq"]
    assert {e["type"] for e in recent["traffic"]["events"]} == {"hotline.message"}
    assert texts(recent["notes"]) == [f"Note {i}" for i in range(6)]
    # The queue is complete and comes with the state: CHN's moves (even rounds) are pending.
    assert [e["data"]["text"] for e in welcome["state"]["queue"]] == ["Move 0", "Move 2", "Move 4"]


def test_a_pane_holds_the_newest_fifty_and_says_there_are_more(exercise, alice, bob):
    for i in range(60):
        actions.do_send_hotline_message(alice if i % 2 else bob, "acm", f"m{i}")
    welcome, _ = welcome_and_backlog(exercise.pk, bob, None)
    acm = welcome["recent"]["hotline:acm"]
    assert acm["more"] is True
    assert texts(acm) == [f"m{i}" for i in range(10, 60)]


def test_a_resume_gets_the_missed_events_and_no_panes(exercise, alice, bob):
    actions.do_send_hotline_message(bob, "acm", "missed")
    since = exercise.last_seq  # before the message
    welcome, backlog = welcome_and_backlog(exercise.pk, alice, since)
    assert "recent" not in welcome
    assert [e["data"].get("text") for e in backlog if e["type"] == "hotline.message"] == ["missed"]


@pytest.mark.parametrize("seat", ["alice", "fiona"])
def test_the_welcome_takes_the_same_queries_for_a_short_and_a_long_log(
    seat, exercise, alice, bob, carol, fiona, request
):
    participant = request.getfixturevalue(seat)
    # Pinned: the exercise, then one query per pane (player: feed, acm, moves), or the MSEL,
    # presence, the queue and three panes (control).
    expected = {"alice": 4, "fiona": 7}[seat]
    play(alice, bob, carol, fiona, 1)
    assert exercise.events.count() < 20
    short = queries_of(lambda: welcome_and_backlog(exercise.pk, participant, None))
    play(alice, bob, carol, fiona, 32)
    assert exercise.events.count() > 300
    long = queries_of(lambda: welcome_and_backlog(exercise.pk, participant, None))
    assert short[0] == long[0] == expected
    assert len(long[1][0]["recent"]["log" if seat == "fiona" else "hotline:acm"]["events"]) == 50


@pytest.mark.parametrize("seat", ["alice", "fiona"])
def test_a_resume_takes_the_same_queries_for_a_short_and_a_long_backlog(
    seat, exercise, alice, bob, carol, fiona, request
):
    participant = request.getfixturevalue(seat)
    # Pinned: the exercise and the backlog (player), plus the MSEL, presence and queue.
    expected = {"alice": 2, "fiona": 5}[seat]
    since = exercise.events.order_by("-seq").first().seq
    play(alice, bob, carol, fiona, 1)
    short = queries_of(lambda: welcome_and_backlog(exercise.pk, participant, since))
    play(alice, bob, carol, fiona, 32)
    long = queries_of(lambda: welcome_and_backlog(exercise.pk, participant, since))
    assert short[0] == long[0] == expected
    assert len(long[1][1]) > 10 * len(short[1][1]) > 0


@pytest.mark.django_db(transaction=True)
async def test_a_fresh_socket_gets_panes_and_a_resumed_one_its_backlog(exercise, alice, bob):
    from channels.db import database_sync_to_async

    await database_sync_to_async(actions.do_send_hotline_message)(bob, "acm", "before")
    socket, welcome = await join(exercise.pk, await cookie_for(alice))
    assert texts(welcome["recent"]["hotline:acm"]) == ["before"]
    assert await socket.nothing_more()  # nothing replayed
    await socket.close()
    socket, welcome = await join(exercise.pk, await cookie_for(alice), since=0)
    assert "recent" not in welcome
    assert "before" in [e["data"].get("text") for e in await socket.events(3)]
    await socket.close()
