"""Sending committed events to an exercise's channel-layer group (once, not per recipient)."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def group_name(exercise_id: int) -> str:
    return f"exercise.{exercise_id}"


def broadcast_event(exercise_id: int, wire_event: dict) -> None:
    """Called from transaction.on_commit only, so no client sees a rolled-back event."""
    layer = get_channel_layer()
    async_to_sync(layer.group_send)(
        group_name(exercise_id), {"type": "exercise.event", "event": wire_event}
    )
