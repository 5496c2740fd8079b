"""Settings come from the environment with strict parsing and clear errors."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def settings_with(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}
    }
    clean.update(env)
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'], "
        "s.GAME_CLOCK, s.DEBUG, ','.join(s.ALLOWED_HOSTS))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, "DJANGO_SETTINGS_MODULE": "wargame.settings"},
    )


def test_nothing_set_but_debug_is_the_embedded_default():
    result = settings_with(DEBUG="1")
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "channels.layers.InMemoryChannelLayer",
        "inprocess",
        "True",
        "127.0.0.1,localhost",
    ]


def test_production_settings_select_postgres_and_redis_pubsub():
    result = settings_with(
        SECRET_KEY="k" * 50,
        DATABASE_URL="postgres://u@db:5432/wargame",
        REDIS_URL="redis://redis:6379/0",
        ALLOWED_HOSTS="wargame.example.org",
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "channels_redis.pubsub.RedisPubSubChannelLayer",
        "celery",
        "False",
        "wargame.example.org",
    ]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY is required when DEBUG is off"),
        ({"DEBUG": "perhaps"}, "DEBUG='perhaps' is not a boolean"),
        (
            {"DEBUG": "1", "DATABASE_URL": "mysql://x/y"},
            "DATABASE_URL='mysql://x/y': unsupported scheme 'mysql'",
        ),
        (
            {"DEBUG": "1", "REDIS_URL": "localhost:6379"},
            "REDIS_URL='localhost:6379': expected redis://host:port/db",
        ),
        ({"DEBUG": "1", "ALLOWED_HOSTS": "a,,b"}, "ALLOWED_HOSTS='a,,b' has an empty item"),
        ({"DEBUG": "1", "DB_POOL_MAX": "0"}, "DB_POOL_MAX=0 is below the minimum of 1"),
    ],
)
def test_bad_values_raise_improperly_configured(env, message):
    result = settings_with(**env)
    assert result.returncode != 0
    assert f"django.core.exceptions.ImproperlyConfigured: {message}" in result.stderr


def test_redis_prefix_separates_deployments_sharing_one_redis():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CHANNEL_LAYERS['default']['CONFIG']['prefix'], s.CACHES['default']['KEY_PREFIX'])"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_PREFIX"},
        "DJANGO_SETTINGS_MODULE": "wargame.settings",
        "SECRET_KEY": "k" * 50,
        "REDIS_URL": "redis://redis:6379/0",
        "REDIS_PREFIX": "seminar-b",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env
    )
    assert result.stdout.split() == ["seminar-b", "seminar-b"], result.stderr
