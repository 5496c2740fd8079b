"""Shared fixtures: a small scenario and personas for each role.

Personas: Fiona the facilitator (staff user), Alice on team USA, Bob on team JPN (allies sharing
the `acm` hotline), Carol on team CHN (the adversary, on the `jpn-chn` hotline only), and Oscar
an observer.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from wargame.game.actions import do_create_exercise, do_join_team
from wargame.game.models import Participant
from wargame.scenarios.snapshots import snapshot_file

FIXTURES = Path(__file__).parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_configure(config):
    """Parallel workers (and other people's test runs) share one Redis: give each worker its
    own prefix for live-event channels and cache keys. Both are read lazily (the hub reads
    REDIS_PREFIX when it starts), so changing settings here, before any test, is enough."""
    prefix = f"wargame-test-{os.getpid()}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    settings.REDIS_PREFIX = prefix
    settings.CACHES["default"]["KEY_PREFIX"] = prefix


def require_service(name: str, url: str) -> None:
    """Skip locally when a service is down; under CI=true, fail instead: no silent skip."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=2):
            return
    except OSError as exc:
        message = f"{name} is not reachable at {url}: {exc}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


TEST_REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_url() -> str:
    require_service("Redis", TEST_REDIS_URL)
    return TEST_REDIS_URL


@pytest.fixture(autouse=True)
def _clear_cache():
    """Empty this worker's cache. On Redis, cache.clear() would flush the whole database, and
    with it the other worker's keys (a join rate-limit counter) in the middle of its test."""
    if "Redis" in settings.CACHES["default"]["BACKEND"]:
        client = cache._cache.get_client(write=True)
        prefix = settings.CACHES["default"]["KEY_PREFIX"]
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
    else:
        cache.clear()
    yield


@pytest.fixture
def scenario(db):
    return snapshot_file(FIXTURES / "mini.yaml")


@pytest.fixture
def exercise(scenario):
    return do_create_exercise(scenario, "Test exercise")


@pytest.fixture
def teams(exercise):
    return {t.code: t for t in exercise.teams.all()}


@pytest.fixture
def fiona_user(db):
    return get_user_model().objects.create_user("fiona", password="pw-fiona-1234", is_staff=True)


@pytest.fixture
def fiona(exercise, fiona_user):
    return Participant.objects.create(
        exercise=exercise, role=Participant.Role.FACILITATOR, user=fiona_user, name="Fiona"
    )


@pytest.fixture
def oscar_user(db):
    return get_user_model().objects.create_user("oscar", password="pw-oscar-1234")


@pytest.fixture
def oscar(exercise, oscar_user):
    return Participant.objects.create(
        exercise=exercise, role=Participant.Role.OBSERVER, user=oscar_user, name="Oscar"
    )


@pytest.fixture
def alice(teams):
    return do_join_team(teams["USA"], "Alice")


@pytest.fixture
def bob(teams):
    return do_join_team(teams["JPN"], "Bob")


@pytest.fixture
def carol(teams):
    return do_join_team(teams["CHN"], "Carol")


def fast_clock_exercise(tmp_path: Path, user, name: str):
    """An exercise of the small scenario whose first inject (INJ-01) is due one game minute
    after the start (one wall second at x60), with `user` seated as its facilitator; the
    clock is not started. For the tests of what fires it: the in-process clock, Celery."""
    text = (
        (FIXTURES / "mini.yaml")
        .read_text()
        .replace('at: "0:10"', 'at: "0:01"')
        .replace("id: mini-crisis", "id: fast")
    )
    path = tmp_path / "fast.yaml"
    path.write_text(text)
    exercise = do_create_exercise(snapshot_file(path), name)
    facilitator = Participant.objects.create(
        exercise=exercise, role="facilitator", user=user, name=user.get_username()
    )
    return exercise, facilitator


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
