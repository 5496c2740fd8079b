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


def test_repeated_wrong_codes_are_rate_limited_even_for_a_right_code(teams, settings):
    settings.JOIN_FAILURES_PER_10_MIN = 3
    client = Client()
    statuses = [client.get(reverse("join", args=[f"guess-{i}"])).status_code for i in range(4)]
    assert statuses == [404, 404, 404, 429]
    right = client.get(reverse("join", args=[teams["USA"].join_code]))
    assert right.status_code == 429
    assert b"Too many wrong join codes" in right.content
    other_client = Client(REMOTE_ADDR="10.0.0.9")
    assert other_client.get(reverse("join", args=[teams["USA"].join_code])).status_code == 200


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
