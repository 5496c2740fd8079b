"""The bare Channels group chat (`../shared/bench/baseline_chat.py`), served from where it lies.

It is the reference point for the app's fan-out on the same stack; it is read-only and not
part of the project, so it is started from its own directory (`--app-dir`), never copied.
"""

from __future__ import annotations

import os
from pathlib import Path

from .common import HOST, REDIS_URL, ROOT, BenchError
from .uvicorn_server import UvicornServer, clean_env

CHAT_MODULE = "baseline_chat"
DEFAULT_CHAT_DIR = ROOT.parent / "shared" / "bench"


def chat_dir(given: str | None) -> Path:
    """The directory holding baseline_chat.py: --chat-dir, or ../shared/bench from the repo."""
    directory = Path(given).resolve() if given else DEFAULT_CHAT_DIR
    if not (directory / f"{CHAT_MODULE}.py").is_file():
        raise BenchError(f"no {CHAT_MODULE}.py in {directory} (give its directory: --chat-dir)")
    return directory


class ChatServer(UvicornServer):
    """The chat on the same layer kind and worker count as the mode it is compared with."""

    name = "chat baseline"

    def __init__(self, mode: str, tmpdir: Path, *, workers: int, args):
        self.app_dir = chat_dir(args.chat_dir)
        env = clean_env("DATABASE_URL", "REDIS_URL", "REDIS_PREFIX", "DJANGO_SETTINGS_MODULE")
        env["PYTHONUNBUFFERED"] = "1"
        if mode == "production":
            env.update(CHAT_LAYER="pubsub", REDIS_URL=REDIS_URL)
        else:
            env["CHAT_LAYER"] = "memory"
        # Its own temp dir as the working directory: nothing of the project is importable.
        super().__init__(
            tmpdir, workers=workers, ws=args.ws, env=env, cwd=tmpdir, log_name=f"chat-{mode}.log"
        )
        # The chat's Redis groups are `room_<name>`, unprefixed: names unique to this run keep
        # another benchmark's rooms on the same Redis out of ours.
        self.room_prefix = f"bench{os.getpid()}-{self.port}-"

    def app_args(self) -> list[str]:
        return [f"{CHAT_MODULE}:application", "--app-dir", str(self.app_dir)]

    def room_path(self, room: int | str) -> str:
        return f"/ws/chat/{self.room_prefix}{room}/"

    def answers(self) -> bool:
        # It serves WebSockets only (an HTTP request is an error in its log): try a handshake.
        from websockets.exceptions import InvalidHandshake
        from websockets.sync.client import connect

        url = f"ws://{HOST}:{self.port}{self.room_path('ready')}"
        try:
            with connect(url, open_timeout=2, proxy=None, user_agent_header=None):
                return True
        except InvalidHandshake:
            return False
