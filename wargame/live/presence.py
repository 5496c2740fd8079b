"""Who is online: one row per open WebSocket. Presence is not game state and is not logged."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from wargame.game.models import Participant
from wargame.live.models import Connection

# A server that dies cannot delete its rows; consumers touch theirs every HEARTBEAT seconds,
# and rows older than STALE are ignored.
HEARTBEAT_SECONDS = 30
STALE = timedelta(seconds=3 * HEARTBEAT_SECONDS)


def connected(channel_name: str, participant: Participant) -> None:
    Connection.objects.update_or_create(
        channel_name=channel_name,
        defaults={
            "participant": participant,
            "exercise_id": participant.exercise_id,
            "seen_at": timezone.now(),
        },
    )


def disconnected(channel_name: str) -> None:
    Connection.objects.filter(channel_name=channel_name).delete()


def still_here(channel_name: str) -> None:
    Connection.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())


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
