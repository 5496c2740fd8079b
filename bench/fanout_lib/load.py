"""Running one load: connect every socket, send on the timetable (open loop), drain, measure.

The app and the chat baseline go through the same steps with the same client; a `Target` says
what differs (the server, its rooms, whether it greets and acks, how its frames read).
"""

from __future__ import annotations

import asyncio
import math
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .client import Sock, close_all, connect_all, start_readers
from .common import log
from .cpu import background_busy_pct, snapshot, window_figures
from .plan import Room, Timetable, sockets_for
from .recorder import Recorder
from .uvicorn_server import UvicornServer


@dataclass
class Target:
    """What one load runs against, and how it speaks."""

    server: UvicornServer
    mode: str
    rooms: list[Room]
    timetable: Callable[[list[list[Sock]]], Timetable]  # built once every socket is open
    frames: Callable[[Recorder], Callable]  # client.app_frames or client.chat_frames
    welcome: bool  # the first frame names the socket's role and team
    answers: bool  # every command is acked (or refused)
    profile: bool = False  # py-spy may sample the server (--py-spy)


@dataclass
class LoadResult:
    st: Recorder
    total: int
    sockets: int
    connect_s: float
    drain_s: float
    t0_wall: float
    window_end_wall: float
    send_window_s: float
    completed_in_window: int
    cpu: dict


def run(target: Target, args) -> LoadResult:
    """run_load on uvloop when it is installed, as uvicorn itself does."""
    try:
        import uvloop

        loop_factory = uvloop.new_event_loop
    except ImportError:
        loop_factory = None
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        return runner.run(run_load(target, args))


async def run_load(target: Target, args) -> LoadResult:
    groups = sockets_for(target.rooms)
    socks = [s for group in groups for s in group]
    port = target.server.port
    connect_s = await connect_all(socks, port, welcome=target.welcome, deflate=args.deflate)
    timetable = target.timetable(groups)
    st = Recorder(timetable.total)
    readers = start_readers(socks, st, target.frames(st))

    server_pids = target.server.pids()
    background_pct = await background_busy_pct(server_pids)
    if background_pct and background_pct > 10:
        log(f"warning: the machine is {background_pct}% busy before the load starts")
    profiler = await start_profiler(target, args) if target.profile else None

    cpu_before = snapshot(server_pids)
    log(f"sending {timetable.total} events at {args.rate}/s for {args.duration}s (open loop)")
    t0, wall0, send_end = await send_on_timetable(timetable, st)
    cpu_after = snapshot(server_pids)
    log(f"sent {st.sent} in {send_end - t0:.2f}s; draining up to {args.drain}s")
    await drain(st, args.drain, answers=target.answers)
    drain_s = time.perf_counter() - send_end

    await stop_profiler(profiler)
    await close_all(socks, readers, st)
    send_window = max(send_end - t0, 1e-9)
    return LoadResult(
        st=st,
        total=timetable.total,
        sockets=len(socks),
        connect_s=connect_s,
        drain_s=drain_s,
        t0_wall=wall0,
        window_end_wall=wall0 + args.duration,
        send_window_s=send_window,
        completed_in_window=st.completed_by(timetable.total, t0 + args.duration),
        cpu=window_figures(cpu_before, cpu_after, background_pct, send_window),
    )


async def send_on_timetable(timetable: Timetable, st: Recorder) -> tuple[float, float, float]:
    """Send every tick at its time, never waiting for answers; (t0, t0 wall clock, end)."""
    from websockets.exceptions import ConnectionClosed

    pc = time.perf_counter
    t0 = pc() + 0.2
    wall0 = time.time() + 0.2
    for i in range(timetable.total):
        due = t0 + timetable.offset(i)
        delay = due - pc()
        if delay > 0:
            await asyncio.sleep(delay)
        room, command = timetable.command(i)
        st.kind[i] = command.kind
        st.event_ex[i] = room
        st.audience[i] = command.audience
        st.expected[i] = timetable.expected(room, command.audience)
        now = pc()
        st.send_lag.append(now - due)
        st.send_t[i] = now
        st.send_wall[i] = wall0 + (now - t0)
        try:
            await command.sock.ws.send(command.payload)
            st.sent += 1
        except ConnectionClosed:
            st.errors["send_on_closed_socket"] += 1
            st.expected[i] = 0
    return t0, wall0, pc()


async def drain(st: Recorder, seconds: float, *, answers: bool) -> None:
    """Wait up to `seconds` for the deliveries still due (and the answers, if any come)."""
    expected_total = sum(st.expected)
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        if len(st.latencies) >= expected_total and (not answers or len(st.answered) >= st.sent):
            return
        await asyncio.sleep(0.05)


async def start_profiler(target: Target, args) -> subprocess.Popen | None:
    """py-spy on the server during the send phase (it costs some CPU itself)."""
    if not args.py_spy:
        return None
    server = target.server
    out = Path(args.py_spy_dir or server.tmpdir) / f"py-spy-{target.mode}-{os.getpid()}.txt"
    profiler = subprocess.Popen(
        [
            args.py_spy, "record", "--subprocesses", "--nonblocking", "--format", "raw",
            "--rate", "100", "--duration", str(math.ceil(args.duration)),
            "--pid", str(server.proc.pid), "--output", str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    log(f"py-spy recording to {out}")
    await asyncio.sleep(0.5)
    return profiler


async def stop_profiler(profiler: subprocess.Popen | None) -> None:
    if profiler is None:
        return
    try:
        await asyncio.to_thread(profiler.wait, 30)
    except subprocess.TimeoutExpired:
        profiler.kill()
        profiler.wait()
