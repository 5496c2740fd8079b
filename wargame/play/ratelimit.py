"""Count wrong join codes per client address, shared across processes through the cache."""

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 600


def client_address(request) -> str:
    # Behind a proxy, configure it to set REMOTE_ADDR (uvicorn --proxy-headers does).
    return request.META.get("REMOTE_ADDR", "unknown")


def _key(request) -> str:
    return f"join-failures:{client_address(request)}"


def too_many_failures(request) -> bool:
    return cache.get(_key(request), 0) >= settings.JOIN_FAILURES_PER_10_MIN


def record_failure(request) -> None:
    key = _key(request)
    if cache.add(key, 1, WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS)
