"""The exercise WebSocket: welcome snapshot, resume by `since`, live events filtered by audience,
and client commands answered by ack or error frames."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from wargame.game import rules
from wargame.game.errors import CommandRefused
from wargame.live import presence
from wargame.live.broadcast import (
    batched,
    deferring_broadcasts,
    encode_frame,
    publish,
)
from wargame.live.command_threads import in_command_thread
from wargame.live.hub import running_hub
from wargame.live.identity import participant_for_scope
from wargame.live.protocol import SEAT_WITHDRAWN, FrameRefused, parse_frame, run_command
from wargame.live.snapshot import welcome_frame

log = logging.getLogger(__name__)

REFUSED = 4403  # close code for a connection without a seat in this exercise
TOO_SLOW = 1013  # "try again later": the client did not read its frames; it resumes by `since`
QUEUED_COMMANDS = 64  # a client further ahead than this waits for its socket to be read again
QUEUED_FRAMES = 1000  # frames waiting for a client that does not read before we drop it


class ExerciseConsumer(AsyncWebsocketConsumer):
    """Events come from the hub's stream of the exercise (hub.py), every one, in seq order and
    without gaps (the stream fills those from the log, once per process). This consumer only
    skips what its welcome already covered and what its seat may not see."""

    participant = None
    hub = None
    stream = None  # set once the participant is admitted and registered with the hub
    cursor = None  # the last exercise seq this socket has handled; None until the welcome
    held = None  # events handed over while the welcome was being read and sent
    outbox = None  # frames for the writer task, in order
    writer = None
    closing = None  # the close of a socket that stopped reading
    heartbeat = None
    commands = None  # frames waiting for the command task, in the order they arrived
    command_task = None
    present = False  # its Connection row exists (presence.py)
    presence_at = float("-inf")  # the time of the newest presence list sent (control seats)

    async def connect(self):
        self.exercise_id = int(self.scope["url_route"]["kwargs"]["exercise_id"])
        since = _since(self.scope.get("query_string", b""))
        self.participant = await database_sync_to_async(participant_for_scope)(
            self.scope, self.exercise_id
        )
        if self.participant is None or since is False:
            await self.close(code=REFUSED)
            return
        self.role, self.team = self.participant.role, self.participant.team_code
        self.connection_id = uuid.uuid4().hex
        self.outbox = asyncio.Queue(QUEUED_FRAMES)
        self.held = []
        self.hub = running_hub()
        # Register before reading the log, so nothing committed in between is missed; what
        # arrives meanwhile is held, then de-duplicated by seq.
        self.stream = await self.hub.join(self.exercise_id, self)
        try:
            await self.accept()
            welcome = await database_sync_to_async(welcome_frame)(
                self.exercise_id, self.participant, fresh=since is None
            )
            await self._send(welcome)
            cursor = welcome["last_seq"]
            if since is not None:  # resuming: what it missed, read once for every socket
                await self._send_log(since, cursor)
            ahead = self.stream.start(cursor)
            if ahead > cursor:  # a new stream, started by a concurrent welcome (Stream.start)
                await self._send_log(cursor, ahead)
                cursor = ahead
        except BaseException:
            self._leave()
            raise
        self.cursor = cursor
        held, self.held = self.held, None
        for message in held:
            self.take(message)
        self.writer = asyncio.create_task(self._write())
        await database_sync_to_async(presence.connected)(self.connection_id, self.participant)
        self.present = True
        self.hub.presence_changed(self.exercise_id)
        self.heartbeat = asyncio.create_task(self._beat())
        # Commands run one at a time, in order, in their own task: while one waits for the
        # database, events keep flowing to this socket.
        self.commands = asyncio.Queue(QUEUED_COMMANDS)
        self.command_task = asyncio.create_task(self._run_commands())

    async def dispatch(self, message):
        # Channels closes stale DB connections before every message, with a hop to the one
        # database thread. Incoming frames touch the database only in the command task, which
        # cleans up itself, so they skip it. docs/performance.md.
        if message["type"] == "websocket.receive":
            await self.websocket_receive(message)
        else:
            await super().dispatch(message)

    async def disconnect(self, code):
        self._leave()
        if self.heartbeat is not None:
            self.heartbeat.cancel()
        if self.writer is not None:
            self.writer.cancel()
        if self.command_task is not None:
            # A command already on the database thread still commits and is published (see
            # _command); the ones still queued are dropped, unacknowledged, for the client to
            # send again with the same ids.
            self.command_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.command_task
        if self.present:
            await database_sync_to_async(presence.disconnected)(self.connection_id)
            self.hub.presence_changed(self.exercise_id)

    def _leave(self) -> None:
        if self.stream is not None:
            self.hub.leave(self.exercise_id, self)
            self.stream = None

    async def _beat(self):
        while True:
            await asyncio.sleep(presence.HEARTBEAT_SECONDS)
            await database_sync_to_async(presence.still_here)(self.connection_id)

    # From the hub's stream, on the loop, synchronously: keep these cheap ---------------------

    def take(self, message: dict) -> None:
        """The exercise's next event, in seq order, none missing (Stream)."""
        if self.held is not None:
            self.held.append(message)
            return
        seq = message["seq"]
        if seq <= self.cursor:
            return  # already in the welcome or the backlog
        self.cursor = seq
        if rules.admits(message["audience"], self.role, self.team):
            self._queue(message["frame"])

    def take_presence(self, message: dict) -> None:
        """Someone connected or left: control seats get the newest list (presence.py)."""
        if (
            self.held is None
            and self.participant.is_control
            and message["presence"] >= (self.presence_at)
        ):
            self.presence_at = message["presence"]
            self._queue(message["frame"])

    def _queue(self, text: str) -> None:
        try:
            self.outbox.put_nowait(text)
        except asyncio.QueueFull:
            # The client stopped reading. Dropping frames would leave it a gap; closing lets it
            # resume from the log with `since` when it comes back.
            log.warning("exercise %s: closing a socket that stopped reading", self.exercise_id)
            self._leave()
            self.closing = asyncio.get_running_loop().create_task(self.close(code=TOO_SLOW))

    async def _write(self):
        while True:
            text = await self.outbox.get()
            try:
                await self._send_text(text)
            except (OSError, RuntimeError):  # the client is gone or closed: disconnect follows
                return

    # Commands ------------------------------------------------------------------------------

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
            if reply.get("code") == SEAT_WITHDRAWN:
                await self.close(code=REFUSED)
                return

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
            publish(self.hub, committed)
        return {"type": "ack", "id": frame_id, "seq": event.seq}

    async def _send_log(self, after: int, upto: int) -> None:
        """The events after..upto this seat may see, from the log, in batched messages."""
        messages = await self.hub.backlog.messages(self.exercise_id, after, upto)
        visible = [
            m["frame"] for m in messages if rules.admits(m["audience"], self.role, self.team)
        ]
        for text in batched(visible):
            await self._send_text(text)

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
