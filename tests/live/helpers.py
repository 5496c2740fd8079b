"""Connecting WebsocketCommunicators to the real ASGI application with real session cookies."""

from __future__ import annotations

import asyncio
import collections
import json

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from wargame.asgi import application
from wargame.live.identity import remember_seat

ORIGIN = "http://127.0.0.1:8000"


def player_cookie(participant) -> str:
    session = SessionStore()
    remember_seat(session, participant)
    session.save()
    return session.session_key


def user_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


class Socket:
    """A connected client: send commands, read frames, and collect events by seq.

    An event may come before or after the ack of the command that caused it (docs/protocol.md),
    so `reply` keeps the frames it passes over for the next reads."""

    def __init__(self, communicator: WebsocketCommunicator):
        self.comm = communicator
        self.passed_over = collections.deque()
        self.unread = collections.deque()  # the rest of a batched message
        self.batches = 0  # messages that were arrays of frames

    async def send(self, frame_id, kind, data=None):
        await self.comm.send_to(
            text_data=json.dumps({"id": frame_id, "type": kind, "data": data or {}})
        )

    async def send_raw(self, text: str):
        await self.comm.send_to(text_data=text)

    async def _read(self, timeout: float) -> dict:
        """The next frame; a message may be an array of frames (docs/protocol.md)."""
        if self.unread:
            return self.unread.popleft()
        decoded = json.loads(await self.comm.receive_from(timeout=timeout))
        if isinstance(decoded, list):
            self.batches += 1
            self.unread.extend(decoded[1:])
            return decoded[0]
        return decoded

    async def recv(self, timeout=5.0) -> dict:
        if self.passed_over:
            return self.passed_over.popleft()
        return await self._read(timeout)

    async def reply(self, frame_id, timeout=5.0) -> dict:
        """The ack or error for `frame_id`; other frames stay for the next reads."""
        for frame in self.passed_over:
            if _answers(frame, frame_id):
                self.passed_over.remove(frame)
                return frame
        while True:
            frame = await self._read(timeout)
            if _answers(frame, frame_id):
                return frame
            self.passed_over.append(frame)

    async def events(self, count: int, timeout=5.0) -> list[dict]:
        frames = []
        while len(frames) < count:
            frame = await self.recv(timeout)
            if "seq" in frame and frame["type"] not in ("ack", "welcome"):
                frames.append(frame)
        return frames

    async def frames_for(self, seconds=0.5) -> list[dict]:
        """Every frame that arrives within `seconds` (and any passed over before)."""
        frames = list(self.passed_over) + list(self.unread)
        self.passed_over.clear()
        self.unread.clear()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while loop.time() < deadline:
            # receive_from with a timeout would cancel the app; poll with receive_nothing.
            if not await self.comm.receive_nothing(timeout=0.05):
                frames.append(await self._read(5.0))
                frames.extend(self.unread)
                self.unread.clear()
        return frames

    async def nothing_more(self, timeout=0.3) -> bool:
        if self.passed_over or self.unread:
            return False
        return await self.comm.receive_nothing(timeout=timeout)

    async def close(self):
        await self.comm.disconnect()


async def connect(exercise_id, cookie, *, since=None, origin=ORIGIN):
    path = f"/ws/exercises/{exercise_id}/" + (f"?since={since}" if since is not None else "")
    headers = [(b"host", b"127.0.0.1:8000"), (b"origin", origin.encode())]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=5)
    if not connected:
        # As a real server does after a refusal: tell the app the socket is gone, and surface
        # any exception the consumer raised while cleaning up.
        await communicator.send_input({"type": "websocket.disconnect", "code": code})
        await communicator.wait(timeout=2)
    return (Socket(communicator) if connected else None), code


async def join(exercise_id, cookie, since=None) -> tuple[Socket, dict]:
    socket, code = await connect(exercise_id, cookie, since=since)
    assert socket is not None, f"refused with {code}"
    welcome = await socket.recv()
    assert welcome["type"] == "welcome"
    return socket, welcome


def cookie_for(participant_or_user):
    from wargame.game.models import Participant

    if isinstance(participant_or_user, Participant):
        return database_sync_to_async(player_cookie)(participant_or_user)
    return database_sync_to_async(user_cookie)(participant_or_user)


async def settle():
    await asyncio.sleep(0.05)


def _answers(frame: dict, frame_id) -> bool:
    return frame["type"] in ("ack", "error") and frame.get("id") == frame_id


class RecordingConsumer:
    """What a consumer is to a stream or the hub: something that takes events in order."""

    def __init__(self):
        self.seqs = []
        self.presence = []

    def take(self, message):
        self.seqs.append(message["seq"])

    def take_presence(self, message):
        self.presence.append(message["presence"])
