"""The facilitator console and login."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_console_needs_a_control_seat(exercise, oscar_user):
    url = reverse("console", args=[exercise.pk])
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/?next=")
    client = Client()
    client.force_login(oscar_user)  # not staff, and no observer seat here
    refused = client.get(url)
    assert refused.status_code == 403
    assert b"no facilitator or observer seat in this exercise" in refused.content


def test_an_observer_reads_a_console_without_any_command_control(exercise, oscar):
    client = Client()
    client.force_login(oscar.user)
    listing = client.get(reverse("exercise_list"))
    assert listing.status_code == 200
    assert b"Test exercise" in listing.content and b"New exercise" not in listing.content
    assert client.post(reverse("exercise_list"), {"scenario": "1"}).status_code == 403
    page = client.get(reverse("console", args=[exercise.pk]))
    assert page.status_code == 200
    assert b"data-read-only" in page.content and b"You are an observer" in page.content
    for control in (
        b"data-inject-form",
        b"data-pause-form",
        b"data-note-form",
        b"data-clock-start",
    ):
        assert control not in page.content
    # The feeds are there, and the player's room sends a seated observer here.
    assert b"data-feed" in page.content and b"data-hotline-traffic" in page.content
    room = client.get(reverse("team_room", args=[exercise.pk]))
    assert room["Location"] == reverse("console", args=[exercise.pk])


def test_a_facilitator_who_loses_staff_status_loses_the_console(exercise, fiona):
    client = Client()
    client.force_login(fiona.user)
    url = reverse("console", args=[exercise.pk])
    assert client.get(url).status_code == 200
    fiona.user.is_staff = False
    fiona.user.save()
    assert client.get(url).status_code == 403  # the seat remains in the log, unusable


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
    client.get(reverse("console", args=[exercise.pk]))  # the first visit seats her (2 writes)
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


def test_join_link_qr_code_is_a_standalone_svg_for_control_seats_only(
    exercise, fiona_user, oscar, alice
):
    url = reverse("team_qr", args=[exercise.pk, "JPN"])
    assert Client().get(url).status_code == 302
    client = Client()
    client.force_login(fiona_user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    # An <img> shows an SVG only with its namespace (svg_inline() left it out: a zero-size
    # image); the browser test checks the rendered size.
    assert b'<svg xmlns="http://www.w3.org/2000/svg"' in response.content
    assert client.get(reverse("team_qr", args=[exercise.pk, "XXX"])).status_code == 404
    observer = Client()
    observer.force_login(oscar.user)
    assert observer.get(url).status_code == 200
    stranger = Client()
    stranger.force_login(get_user_model().objects.create_user("sam"))
    assert stranger.get(url).status_code == 403


def test_the_console_words_an_error_of_every_facilitator_command():
    """console.js's DOING says what each command does ("start the clock"), for its errors."""
    from pathlib import Path

    from wargame.live.commands import COMMANDS, FACILITATOR

    console_js = (Path(__file__).resolve().parents[2] / "static" / "js" / "console.js").read_text()
    doing = console_js[console_js.index("const DOING = {") :]
    doing = doing[: doing.index("};")]
    for name, declared in COMMANDS.items():
        if declared.roles == FACILITATOR:
            assert f'  "{name}": ' in doing, f"no words for {name} in console.js's DOING"
