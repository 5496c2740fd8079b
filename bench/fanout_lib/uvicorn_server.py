"""One uvicorn process group: start it, wait until it answers, account its CPU, stop it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .common import HOST, BenchError, log
from .cpu import process_tree


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class UvicornServer:
    """A uvicorn server on a free port of 127.0.0.1; stop() kills its whole process group.

    Subclasses say which application it serves (`app_args`), with which environment (`env`),
    and how to tell that it answers (`answers`).
    """

    name = "uvicorn"

    def __init__(self, tmpdir: Path, *, workers: int, ws: str, env: dict, cwd: Path, log_name: str):
        self.tmpdir = tmpdir
        self.workers = workers
        self.ws = ws
        self.env = env
        self.cwd = cwd
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log_path = tmpdir / log_name

    def app_args(self) -> list[str]:
        raise NotImplementedError

    def answers(self) -> bool:
        """True once the server serves requests; OSError while it does not listen yet."""
        raise NotImplementedError

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "uvicorn", *self.app_args(),
            "--workers", str(self.workers),
            "--ws", self.ws,
            "--host", HOST,
            "--port", str(self.port),
            "--log-level", "warning",
            "--no-access-log",
        ]  # fmt: skip

    def start(self, timeout: float = 60) -> None:
        log(f"starting {self.name} ({self.workers} worker(s)) on port {self.port}")
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen(
                self.command(),
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() kills workers too
            )
        self._wait_until_it_answers(timeout)
        if self.workers > 1:  # let every worker finish importing before load arrives
            deadline = time.monotonic() + 30
            while len(self.pids()) < self.workers + 1 and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1.0)
        log(f"{self.name} up: pids {self.pids()}")

    def _wait_until_it_answers(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(
                    f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}"
                )
            try:
                if self.answers():
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(f"{self.name} did not answer within {timeout}s:\n{self.log_tail()}")

    def pids(self) -> list[int]:
        return process_tree(self.proc.pid) if self.proc else []

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            log(f"stopping {self.name}")
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=8)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
            except ProcessLookupError:
                pass
        if self.proc is not None:
            try:  # workers left behind by a crashed supervisor
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.proc = None


def clean_env(*drop: str) -> dict:
    """This process's environment without the variables that would point a server elsewhere."""
    return {k: v for k, v in os.environ.items() if k not in drop}
