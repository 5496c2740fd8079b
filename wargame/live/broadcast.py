"""Sending committed events to an exercise's channel-layer group (once, not per recipient).

The message carries the client frame already encoded as JSON text, so each recipient's
consumer only checks the audience and writes the text: one `json.dumps` per event, not one per
socket.

Events are published after commit. An action run from a WebSocket command publishes from the
consumer's event loop (`deferring_broadcasts` collects them on the database thread); anything
else (the game clock, a page, the admin) publishes from its own thread.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from wargame.live.publisher import send_to_groups

_collector = threading.local()


def group_name(exercise_id: int) -> str:
    return f"exercise.{exercise_id}"


def encode_frame(frame: dict) -> str:
    return json.dumps(frame, separators=(",", ":"))


def to_client_frame(wire_event: dict) -> dict:
    """The frame as a client sees it: the audience stays on the server."""
    return {k: v for k, v in wire_event.items() if k != "audience"}


def event_message(wire_event: dict) -> dict:
    """The group message for one event: seq and audience for the consumer, the frame as text."""
    return {
        "type": "exercise.event",
        "seq": wire_event["seq"],
        "audience": wire_event["audience"],
        "frame": encode_frame(to_client_frame(wire_event)),
    }


def broadcast_event(exercise_id: int, wire_event: dict) -> None:
    """Called from transaction.on_commit only, so no client sees a rolled-back event."""
    message = event_message(wire_event)
    pending = getattr(_collector, "pending", None)
    if pending is not None:
        pending.append((exercise_id, message))
        return
    async_to_sync(get_channel_layer().group_send)(group_name(exercise_id), message)


def deferring_broadcasts(pending: list, work: Callable, *args):
    """Call `work(*args)`, putting the events it commits into `pending` instead of publishing
    them from this (database) thread: the caller publishes them with `publish` from its event
    loop, so the database thread never waits for the channel layer."""
    _collector.pending = pending
    try:
        return work(*args)
    finally:
        _collector.pending = None


async def publish(pending: list) -> None:
    """Publish what `deferring_broadcasts` collected, in order, from the event loop."""
    await send_to_groups([(group_name(exercise_id), message) for exercise_id, message in pending])
    pending.clear()
