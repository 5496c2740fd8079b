"""GET /healthz: for load balancers and compose health checks. No login: it says only whether
this process works, and why not."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.http import require_safe

from wargame.live.hub import live_hubs, publishing_problems


@require_safe
def healthz(request):
    """200 when the process can reach its database and publish committed events; 503 with the
    reasons otherwise (e.g. "cannot publish to Redis since …, N events waiting, M dropped")."""
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        problems.append(f"database: {exc}")
    problems += publishing_problems()
    publishers = [hub.publisher for hub in live_hubs() if hub.publisher is not None]
    body = {
        "status": "unavailable" if problems else "ok",
        "problems": problems,
        "delivery": "redis" if settings.REDIS_URL else "memory",
        "published": sum(p.health.published for p in publishers),
        "waiting": sum(len(p.waiting) for p in publishers),
        "dropped": sum(p.health.dropped for p in publishers),
    }
    return JsonResponse(body, status=503 if problems else 200)
