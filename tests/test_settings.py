"""Settings come from the environment with strict parsing and clear errors."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_python(args: list[str], env: dict) -> subprocess.CompletedProcess:
    """`python <args>` in the project's directory with exactly `env`, its output captured."""
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env
    )


def settings_with(**env):
    clean = without_settings_env(**env)
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "import asyncio; from wargame.live.hub import Hub; "
        "hub = Hub(asyncio.new_event_loop(), s.REDIS_URL, s.REDIS_PREFIX, sweep_every=None); "
        "print(s.DATABASES['default']['ENGINE'], 'redis' if hub.publisher else 'memory', "
        "s.CACHES['default']['BACKEND'].rsplit('.', 1)[1], s.GAME_CLOCK, s.DEBUG, "
        "','.join(s.ALLOWED_HOSTS), hasattr(s, 'CHANNEL_LAYERS'))"
    )
    return run_python(["-c", code], {**clean, "DJANGO_SETTINGS_MODULE": "wargame.settings"})


def test_nothing_set_but_debug_is_the_embedded_default():
    result = settings_with(DEBUG="1")
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "memory",
        "LocMemCache",
        "inprocess",
        "True",
        "127.0.0.1,localhost",
        "False",  # no channel layer: the hub delivers events
    ], result.stderr


def test_postgres_without_redis_delivers_in_memory_with_the_in_process_clock():
    result = settings_with(DEBUG="1", DATABASE_URL="postgres://u@db:5432/wargame")
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "memory",
        "LocMemCache",
        "inprocess",
        "True",
        "127.0.0.1,localhost",
        "False",
    ], result.stderr


def test_production_settings_select_postgres_and_redis_pubsub():
    result = settings_with(
        SECRET_KEY="k" * 50,
        DATABASE_URL="postgres://u@db:5432/wargame",
        REDIS_URL="redis://redis:6379/0",
        ALLOWED_HOSTS="wargame.example.org",
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "redis",
        "RedisCache",
        "celery",
        "False",
        "wargame.example.org",
        "False",
    ], result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "perhaps"}, "DEBUG='perhaps' is not a boolean"),
        (
            {"DEBUG": "1", "DATABASE_URL": "mysql://x/y"},
            "DATABASE_URL='mysql://x/y': unsupported scheme 'mysql'",
        ),
        (
            {"DEBUG": "1", "REDIS_URL": "localhost:6379"},
            "REDIS_URL='localhost:6379': expected redis://host:port/db",
        ),
        (
            {"DEBUG": "1", "REDIS_URL": "redis://a:6379,b:6379/0"},
            "REDIS_URL='redis://a:6379,b:6379/0': one Redis host only",
        ),
        ({"DEBUG": "1", "ALLOWED_HOSTS": "a,,b"}, "ALLOWED_HOSTS='a,,b' has an empty item"),
        ({"DEBUG": "1", "DB_POOL_MAX": "0"}, "DB_POOL_MAX=0 is below the minimum of 1"),
        ({"DEBUG": "1", "COMMAND_THREADS": "0"}, "COMMAND_THREADS=0 is below the minimum of 1"),
        ({"DEBUG": "1", "COMMAND_THREADS": "four"}, "COMMAND_THREADS='four' is not a whole number"),
        (
            {"DEBUG": "1", "COMMAND_THREADS": "10", "DATABASE_URL": "postgres://u@db:5432/w"},
            "DB_POOL_MAX=10 must be above COMMAND_THREADS=10: each command thread takes",
        ),
    ],
)
def test_bad_values_raise_improperly_configured(env, message):
    result = settings_with(**env)
    assert result.returncode != 0
    assert f"django.core.exceptions.ImproperlyConfigured: {message}" in result.stderr


def test_redis_prefix_separates_deployments_sharing_one_redis():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "from wargame.live.hub import channel_name; "
        "print(channel_name(s.REDIS_PREFIX, 7), s.CACHES['default']['KEY_PREFIX'])"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_PREFIX"},
        "DJANGO_SETTINGS_MODULE": "wargame.settings",
        "SECRET_KEY": "k" * 50,
        "REDIS_URL": "redis://redis:6379/0",
        "REDIS_PREFIX": "seminar-b",
    }
    result = run_python(["-c", code], env)
    assert result.stdout.split() == ["seminar-b:exercise:7", "seminar-b"], result.stderr


def without_settings_env(**env):
    """This process's environment without the settings variables (a developer's own values would
    change what the tests see), plus `env`."""
    drop = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "REDIS_PREFIX"}
    drop |= {"DB_POOL_MAX", "COMMAND_THREADS", "HTTPS", "SECURE_COOKIES", "SECURE_SSL_REDIRECT"}
    drop |= {"SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD"}
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **env}


def test_servers_refuse_to_start_without_a_secret_key_when_debug_is_off():
    env = without_settings_env(DJANGO_SETTINGS_MODULE="wargame.settings")
    asgi = run_python(["-c", "import wargame.asgi"], env)
    assert asgi.returncode != 0
    assert asgi.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY is required when DEBUG is off: "
        "set SECRET_KEY to a long random string (or DEBUG=1 on a development laptop)"
    )


def test_management_commands_need_no_secret_and_report_bad_values_in_one_line():
    ok = run_python(
        ["manage.py", "validate_scenario", "scenarios/senkaku-gray-zone.yaml"],
        without_settings_env(),
    )
    assert ok.returncode == 0, ok.stderr
    bad = run_python(["manage.py", "check"], without_settings_env(DEBUG="maybe"))
    assert bad.returncode == 1
    assert bad.stderr == (
        "configuration error: DEBUG='maybe' is not a boolean: use one of 1, on, true, yes "
        "or 0, false, no, off\n"
    )


def test_the_documented_production_settings_pass_the_deploy_check():
    """The README's production variables: `manage.py check --deploy` finds nothing."""
    env = without_settings_env(
        SECRET_KEY="a-long-random-secret-" + "x" * 40,
        ALLOWED_HOSTS="wargame.example.org",
        HTTPS="1",
        DJANGO_SETTINGS_MODULE="wargame.settings",
    )
    checked = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "System check identified no issues" in checked.stdout
    plain = run_python(["manage.py", "check", "--deploy"], {**env, "HTTPS": "0"})
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in plain.stderr + plain.stdout, warning  # without HTTPS=1 it says so
