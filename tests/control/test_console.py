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
