"""The exercise WebSocket: welcome snapshot, resume by `since`, live events filtered by audience,
and client commands answered by ack or error frames."""

from __future__ import annotations

import asyncio
import json
import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from wargame.game import rules
from wargame.game.errors import CommandRefused
from wargame.game.snapshot import events_between, to_client_frame, welcome_and_backlog
from wargame.live import presence
from wargame.live.broadcast import group_name
from wargame.live.identity import participant_for_scope
from wargame.live.protocol import FrameRefused, parse_frame, run_command

log = logging.getLogger(__name__)

REFUSED = 4403  # close code for a connection without a seat in this exercise


class ExerciseConsumer(AsyncWebsocketConsumer):
    participant = None
    group = None  # set only once the participant has been admitted to the exercise group
    heartbeat = None
    cursor = 0  # the last exercise seq this connection has handled (delivered or filtered)

    async def connect(self):
        self.exercise_id = int(self.scope["url_route"]["kwargs"]["exercise_id"])
        since = _since(self.scope.get("query_string", b""))
        self.participant = await database_sync_to_async(participant_for_scope)(
            self.scope, self.exercise_id
        )
        if self.participant is None or since is False:
            await self.close(code=REFUSED)
            return
        self.group = group_name(self.exercise_id)
        # Join the group before reading the log, so nothing committed in between is missed;
        # events that arrive meanwhile wait in our channel and are de-duplicated by seq.
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        welcome, backlog = await database_sync_to_async(welcome_and_backlog)(
            self.exercise_id, self.participant, since
        )
        self.cursor = welcome["last_seq"]
        await self._send(welcome)
        for frame in backlog:
            await self._send(frame)
        await database_sync_to_async(presence.connected)(self.channel_name, self.participant)
        await self.channel_layer.group_send(self.group, {"type": "presence.changed"})
        self.heartbeat = asyncio.create_task(self._beat())

    async def dispatch(self, message):
        # Channels closes stale DB connections before every message, on the one thread that
        # also runs every command: with 25 sockets that is 25 queued turns per event. Live
        # events touch the database only to fill a gap (through database_sync_to_async, which
        # cleans up itself), so they skip it. Measured in docs/performance.md.
        if message["type"] == "exercise.event":
            await self.exercise_event(message)
            return
        await super().dispatch(message)

    async def disconnect(self, code):
        if self.heartbeat is not None:
            self.heartbeat.cancel()
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await database_sync_to_async(presence.disconnected)(self.channel_name)
            await self.channel_layer.group_send(self.group, {"type": "presence.changed"})

    async def _beat(self):
        while True:
            await asyncio.sleep(presence.HEARTBEAT_SECONDS)
            await database_sync_to_async(presence.still_here)(self.channel_name)

    async def presence_changed(self, message):
        """Someone connected or left: control seats get the new list (not logged)."""
        if self.participant.is_control:
            online = await database_sync_to_async(presence.online)(self.exercise_id)
            await self._send({"type": "presence", "online": online})

    async def receive(self, text_data=None, bytes_data=None):
        frame_id = None
        try:
            if text_data is None:
                raise CommandRefused("bad_json", "frame: send JSON text frames, not binary")
            try:
                frame = parse_frame(text_data)
            except FrameRefused as exc:
                frame_id = exc.id
                raise exc.refusal from None
            frame_id = frame.id
            event = await database_sync_to_async(run_command)(self.participant, frame)
        except CommandRefused as refusal:
            await self._send(
                {"type": "error", "id": frame_id, "code": refusal.code, "message": refusal.message}
            )
            return
        await self._send({"type": "ack", "id": frame_id, "seq": event.seq})

    async def exercise_event(self, message):
        """A committed event from the group. Broadcasts can overtake each other, so a gap is
        filled from the log before going on: a client never sees seq 7 before seq 6."""
        event = message["event"]
        seq = event["seq"]
        if seq <= self.cursor:
            return
        if seq > self.cursor + 1:
            missed = await database_sync_to_async(events_between)(
                self.exercise_id, self.participant, self.cursor, seq - 1
            )
            for frame in missed:
                await self._send(frame)
        self.cursor = seq
        if rules.admits(event["audience"], self.participant.role, self.participant.team_code):
            await self._send(to_client_frame(event))

    async def _send(self, frame: dict) -> None:
        await self.send(text_data=json.dumps(frame, separators=(",", ":")))


def _since(query_string: bytes) -> int | None | bool:
    """The `since` parameter: None when absent, False when malformed."""
    values = parse_qs(query_string.decode("latin-1")).get("since")
    if not values:
        return None
    try:
        since = int(values[0])
    except ValueError:
        return False
    return since if since >= 0 else False
