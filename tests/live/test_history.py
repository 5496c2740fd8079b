"""GET /exercises/<id>/history/: a pane's older items, for the seat the session holds, by the
same audience rule as the socket."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.live.helpers import player_cookie
from wargame.game import actions

pytestmark = pytest.mark.django_db


def as_player(participant) -> Client:
    client = Client()
    client.cookies["sessionid"] = player_cookie(participant)
    return client


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def history(client, exercise, **params):
    return client.get(reverse("history", args=[exercise.pk]), params)


def texts(response) -> list:
    return [e["data"].get("text") or e["data"].get("title") for e in response.json()["events"]]


def test_a_player_pages_back_through_their_hotline(exercise, alice, bob):
    for i in range(7):
        actions.do_send_hotline_message(alice if i % 2 else bob, "acm", f"m{i}")
    client = as_player(alice)
    newest = history(client, exercise, pane="hotline:acm", limit=3)
    assert newest.status_code == 200 and newest["Cache-Control"].startswith("max-age=0")
    body = newest.json()
    assert (body["pane"], body["more"], texts(newest)) == ("hotline:acm", True, ["m4", "m5", "m6"])
    assert set(body["events"][0]) == {"type", "seq", "at", "game_time", "data"}
    older = history(client, exercise, pane="hotline:acm", limit=3, before=body["events"][0]["seq"])
    assert (texts(older), older.json()["more"]) == (["m1", "m2", "m3"], True)
    oldest = history(client, exercise, pane="hotline:acm", before=older.json()["events"][0]["seq"])
    assert (texts(oldest), oldest.json()["more"]) == (["m0"], False)


def test_each_seat_gets_only_what_its_audience_admits(exercise, alice, carol, fiona, oscar):
    actions.do_send_inject(fiona, ["CHN"], "For China", "x")
    actions.do_send_inject(fiona, "all", "For all", "x")
    actions.do_add_note(fiona, "White cell only", "observation")
    assert "For China" not in texts(history(as_player(alice), exercise, pane="feed"))
    assert "For China" in texts(history(as_player(carol), exercise, pane="feed"))
    assert texts(history(as_player(alice), exercise, pane="notes")) == []
    assert texts(history(as_user(oscar.user), exercise, pane="notes")) == ["White cell only"]
    log = texts(history(as_user(fiona.user), exercise, pane="log"))
    assert {"For China", "For all", "White cell only"} <= set(log)


def test_moves_are_the_players_own_team(exercise, alice, carol, fiona):
    mine = actions.do_submit_move(alice, "US move", "military")
    theirs = actions.do_submit_move(carol, "China move", "legal")
    actions.do_adjudicate_move(fiona, theirs.seq, "accepted", "Published", publish=True)
    actions.do_adjudicate_move(fiona, mine.seq, "rejected", "No")
    moves = history(as_player(alice), exercise, pane="moves").json()["events"]
    assert [(e["type"], e["data"]["team"]) for e in moves] == [
        ("move.submitted", "USA"),
        ("move.adjudicated", "USA"),
    ]
    every = history(as_user(fiona.user), exercise, pane="moves").json()["events"]
    assert {e["data"]["team"] for e in every} == {"USA", "CHN"}


def test_requests_without_a_seat_are_not_found(exercise, alice, oscar_user, scenario):
    other = actions.do_create_exercise(scenario, "Other")
    assert history(Client(), exercise, pane="feed").status_code == 404
    assert history(as_player(alice), other, pane="feed").status_code == 404
    assert history(as_user(oscar_user), exercise, pane="feed").status_code == 404  # no seat
    missing = Client().get(reverse("history", args=[999999]), {"pane": "feed"})
    assert missing.status_code == 404


def test_refused_and_bad_requests(exercise, alice, fiona):
    client = as_player(alice)
    refused = history(client, exercise, pane="hotline:jpn-chn")  # not USA's hotline
    assert refused.status_code == 403
    assert refused.json() == {"error": "pane: your team is not on hotline 'jpn-chn'"}
    assert history(as_user(fiona.user), exercise, pane="hotline:jpn-chn").status_code == 200
    for params in (
        {"pane": "nope"},
        {"pane": ""},
        {},
        {"pane": "hotline:"},
        {"pane": "feed:x"},
        {"pane": "hotline:nowhere"},
        {"pane": "feed", "before": "x"},
        {"pane": "feed", "before": "0"},
        {"pane": "feed", "limit": "0"},
        {"pane": "feed", "limit": "201"},
    ):
        response = history(client, exercise, **params)
        assert response.status_code == 400, params
        assert "error" in response.json()
    assert client.post(reverse("history", args=[exercise.pk]), {"pane": "feed"}).status_code == 405


def test_a_page_of_history_takes_the_same_queries_for_a_short_and_a_long_log(
    exercise, alice, bob, django_assert_num_queries
):
    client = as_player(alice)
    history(client, exercise, pane="hotline:acm")  # the session's first use
    # The session, the exercise, the seat, and the page of events.
    with django_assert_num_queries(4):
        history(client, exercise, pane="hotline:acm")
    for i in range(150):
        actions.do_send_hotline_message(bob, "acm", f"m{i}")
    with django_assert_num_queries(4):
        assert len(history(client, exercise, pane="hotline:acm", before=100).json()["events"])
