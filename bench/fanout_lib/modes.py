"""One mode end to end: the app's load on a fresh server, then, with --compare-chat, the same
load on the chat baseline right after it, added to the same JSON line."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from . import load
from .chat_server import ChatServer
from .client import app_frames, chat_frames
from .common import log
from .exercises import create_exercises, join_rooms
from .plan import AppTimetable, ChatTimetable, Room
from .project_server import ProjectServer, workers_for
from .report import (
    ServerRecord,
    app_line,
    chat_figures,
    p99_ratio,
    persisted_at,
    write_samples,
)


def run_mode(mode: str, args) -> dict:
    line = run_app(mode, args)
    if args.compare_chat:
        log(f"=== {mode}: chat baseline ===")
        try:
            line["chat"] = run_chat(mode, args)
        except Exception as exc:  # noqa: BLE001 - the app's figures still stand; say why not
            log(f"{mode} chat baseline failed: {exc}")
            line["chat"] = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
        line["p99_vs_chat"] = p99_ratio(line["p99_ms"], line["chat"].get("p99_ms"))
    return line


def run_app(mode: str, args) -> dict:
    tmpdir = Path(tempfile.mkdtemp(prefix=f"wargame-bench-{mode}-"))
    server = ProjectServer(mode, tmpdir, args)
    try:
        server.prepare()
        server.start()
        exercises = create_exercises(server, args.exercises)
        rooms, join_s = join_rooms(server, exercises, args.participants)
        target = load.Target(
            server=server,
            mode=mode,
            rooms=rooms,
            timetable=lambda groups: AppTimetable(groups, rooms, args.rate, args.duration),
            frames=app_frames,
            welcome=True,
            answers=True,
            profile=True,
        )
        run = load.run(target, args)
        record = ServerRecord(len(rooms), join_s, server.bench_events(), server.log_tail(20000))
    finally:
        server.stop()
        server.drop_database()
        remove(tmpdir, args.keep)
    if args.samples:
        write_samples(args.samples, mode, run, persisted_at(record.rows))
    return app_line(mode, args, server, record, run)


def run_chat(mode: str, args) -> dict:
    """The same rooms × sockets, rate and duration on the chat, with the mode's layer kind and
    worker count; every socket of a room gets every message, its sender's too."""
    tmpdir = Path(tempfile.mkdtemp(prefix=f"wargame-bench-chat-{mode}-"))
    try:
        server = ChatServer(mode, tmpdir, workers=workers_for(mode, args), args=args)
        try:
            server.start()
            rooms = [
                Room(path=server.room_path(i), cookies=[None] * args.participants)
                for i in range(args.exercises)
            ]
            target = load.Target(
                server=server,
                mode=mode,
                rooms=rooms,
                timetable=lambda groups: ChatTimetable(groups, args.rate, args.duration),
                frames=chat_frames,
                welcome=False,
                answers=False,
            )
            run = load.run(target, args)
        finally:
            server.stop()
    finally:
        remove(tmpdir, args.keep)
    st = run.st
    if st.duplicates or st.misdelivered or st.unknown or st.disconnects:
        # Not in the line (the chat persists and authorizes nothing), but a sign of another
        # run's traffic in our rooms or of a broken run: its figures are then suspect.
        log(
            f"warning: chat baseline saw {st.duplicates} duplicates, {st.misdelivered} "
            f"misdelivered, {st.unknown} unknown frames, {st.disconnects} disconnects"
        )
    return chat_figures(run)


def remove(tmpdir: Path, keep: bool) -> None:
    if keep:
        log(f"kept {tmpdir}")
    else:
        shutil.rmtree(tmpdir, ignore_errors=True)
