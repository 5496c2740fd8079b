"""Wrong join codes, counted per client address and shared across processes through the cache.

A seminar room is often one address (a NAT), and a join code carries 72 random bits, so
guessing is not the threat and a right code always joins. Only wrong codes are slowed down:
after JOIN_FREE_FAILURES of them from one address within the window, the next wrong code is
answered only after a wait that starts at 2 s and doubles, up to JOIN_MAX_WAIT_SECONDS. The
count is approximate under concurrent requests (get then set): it slows a script down, which
is all it is for."""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 600  # a failure is forgotten ten minutes after the last one
FIRST_WAIT_SECONDS = 2


def client_address(request) -> str:
    # Behind the documented proxy, uvicorn --proxy-headers sets it from X-Forwarded-For for
    # the addresses in FORWARDED_ALLOW_IPS (README, "Production").
    return request.META.get("REMOTE_ADDR", "unknown")


def _key(request) -> str:
    return f"join-failures:{client_address(request)}"


def wait_seconds(request) -> int:
    """Whole seconds this address must wait before its next wrong code is looked at; 0 if
    none."""
    _, until = cache.get(_key(request), (0, 0.0))
    return max(0, math.ceil(until - time.time()))


def record_failure(request) -> int:
    """Count a wrong code; the wait it earns the address (0 while it is within the free
    failures)."""
    key = _key(request)
    failures, _ = cache.get(key, (0, 0.0))
    failures += 1
    over = failures - settings.JOIN_FREE_FAILURES
    wait = 0
    if over > 0:
        wait = min(FIRST_WAIT_SECONDS * 2 ** min(over - 1, 16), settings.JOIN_MAX_WAIT_SECONDS)
    cache.set(key, (failures, time.time() + wait), WINDOW_SECONDS)
    return wait
