"""The app under test: its uvicorn server, its database (created, migrated, dropped), manage.py."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from .common import REDIS_URL, ROOT, BenchError, log
from .http_client import http_request
from .uvicorn_server import UvicornServer, clean_env

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PG_URL = "postgres://postgres@127.0.0.1:5432/{db}"


def workers_for(mode: str, args) -> int:
    """uvicorn workers: --workers (default 2) in production; the in-memory layer is one process."""
    return (args.workers or 2) if mode == "production" else 1


class ProjectServer(UvicornServer):
    """`wargame.asgi` for one mode: PostgreSQL + Redis pub/sub, or SQLite + in-memory layer."""

    name = "uvicorn"

    def __init__(self, mode: str, tmpdir: Path, args):
        self.mode = mode
        self.args = args
        self.keep = args.keep
        self.db_name = f"wargame_bench{os.environ.get('BENCH_DB_SUFFIX', '')}"
        self.sqlite_path = tmpdir / "bench.sqlite3"
        super().__init__(
            tmpdir,
            workers=workers_for(mode, args),
            ws=args.ws,
            env=self._env(),
            cwd=ROOT,
            log_name=f"server-{mode}.log",
        )

    def _env(self) -> dict:
        env = clean_env("DATABASE_URL", "REDIS_URL", "REDIS_PREFIX", "DJANGO_SETTINGS_MODULE")
        env.update(
            SECRET_KEY=secrets.token_urlsafe(48),
            DEBUG="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
            DJANGO_SETTINGS_MODULE="wargame.settings",
        )
        if self.experiments():
            env["DJANGO_SETTINGS_MODULE"] = "bench.bench_settings"
        if self.args.switch_interval:
            env["BENCH_SWITCH_INTERVAL"] = str(self.args.switch_interval)
        if self.args.sqlite_conn_max_age and self.mode == "embedded":
            env["BENCH_SQLITE_CONN_MAX_AGE"] = self.args.sqlite_conn_max_age
        if self.args.no_dispatch_close:
            env["BENCH_NO_DISPATCH_CLOSE"] = "1"
        # REDIS_PREFIX keeps this run's pub/sub channels and cache keys apart from any other
        # deployment on the same Redis (wargame/settings.py applies it since commit 30a454a).
        if self.mode == "production":
            env.update(
                DATABASE_URL=PG_URL.format(db=self.db_name),
                REDIS_URL=REDIS_URL,
                REDIS_PREFIX=f"wargame-bench-{os.getpid()}",
            )
        else:
            env["DATABASE_URL"] = f"sqlite:///{self.sqlite_path}"
        return env

    def experiments(self) -> dict:
        """Opt-in server changes (see bench/bench_settings.py); empty for the app as shipped."""
        found = {
            "switch_interval": self.args.switch_interval,
            "no_dispatch_close": self.args.no_dispatch_close or None,
            "sqlite_conn_max_age": self.args.sqlite_conn_max_age
            if self.mode == "embedded"
            else None,
        }
        return {k: v for k, v in found.items() if v is not None}

    def app_args(self) -> list[str]:
        return ["wargame.asgi:application"]

    def answers(self) -> bool:
        status, _, _ = http_request(self.port, "GET", "/", timeout=2)
        return status < 500

    def prepare(self) -> None:
        if self.mode == "production":
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{self.db_name}"')
            log(f"created PostgreSQL database {self.db_name}")
        log("migrating")
        self.manage("migrate", "--no-input", timeout=300)

    def manage(self, *args: str, timeout: float = 120, extra_env: dict | None = None) -> str:
        env = {**self.env, **(extra_env or {})}
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise BenchError(
                f"manage.py {' '.join(args[:2])} failed ({result.returncode}):\n"
                f"{result.stdout[-2000:]}{result.stderr[-4000:]}"
            )
        return result.stdout

    def drop_database(self) -> None:
        if self.mode != "production" or self.keep:
            return
        import psycopg

        try:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        except Exception as exc:  # noqa: BLE001 - cleanup must not hide the result
            log(f"could not drop {self.db_name}: {exc}")

    def bench_events(self) -> list[tuple[str, datetime]]:
        """(client_id, at) of every event the benchmark's commands appended."""
        sql = (
            "SELECT client_id, at FROM game_event "
            "WHERE client_id IS NOT NULL AND type IN ('inject.delivered', 'hotline.message')"
        )
        if self.mode == "production":
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"]) as conn:
                rows = conn.execute(sql).fetchall()
            return [(cid, at) for cid, at in rows]
        import sqlite3

        conn = sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True, timeout=20)
        try:
            rows = conn.execute(sql).fetchall()
        finally:
            conn.close()
        # Django stores aware datetimes in SQLite as naive UTC text.
        return [(cid, datetime.fromisoformat(at).replace(tzinfo=UTC)) for cid, at in rows]
