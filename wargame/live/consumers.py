"""The exercise WebSocket: welcome snapshot, resume by `since`, live events filtered by audience,
and client commands answered by ack or error frames."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from wargame.game import rules
from wargame.game.errors import CommandRefused
from wargame.live import presence
from wargame.live.broadcast import deferring_broadcasts, encode_frame, group_name, publish
from wargame.live.command_threads import in_command_thread
from wargame.live.identity import participant_for_scope
from wargame.live.protocol import FrameRefused, parse_frame, run_command
from wargame.live.snapshot import events_between, welcome_and_backlog

log = logging.getLogger(__name__)

REFUSED = 4403  # close code for a connection without a seat in this exercise
QUEUED_COMMANDS = 64  # a client further ahead than this waits for its socket to be read again
# How long an event that arrived early waits for the broadcasts before it, before they are read
# from the log instead. Processes and threads publish independently, so broadcasts overtake
# each other by a few milliseconds under load; a channel layer may also drop one.
GAP_WAIT_SECONDS = 0.2


class ExerciseConsumer(AsyncWebsocketConsumer):
    participant = None
    group = None  # set only once the participant has been admitted to the exercise group
    heartbeat = None
    commands = None  # frames waiting for the command task, in the order they arrived
    command_task = None
    cursor = 0  # the last exercise seq this connection has handled (delivered or filtered)
    gap_task = None  # reads missing events from the log if they do not arrive in time

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.early = {}  # seq -> group message that arrived before the ones it follows
        self.in_order = asyncio.Lock()  # held while delivering, by the dispatch loop or gap_task

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
        # Commands run one at a time, in order, in their own task: while one waits for the
        # database, events keep flowing to this socket.
        self.commands = asyncio.Queue(QUEUED_COMMANDS)
        self.command_task = asyncio.create_task(self._run_commands())

    async def dispatch(self, message):
        # Channels closes stale DB connections before every message, with a hop to the one
        # database thread: with 25 sockets that is 25 queued turns per event. Live events and
        # incoming frames touch the database only through database_sync_to_async (a gap fill,
        # the command task), which cleans up itself, so they skip it. docs/performance.md.
        if message["type"] == "exercise.event":
            await self.exercise_event(message)
        elif message["type"] == "websocket.receive":
            await self.websocket_receive(message)
        else:
            await super().dispatch(message)

    async def disconnect(self, code):
        if self.heartbeat is not None:
            self.heartbeat.cancel()
        if self.command_task is not None:
            # A command already on the database thread still commits and is published (see
            # _command); the ones still queued are dropped, unacknowledged, for the client to
            # send again with the same ids.
            self.command_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.command_task
        if self.gap_task is not None:
            self.gap_task.cancel()
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
        await self.commands.put(text_data)

    async def _run_commands(self):
        while True:
            text_data = await self.commands.get()
            try:
                reply = await asyncio.shield(self._command(text_data))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("command failed on exercise %s", self.exercise_id)
                await self.close(code=1011)
                return
            await self._send(reply)

    async def _command(self, text_data: str | None) -> dict:
        """Run one command frame and publish what it committed; the ack or error frame.
        Shielded from cancellation: once on the database thread, a command commits, and its
        events must reach the others even if this client has gone."""
        frame_id = None
        committed = []
        try:
            if text_data is None:
                raise CommandRefused("bad_json", "frame: send JSON text frames, not binary")
            try:
                frame = parse_frame(text_data)
            except FrameRefused as exc:
                frame_id = exc.id
                raise exc.refusal from None
            frame_id = frame.id
            event = await in_command_thread(deferring_broadcasts)(
                committed, run_command, self.participant, frame
            )
        except CommandRefused as refusal:
            return {
                "type": "error",
                "id": frame_id,
                "code": refusal.code,
                "message": refusal.message,
            }
        finally:
            await publish(committed)
        return {"type": "ack", "id": frame_id, "seq": event.seq}

    async def exercise_event(self, message):
        """A committed event from the group. Events go out in seq order, never with a gap: one
        that arrives early waits for the ones before it, which are read from the log if their
        broadcasts are late by more than GAP_WAIT_SECONDS."""
        if message["seq"] <= self.cursor:
            return
        self.early[message["seq"]] = message
        async with self.in_order:
            await self._deliver_ready()

    async def _deliver_ready(self):
        while self.cursor + 1 in self.early:
            message = self.early.pop(self.cursor + 1)
            self.cursor = message["seq"]
            if rules.admits(message["audience"], self.participant.role, self.participant.team_code):
                await self._send_text(message["frame"])
        if not self.early and self.gap_task is not None:
            self.gap_task.cancel()
            self.gap_task = None
        elif self.early and self.gap_task is None:
            self.gap_task = asyncio.create_task(self._fill_gap_later())

    async def _fill_gap_later(self):
        await asyncio.sleep(GAP_WAIT_SECONDS)
        async with self.in_order:
            self.gap_task = None
            if not self.early:
                return
            upto = max(self.early)
            missed = await database_sync_to_async(events_between)(
                self.exercise_id, self.participant, self.cursor, upto
            )
            for frame in missed:
                await self._send(frame)
            self.cursor = upto
            self.early = {seq: m for seq, m in self.early.items() if seq > upto}
            await self._deliver_ready()

    async def _send(self, frame: dict) -> None:
        await self._send_text(encode_frame(frame))

    async def _send_text(self, text: str) -> None:
        # Straight to the server (through the session middleware's wrapper), skipping the two
        # layers of self.send: this runs once per recipient of every event.
        await self.base_send({"type": "websocket.send", "text": text})


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
