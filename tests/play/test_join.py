"""Joining a team by its code, the rate limit on wrong codes, and the team room."""

import pytest
from django.test import Client
from django.urls import reverse

from wargame.game.models import Event, Participant

pytestmark = pytest.mark.django_db


def test_join_form_then_post_logs_the_player_into_their_team_room(teams):
    client = Client(enforce_csrf_checks=True)
    url = reverse("join", args=[teams["JPN"].join_code])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="name"' in page.content and b"Join Japan" in page.content
    token = page.cookies["csrftoken"].value
    response = client.post(url, {"name": "Bob", "csrfmiddlewaretoken": token})
    exercise_id = teams["JPN"].exercise_id
    assert response.status_code == 302
    assert response["Location"] == reverse("team_room", args=[exercise_id])
    bob = Participant.objects.get(name="Bob")
    assert (bob.role, bob.team.code) == ("player", "JPN")
    joined = Event.objects.get(type="participant.joined")
    assert (joined.audience, joined.actor_id) == (["JPN"], bob.pk)
    room = client.get(response["Location"])
    assert room.status_code == 200
    assert b"Japan private brief." in room.content
    assert b"US private brief." not in room.content


def test_join_without_csrf_token_is_refused(teams):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("join", args=[teams["JPN"].join_code]), {"name": "Bob"})
    assert response.status_code == 403
    assert not Participant.objects.exists()


def test_join_with_an_empty_name_shows_the_form_again(teams):
    response = Client().post(reverse("join", args=[teams["JPN"].join_code]), {"name": "  "})
    assert response.status_code == 200
    assert b"This field is required." in response.content
    assert not Participant.objects.exists()


def test_a_wrong_code_gets_a_clear_404_page(exercise):
    response = Client().get(reverse("join", args=["not-a-code"]))
    assert response.status_code == 404
    assert b"This join link is not valid" in response.content


def test_wrong_codes_wait_longer_and_longer_but_a_right_code_always_joins(teams, settings):
    """A seminar room behind one address: a few mistyped codes cost nothing, then each wrong
    code waits (2 s, 4 s, ...), and the right link still joins at once."""
    settings.JOIN_FREE_FAILURES = 3
    client = Client()
    statuses = [client.get(reverse("join", args=[f"guess-{i}"])).status_code for i in range(3)]
    assert statuses == [404, 404, 404]
    fourth = client.get(reverse("join", args=["guess-3"]))
    assert fourth.status_code == 404  # looked at: the wait starts after it
    waiting = client.get(reverse("join", args=["guess-4"]))
    assert waiting.status_code == 429
    assert waiting["Retry-After"] == "2"
    assert b"Wait 2 seconds" in waiting.content
    assert b"The exact link your facilitator gave your team always works" in waiting.content
    right = client.get(reverse("join", args=[teams["USA"].join_code]))
    assert right.status_code == 200 and b"Join United States" in right.content
    posted = client.post(reverse("join", args=[teams["USA"].join_code]), {"name": "Alice"})
    assert posted.status_code == 302
    other_client = Client(REMOTE_ADDR="10.0.0.9")
    assert other_client.get(reverse("join", args=["guess-x"])).status_code == 404


def test_the_wait_doubles_with_each_wrong_code_up_to_the_maximum(settings):
    from django.test import RequestFactory

    from wargame.play import ratelimit

    settings.JOIN_FREE_FAILURES = 2
    settings.JOIN_MAX_WAIT_SECONDS = 30
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    waits = [ratelimit.record_failure(request) for _ in range(9)]
    assert waits == [0, 0, 2, 4, 8, 16, 30, 30, 30]
    assert 29 <= ratelimit.wait_seconds(request) <= 30
    assert ratelimit.wait_seconds(RequestFactory().get("/", REMOTE_ADDR="10.1.2.4")) == 0


def test_joining_gives_the_browser_a_new_session_key(teams):
    """A session id planted in the browser beforehand must not receive the seat."""
    client = Client()
    client.get(reverse("join", args=[teams["JPN"].join_code]))
    client.session.save()
    planted = client.session.session_key
    client.cookies["sessionid"] = planted
    client.post(reverse("join", args=[teams["JPN"].join_code]), {"name": "Bob"})
    assert client.cookies["sessionid"].value != planted
    attacker = Client()
    attacker.cookies["sessionid"] = planted
    assert attacker.get(reverse("team_room", args=[teams["JPN"].exercise_id])).status_code == 404
    assert client.get(reverse("team_room", args=[teams["JPN"].exercise_id])).status_code == 200


def test_a_seated_player_opening_the_link_again_goes_to_the_same_seat(teams):
    """Back and the form sent again, or the link opened in a second tab: no second seat."""
    client = Client()
    url = reverse("join", args=[teams["JPN"].join_code])
    room = reverse("team_room", args=[teams["JPN"].exercise_id])
    assert client.post(url, {"name": "Bob"})["Location"] == room
    assert client.post(url, {"name": "Bob"})["Location"] == room
    assert client.get(url)["Location"] == room
    assert Participant.objects.filter(name="Bob").count() == 1
    # Another team's link still joins that team (one seat per exercise per browser).
    other = client.post(reverse("join", args=[teams["USA"].join_code]), {"name": "Bob"})
    assert other["Location"] == room
    assert Participant.objects.filter(name="Bob").count() == 2


@pytest.mark.parametrize(
    "path",
    [
        "/join/%00/",
        "/join/abc%00def/",
        "/exercises/1/history/?pane=%00",
        "/admin/login/?next=%00",
        "/accounts/login/?q=a%00",
    ],
)
def test_a_nul_anywhere_in_the_address_is_a_clear_400_not_a_500(exercise, path):
    response = Client().get(path)
    assert response.status_code == 400
    assert b"contains a NUL character" in response.content


def test_a_nul_in_a_form_field_or_cookie_is_a_clear_400(teams):
    client = Client()
    url = reverse("join", args=[teams["JPN"].join_code])
    response = client.post(url, {"name": "Bob\x00"})
    assert (response.status_code, response.content) == (
        400,
        b"Bad request: form field 'name' contains a NUL character (U+0000), which is not allowed.",
    )
    assert not Participant.objects.exists()
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get(url).status_code == 400


def test_team_room_needs_a_seat(exercise):
    response = Client().get(reverse("team_room", args=[exercise.pk]))
    assert response.status_code == 404


def test_player_text_is_rendered_as_text_in_the_join_page(teams):
    response = Client().post(
        reverse("join", args=[teams["USA"].join_code]), {"name": "<script>alert(1)</script>" * 5}
    )
    assert b"<script>alert(1)" not in response.content  # form re-shown with the name escaped


@pytest.fixture
def failing_publish():
    """A broadcast that fails after commit, as a publish to a Redis that is down would."""
    from wargame.game import log

    def fail(exercise_id, wire_event):
        raise ConnectionError("Redis is down")

    log.on_event_committed(fail)
    yield
    log._commit_hooks.remove(fail)


def test_a_failed_broadcast_does_not_undo_a_committed_join(
    teams, failing_publish, django_capture_on_commit_callbacks
):
    client = Client()
    url = reverse("join", args=[teams["JPN"].join_code])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"name": "Bob"})
    assert callbacks  # the broadcast was scheduled and ran (and failed)
    assert response.status_code == 302
    bob = Participant.objects.get(name="Bob")
    assert client.get(response["Location"]).status_code == 200  # the seat was remembered
    assert Event.objects.filter(type="participant.joined", actor=bob).exists()
