import pytest

from wargame.lib.envparse import (
    EnvError,
    check_redis_url,
    env_bool,
    env_int,
    env_list,
    parse_database_url,
)


def test_booleans_are_strict():
    assert env_bool({"DEBUG": "on"}, "DEBUG", False) is True
    assert env_bool({}, "DEBUG", True) is True
    with pytest.raises(EnvError, match=r"DEBUG='maybe' is not a boolean"):
        env_bool({"DEBUG": "maybe"}, "DEBUG", False)


def test_integers_and_lists():
    assert env_int({"N": " 7 "}, "N", 1) == 7
    with pytest.raises(EnvError, match="N='seven' is not a whole number"):
        env_int({"N": "seven"}, "N", 1)
    with pytest.raises(EnvError, match="N=0 is below the minimum of 1"):
        env_int({"N": "0"}, "N", 1, minimum=1)
    assert env_list({"H": "a.org, b.org"}, "H", []) == ["a.org", "b.org"]
    with pytest.raises(EnvError, match="has an empty item"):
        env_list({"H": "a.org,,b.org"}, "H", [])


def test_database_urls():
    pg = parse_database_url("postgres://u:p%40ss@db:5433/wargame?sslmode=require")
    assert pg == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "wargame",
        "USER": "u",
        "PASSWORD": "p@ss",
        "HOST": "db",
        "PORT": "5433",
        "OPTIONS": {"sslmode": "require"},
    }
    assert parse_database_url("sqlite:///db.sqlite3")["NAME"] == "db.sqlite3"
    assert parse_database_url("sqlite:////var/db.sqlite3")["NAME"] == "/var/db.sqlite3"
    with pytest.raises(EnvError, match="unsupported scheme 'mysql'"):
        parse_database_url("mysql://x/y")
    with pytest.raises(EnvError, match="no database name"):
        parse_database_url("postgres://host:5432")
    with pytest.raises(EnvError, match="the port is not a number"):
        parse_database_url("postgres://host:abc/db")


def test_redis_urls():
    assert check_redis_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
    with pytest.raises(EnvError, match="expected redis://host:port/db"):
        check_redis_url("http://localhost")


def test_several_redis_hosts_are_refused_with_the_reason():
    with pytest.raises(EnvError, match="one Redis host only") as refused:
        check_redis_url("redis://a:6379,b:6379/0")
    assert "pub/sub messages reach only the subscribers of the server" in str(refused.value)
