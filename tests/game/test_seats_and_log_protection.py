"""Seats are given through actions (logged), and neither the admin nor a deletion can rewrite
the log."""

import pytest
from django.db.models import RestrictedError
from django.test import Client
from django.urls import reverse

from wargame.game import actions
from wargame.game.errors import CommandRefused
from wargame.game.models import Event, Exercise, Participant

pytestmark = pytest.mark.django_db


def test_a_staff_users_first_visit_seats_them_with_a_logged_event(exercise, fiona_user):
    seat = actions.control_participant(exercise, fiona_user)
    joined = Event.objects.get(exercise=exercise, type="participant.joined", actor=seat)
    assert joined.audience == "control"
    assert joined.data == {"team": None, "name": "fiona", "role": "facilitator"}
    actions.control_participant(exercise, fiona_user)  # the second visit seats no one
    assert Event.objects.filter(type="participant.joined").count() == 1


def test_seating_refuses_a_player_role(exercise, oscar_user):
    with pytest.raises(CommandRefused, match="role: must be facilitator or observer"):
        actions.do_seat_control(exercise, oscar_user, "player")
    assert not Participant.objects.exists() and exercise.events.count() == 1


def test_a_seat_that_acted_and_its_user_cannot_be_deleted(exercise, alice, oscar_user):
    with pytest.raises(RestrictedError):
        alice.delete()
    observer = actions.do_seat_control(exercise, oscar_user, "observer", "Oscar")
    with pytest.raises(RestrictedError):
        oscar_user.delete()
    assert Event.objects.filter(actor=observer).exists()
    assert Event.objects.filter(actor=alice).exists()


def test_deleting_a_whole_exercise_deletes_its_seats_and_log_together(exercise, alice):
    Exercise.objects.filter(pk=exercise.pk).delete()
    assert not Event.objects.exists() and not Participant.objects.exists()


@pytest.fixture
def admin_client(db):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="pw-root-12345")
    client = Client()
    client.force_login(root)
    return client


def test_the_admin_seats_an_observer_through_the_action(admin_client, exercise, oscar_user):
    response = admin_client.post(
        reverse("admin:game_participant_add"),
        {"exercise": exercise.pk, "role": "observer", "user": oscar_user.pk, "name": "Oscar"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    seat = Participant.objects.get(user=oscar_user)
    assert (seat.role, seat.name) == ("observer", "Oscar")
    joined = Event.objects.get(type="participant.joined", actor=seat)
    assert joined.data["role"] == "observer" and joined.audience == "control"


def test_the_admin_cannot_edit_or_delete_a_seat_and_says_why(admin_client, alice):
    change = reverse("admin:game_participant_change", args=[alice.pk])
    page = admin_client.get(change)
    assert page.status_code == 200 and b"append-only" in page.content
    admin_client.post(change, {"exercise": alice.exercise_id, "role": "observer", "name": "X"})
    alice.refresh_from_db()
    assert (alice.role, alice.name) == ("player", "Alice")
    delete = admin_client.post(
        reverse("admin:game_participant_delete", args=[alice.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert Participant.objects.filter(pk=alice.pk).exists()
