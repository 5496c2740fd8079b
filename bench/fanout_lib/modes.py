"""One mode end to end: a fresh server and database, exercises, sessions, the load, the line."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from . import load
from .common import log
from .exercises import create_exercises, join_rooms
from .plan import AppTimetable
from .project_server import ProjectServer
from .report import ServerRecord, app_line, persisted_at, write_samples


def run_mode(mode: str, args) -> dict:
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


def remove(tmpdir: Path, keep: bool) -> None:
    if keep:
        log(f"kept {tmpdir}")
    else:
        shutil.rmtree(tmpdir, ignore_errors=True)
