"""Login lockout (django-axes), the Content-Security-Policy on every page, and HTTPS headers."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def login(client, username, password, path="login"):
    return client.post(reverse(path), {"username": username, "password": password})


def test_wrong_passwords_lock_out_that_username_from_that_address_only(fiona_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    room = Client(REMOTE_ADDR="10.0.0.5")
    for _ in range(2):
        assert login(room, "fiona", "wrong").status_code == 200  # the form again, with its error
    locked = login(room, "fiona", "wrong")
    assert locked.status_code == 429
    assert b"Too many wrong passwords" in locked.content
    assert b"had 3 wrong passwords in a row" in locked.content
    assert b"Wait 15 minutes and try again" in locked.content  # LOGIN_LOCKOUT_MINUTES, in words
    # Locked even with the right password, and on the admin's login too.
    assert login(room, "fiona", "pw-fiona-1234").status_code == 429
    admin = room.post("/admin/login/", {"username": "fiona", "password": "pw-fiona-1234"})
    assert admin.status_code == 429
    # Another address logs in; so does another user from the seminar room's address.
    elsewhere = Client(REMOTE_ADDR="10.0.0.6")
    assert login(elsewhere, "fiona", "pw-fiona-1234").status_code == 302
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("gina", password="pw-gina-1234", is_staff=True)
    assert login(Client(REMOTE_ADDR="10.0.0.5"), "gina", "pw-gina-1234").status_code == 302


def test_every_page_carries_a_content_security_policy_without_inline_script(exercise, teams):
    pages = ["/", reverse("join", args=[teams["JPN"].join_code]), reverse("login"), "/nope/"]
    for path in pages:
        response = Client().get(path)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
        assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy, path
        assert b"<script>" not in response.content, path  # modules and json_script only


def test_https_settings_send_hsts_and_redirect_plain_http_but_not_the_health_check(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    redirected = Client().get("/")
    assert redirected.status_code == 301 and redirected["Location"] == "https://testserver/"
    secure = Client().get("/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert Client().get("/healthz").status_code in (200, 503)  # answered, not redirected
