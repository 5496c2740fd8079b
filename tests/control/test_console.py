"""The facilitator console and login."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_console_needs_a_staff_login(exercise, oscar_user):
    url = reverse("console", args=[exercise.pk])
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/?next=")
    client = Client()
    client.force_login(oscar_user)  # not staff
    assert client.get(url).status_code == 302


def test_facilitator_logs_in_and_sees_join_links(exercise, fiona_user):
    client = Client()
    response = client.post(
        reverse("login"), {"username": "fiona", "password": "pw-fiona-1234", "next": "/control/"}
    )
    assert response.status_code == 302
    listing = client.get(reverse("exercise_list"))
    assert b"Test exercise" in listing.content
    console = client.get(reverse("console", args=[exercise.pk]))
    assert console.status_code == 200
    for team in exercise.teams.all():
        assert f"/join/{team.join_code}/".encode() in console.content


def test_console_queries_do_not_grow_with_teams(
    exercise, fiona_user, django_assert_max_num_queries
):
    client = Client()
    client.force_login(fiona_user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("console", args=[exercise.pk])).status_code == 200


def test_a_facilitator_creates_an_exercise_from_a_bundled_scenario(fiona_user):
    from wargame.game.models import Event, Exercise

    client = Client(enforce_csrf_checks=True)
    client.force_login(fiona_user)
    page = client.get(reverse("exercise_list"))
    assert b"senkaku-gray-zone" in page.content and b"second-thomas-shoal" in page.content
    option = page.context["form"].fields["scenario"].choices[0][0]
    token = page.cookies["csrftoken"].value
    response = client.post(
        reverse("exercise_list"),
        {"scenario": option, "name": "Seminar B", "csrfmiddlewaretoken": token},
    )
    exercise = Exercise.objects.get(name="Seminar B")
    assert response["Location"] == reverse("console", args=[exercise.pk])
    assert Event.objects.filter(exercise=exercise, type="exercise.created").count() == 1
    bad = client.post(reverse("exercise_list"), {"scenario": "999", "csrfmiddlewaretoken": token})
    assert bad.status_code == 200 and b"Select a valid choice" in bad.content


def test_join_link_qr_code_is_an_svg_for_facilitators_only(exercise, fiona_user, alice):
    url = reverse("team_qr", args=[exercise.pk, "JPN"])
    assert Client().get(url).status_code == 302
    client = Client()
    client.force_login(fiona_user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert client.get(reverse("team_qr", args=[exercise.pk, "XXX"])).status_code == 404
