"""Starting real server processes (uvicorn, celery) against the test database for tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import yaml
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_database_url() -> str:
    """The URL of the database this test runs against, for child processes."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    return (
        f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def child_env(**extra: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test-only-secret-key"),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.update(extra)
    return env


@contextlib.contextmanager
def running(
    args: list[str],
    env: dict,
    *,
    port: int | None = None,
    timeout: float = 30,
    own_group: bool = False,
):
    """Run a child process; with `port`, wait until it accepts connections. With `own_group`
    it leads a process group of its own, which `kill_group` kills with its children."""
    log = open(ROOT / f".test-proc-{os.getpid()}-{time.monotonic_ns()}.log", "w+")  # noqa: SIM115
    proc = subprocess.Popen(
        args,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=own_group,
    )
    try:
        if port is not None:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"{' '.join(args[:4])} exited early:\n{log.read()[-3000:]}")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"{' '.join(args)} did not listen on {port}") from None
                    time.sleep(0.1)
        proc.output = lambda: Path(log.name).read_text()  # what it printed so far
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        Path(log.name).unlink(missing_ok=True)


def kill_group(proc) -> None:
    """SIGKILL a child started with own_group and every process of its group, as `docker kill`
    kills a container (a Celery worker's prefork pool with it)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def compose_command(service: str, **options: str) -> list[str]:
    """docker-compose.yml's command for `service` run with this interpreter; `options` replace
    the values of its options (schedule="/tmp/x" for --schedule)."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    args = list(compose["services"][service]["command"])
    assert args[:2] == ["python", "-m"], args
    args[0] = sys.executable
    for name, value in options.items():
        args[args.index(f"--{name}") + 1] = value
    return args


def uvicorn(port: int, env: dict):
    return running(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "wargame.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--ws",
            "websockets-sansio",
            "--log-level",
            "warning",
        ],
        env,
        port=port,
    )
