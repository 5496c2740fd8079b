"""The command line: flags (docs/performance.md has the table), the modes in turn, one JSON line
per mode on stdout, exit status 0, 1 if a mode failed, 130 on Ctrl-C."""

from __future__ import annotations

import argparse
import json
import signal

from .chat_server import chat_dir
from .common import BenchError, log
from .modes import run_mode

DESCRIPTION = (
    "Fan-out benchmark: real uvicorn server(s), real HTTP joins, real WebSockets, open-loop load."
)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=DESCRIPTION)
    p.add_argument("--mode", choices=("production", "embedded", "both"), default="both")
    p.add_argument("--rate", type=float, default=20.0, help="events/s over all exercises")
    p.add_argument("--duration", type=float, default=20.0, help="seconds of sending")
    p.add_argument("--exercises", type=int, default=10)
    p.add_argument(
        "--participants", type=int, default=25, help="sockets per exercise, 1 facilitator included"
    )
    p.add_argument("--drain", type=float, default=5.0, help="max seconds to wait after")
    p.add_argument(
        "--ws",
        choices=("websockets", "websockets-sansio"),
        default="websockets-sansio",
        help="uvicorn's WebSocket implementation (the same as `make run` by default)",
    )
    p.add_argument("--deflate", action="store_true", help="negotiate permessage-deflate")
    p.add_argument("--keep", action="store_true", help="keep the temp dir and database")
    p.add_argument(
        "--switch-interval",
        type=float,
        metavar="S",
        help="experiment: sys.setswitchinterval(S) in the server (default: Python's 0.005)",
    )
    p.add_argument(
        "--sqlite-conn-max-age",
        metavar="N|none",
        help="experiment: CONN_MAX_AGE for SQLite in embedded mode (the app uses 0)",
    )
    p.add_argument(
        "--no-dispatch-close",
        action="store_true",
        help="experiment: skip channels' close_old_connections hop before every consumer message",
    )
    p.add_argument("--samples", metavar="FILE", help="write one JSON line per event sent")
    p.add_argument(
        "--workers", type=int, metavar="N", help="uvicorn workers in production mode (default 2)"
    )
    p.add_argument("--py-spy", metavar="PATH", help="py-spy binary: profile the server")
    p.add_argument("--py-spy-dir", metavar="DIR", help="where py-spy writes (default tmp)")
    p.add_argument(
        "--compare-chat",
        action="store_true",
        help="after each mode's load, run the same load on the bare Channels chat baseline",
    )
    p.add_argument(
        "--chat-dir",
        metavar="DIR",
        help="the directory of baseline_chat.py (default: ../shared/bench from the repo)",
    )
    return p


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = parser()
    args = p.parse_args(argv)
    if args.rate <= 0 or args.duration <= 0 or args.exercises < 1 or args.participants < 1:
        p.error("--rate and --duration must be > 0, --exercises and --participants >= 1")
    if args.rate * args.duration > 200_000:
        p.error("--rate × --duration is capped at 200,000 events")
    if args.compare_chat:
        try:  # before the app's run, not minutes later
            chat_dir(args.chat_dir)
        except BenchError as exc:
            p.error(str(exc))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    # Stop on Ctrl-C even when started from a shell that ignores SIGINT for background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    modes = ["production", "embedded"] if args.mode == "both" else [args.mode]
    failed = False
    for mode in modes:
        log(f"=== {mode} ===")
        try:
            result = run_mode(mode, args)
        except KeyboardInterrupt:
            log("interrupted")
            return 130
        except Exception as exc:  # noqa: BLE001 - report and go on to the next mode
            log(f"{mode} failed: {exc}")
            result = {"mode": mode, "error": f"{type(exc).__name__}: {exc}"[:2000]}
        failed = failed or "error" in result or "error" in result.get("chat", {})
        print(json.dumps(result, separators=(",", ":")), flush=True)
        if "error" not in result:
            log(summary(mode, result))
    return 1 if failed else 0


def summary(mode: str, result: dict) -> str:
    text = (
        f"{mode}: p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, "
        f"lost {result['lost']}, persisted {result['persisted_events_per_s']}/s"
    )
    chat = result.get("chat")
    if chat and "error" not in chat:
        text += (
            f"; chat p50 {chat['p50_ms']} ms, p99 {chat['p99_ms']} ms, lost {chat['lost']}"
            f" (p99 ×{result['p99_vs_chat']})"
        )
    return text
