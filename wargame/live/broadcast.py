"""Sending committed events to an exercise's sockets (once per process, not per recipient).

The message carries the client frame already encoded as JSON text, so each recipient's
consumer only checks the audience and writes the text: one `json.dumps` per event, not one per
socket.

Events are published after commit (`broadcast_event` is the commit hook LiveConfig installs in
wargame.game.log). An action run from a WebSocket command publishes from the consumer's event
loop (`deferring_broadcasts` collects them on the database thread); anything else (the game
clock, a page, the admin, a Celery task) from its own thread, through the hub (hub.py).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

_collector = threading.local()


def encode_frame(frame: dict) -> str:
    return json.dumps(frame, separators=(",", ":"))


def to_client_frame(wire_event: dict) -> dict:
    """The frame as a client sees it: the audience stays on the server."""
    return {k: v for k, v in wire_event.items() if k != "audience"}


def event_message(wire_event: dict) -> dict:
    """The message for one event: seq and audience for the consumer, the frame as text."""
    return {
        "seq": wire_event["seq"],
        "audience": wire_event["audience"],
        "frame": encode_frame(to_client_frame(wire_event)),
    }


def presence_message(at: float, online: list[dict]) -> dict:
    """Who is online, for control seats: no seq, not logged. `at` (the database's clock when the
    list was read) orders lists computed concurrently by different sockets or processes."""
    return {"presence": at, "frame": encode_frame({"type": "presence", "online": online})}


def broadcast_event(exercise_id: int, wire_event: dict) -> None:
    """Called after commit only, so no client sees a rolled-back event."""
    from wargame.live import hub  # hub imports this module

    message = event_message(wire_event)
    pending = getattr(_collector, "pending", None)
    if pending is not None:
        pending.append((exercise_id, message))
        return
    hub.publish_committed(exercise_id, message)


def deferring_broadcasts(pending: list, work: Callable, *args):
    """Call `work(*args)`, putting the events it commits into `pending` instead of publishing
    them from this (database) thread: the caller publishes them with `publish` from its event
    loop, so the database thread never waits for Redis."""
    _collector.pending = pending
    try:
        return work(*args)
    finally:
        _collector.pending = None


def publish(hub, pending: list) -> None:
    """Publish what `deferring_broadcasts` collected, in order, from the hub's event loop."""
    for exercise_id, message in pending:
        hub.publish(exercise_id, message)
    pending.clear()


BATCH_BYTES = 256 * 1024  # under the 1 MiB a client library accepts by default
BATCH_FRAMES = 500


def batched(texts: list[str]) -> list[str]:
    """Encoded frames as few WebSocket messages: a frame alone, or a JSON array of frames in
    order (docs/protocol.md), each message under BATCH_BYTES and BATCH_FRAMES frames."""
    messages, chunk, size = [], [], 0
    for text in texts:
        if chunk and (size + len(text) > BATCH_BYTES or len(chunk) == BATCH_FRAMES):
            messages.append(_message(chunk))
            chunk, size = [], 0
        chunk.append(text)
        size += len(text) + 1
    if chunk:
        messages.append(_message(chunk))
    return messages


def _message(chunk: list[str]) -> str:
    return chunk[0] if len(chunk) == 1 else "[" + ",".join(chunk) + "]"
