"""Strict parsing of settings from environment variables: a bad value is an error, never a guess."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, unquote, urlsplit

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


class EnvError(ValueError):
    """A variable holds a value we refuse to interpret; the message names the variable."""


def env_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise EnvError(
        f"{name}={raw!r} is not a boolean: use one of "
        f"{', '.join(sorted(TRUE_WORDS))} or {', '.join(sorted(FALSE_WORDS))}"
    )


def env_int(env: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise EnvError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise EnvError(f"{name}={value} is below the minimum of {minimum}")
    return value


def env_list(env: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise EnvError(f"{name}={raw!r} has an empty item: separate values with single commas")
    return items


def parse_database_url(url: str, *, name: str = "DATABASE_URL") -> dict:
    """postgres://user:pass@host:port/db?opt=x or sqlite:///path to a DATABASES entry."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute/path.db, as in dj-database-url.
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path:
            raise EnvError(f"{name}={url!r}: a sqlite URL needs a file path (sqlite:///db.sqlite3)")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    if scheme in {"postgres", "postgresql", "pgsql"}:
        db = unquote(parts.path.lstrip("/"))
        if not db:
            raise EnvError(f"{name}={url!r}: no database name after the host (…:5432/wargame)")
        try:
            port = parts.port
        except ValueError:
            raise EnvError(f"{name}={url!r}: the port is not a number") from None
        options = dict(parse_qsl(parts.query))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": db,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "OPTIONS": options,
        }
    raise EnvError(
        f"{name}={url!r}: unsupported scheme {scheme!r}; use postgres://… or sqlite:///…"
    )


def check_redis_url(url: str, *, name: str = "REDIS_URL") -> str:
    """One Redis server: every server process publishes and subscribes to committed events
    there, and pub/sub reaches only the subscribers of the server a message was published on."""
    if "," in url:
        raise EnvError(
            f"{name}={url!r}: one Redis host only (redis://host:port/db): every server process "
            "must publish and subscribe on the same Redis, as pub/sub messages reach only the "
            "subscribers of the server they were published on"
        )
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise EnvError(f"{name}={url!r}: expected redis://host:port/db or rediss://…")
    try:
        parts.port  # noqa: B018 - raises on a non-numeric port
    except ValueError:
        raise EnvError(f"{name}={url!r}: the port is not a number") from None
    return url
