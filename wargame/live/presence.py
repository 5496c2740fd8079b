"""Who is online: one row per open WebSocket. Presence is not game state and is not logged.

A socket that connects or leaves records it, and tells its process's hub, which reads the new
list once for every change in the last PRESENCE_COALESCE_SECONDS (a classroom reconnecting at
once is one read, not one per socket, each of every row) and sends it to every control socket
of the exercise (no query per control socket). Lists from two processes may arrive in either
order; each carries the database's clock read after the changes it covers were committed and
before the list was read, and a control socket keeps the list with the latest time. That list
was read after every change that happened before the last one sent, so it is the current one.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from wargame.game.models import Participant
from wargame.live.models import Connection

# A server that dies cannot delete its rows; consumers touch theirs every HEARTBEAT seconds,
# and rows older than STALE are ignored.
HEARTBEAT_SECONDS = 30
STALE = timedelta(seconds=3 * HEARTBEAT_SECONDS)


def connected(connection_id: str, participant: Participant) -> None:
    """Record the socket (the hub then reads and sends the new list: changed())."""
    Connection.objects.create(
        channel_name=connection_id,  # new for each socket (consumers.py)
        participant=participant,
        exercise_id=participant.exercise_id,
        seen_at=timezone.now(),
    )


def disconnected(connection_id: str) -> None:
    Connection.objects.filter(channel_name=connection_id).delete()


def changed(exercise_id: int) -> tuple[float, list[dict]]:
    """The exercise's online list, with the time it was read after (see above)."""
    at = database_time()
    return at, online(exercise_id)


def database_time() -> float:
    """Now, by one clock for every server process: PostgreSQL's (processes may run on several
    machines). SQLite is one machine's file, so its processes share the machine's clock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            return cursor.fetchone()[0].timestamp()
    return time.time()


def still_here(connection_id: str) -> None:
    Connection.objects.filter(channel_name=connection_id).update(seen_at=timezone.now())


def online(exercise_id: int) -> list[dict]:
    """Each participant with at least one live connection, once."""
    rows = (
        Connection.objects.filter(exercise_id=exercise_id, seen_at__gte=timezone.now() - STALE)
        .select_related("participant__team")
        .order_by("participant_id")
    )
    seen = {}
    for row in rows:
        p = row.participant
        seen.setdefault(
            p.pk, {"participant": p.pk, "name": p.name, "role": p.role, "team": p.team_code}
        )
    return list(seen.values())
