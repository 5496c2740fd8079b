"""The WebSocket side of the client: connect every socket, read every frame, close them all.

One reader loop and one recorder serve both the app and the chat baseline, so latency is
measured the same way for both (send → receive, `time.perf_counter`, one process). Only the
decoding of a frame differs: the app wraps the text in a JSON event frame and answers commands
with acks; the chat echoes the bare text.
"""

from __future__ import annotations

import asyncio
import json
import time

from .common import HOST, TOKEN, BenchError, log
from .recorder import Recorder


class Sock:
    __slots__ = ("idx", "ex", "path", "cookie", "role", "team", "control", "ws", "seen", "closed")

    def __init__(self, idx: int, ex: int, path: str, cookie: str | None):
        self.idx, self.ex, self.path, self.cookie = idx, ex, path, cookie
        self.role = self.team = self.ws = None
        self.control = False
        self.seen: set[int] = set()
        self.closed = False


async def connect_all(socks: list[Sock], port: int, *, welcome: bool, deflate: bool) -> float:
    """Open every socket (16 handshakes at a time); the seconds it took."""
    gate = asyncio.Semaphore(16)
    log(f"connecting {len(socks)} WebSockets")
    t = time.perf_counter()
    await asyncio.gather(*(_open(s, port, gate, welcome, deflate) for s in socks))
    connect_s = time.perf_counter() - t
    if welcome:
        log(f"all {len(socks)} welcomes received in {connect_s:.1f}s")
    else:
        log(f"all {len(socks)} connected in {connect_s:.1f}s")
    return connect_s


async def _open(s: Sock, port: int, gate: asyncio.Semaphore, welcome: bool, deflate: bool):
    from websockets.asyncio.client import connect

    async with gate:
        s.ws = await connect(
            f"ws://{HOST}:{port}{s.path}",
            origin=f"http://{HOST}:{port}",
            additional_headers={"Cookie": f"sessionid={s.cookie}"} if s.cookie else None,
            compression="deflate" if deflate else None,
            proxy=None,
            open_timeout=60,
            ping_interval=None,
            close_timeout=2,
            max_queue=None,
            user_agent_header=None,
        )
        if not welcome:
            return
        first = json.loads(await asyncio.wait_for(s.ws.recv(), 60))
    if first.get("type") != "welcome":
        raise BenchError(f"first frame is not a welcome: {first}")
    s.role, s.team = first["you"]["role"], first["you"]["team"]
    s.control = s.role in ("facilitator", "observer")


def app_frames(st: Recorder):
    """Decode the app's frames: acks and errors answer commands, events carry `bench#<i>`."""
    loads = json.loads
    plen = len(TOKEN)

    def on_frame(sock: Sock, raw: str, now: float) -> None:
        decoded = loads(raw)
        if isinstance(decoded, list):  # a batch of frames (a resume's backlog)
            for frame in decoded:
                on_one(sock, frame, now)
        else:
            on_one(sock, decoded, now)

    def on_one(sock: Sock, frame: dict, now: float) -> None:
        kind = frame["type"]
        if kind == "ack" or kind == "error":
            st.on_answer(frame, now)
            return
        data = frame.get("data")
        text = data.get("text") or data.get("body") if data else None
        if text and text.startswith(TOKEN):
            st.on_event(sock, int(text[plen : text.index(" ", plen)]), now)

    return on_frame


def chat_frames(st: Recorder):
    """Decode the chat's frames: the text that was sent, as it was sent."""
    plen = len(TOKEN)

    def on_frame(sock: Sock, raw: str, now: float) -> None:
        if raw.startswith(TOKEN):
            st.on_event(sock, int(raw[plen : raw.index(" ", plen)]), now)

    return on_frame


def start_readers(socks: list[Sock], st: Recorder, on_frame) -> list[asyncio.Task]:
    return [asyncio.create_task(_read(s, st, on_frame)) for s in socks]


async def _read(s: Sock, st: Recorder, on_frame) -> None:
    from websockets.exceptions import ConnectionClosed

    pc = time.perf_counter
    try:
        async for raw in s.ws:
            on_frame(s, raw, pc())
    except ConnectionClosed:
        pass
    finally:
        s.closed = True
        if not st.stopping:
            st.disconnects += 1


async def close_all(socks: list[Sock], readers: list[asyncio.Task], st: Recorder) -> None:
    st.stopping = True
    await asyncio.gather(*(s.ws.close() for s in socks), return_exceptions=True)
    await asyncio.gather(*readers, return_exceptions=True)
