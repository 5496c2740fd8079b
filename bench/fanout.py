#!/usr/bin/env python
"""Fan-out benchmark: real uvicorn server(s), real HTTP joins, real WebSockets, open-loop load.

For each mode (production: PostgreSQL + Redis pub/sub, 2 uvicorn workers; embedded: SQLite +
in-memory channel layer, 1 worker) this starts a fresh server, creates exercises, joins
participants over HTTP, connects every participant over a WebSocket, then sends `inject.send`
and `hotline.send` commands on a fixed timetable and measures, per delivery, the time from send
to receive. Progress goes to stderr; one JSON object per mode goes to stdout, one per line.

    .venv/bin/python bench/fanout.py                       # both modes, default scenario
    .venv/bin/python bench/fanout.py --mode production --rate 500 --participants 5

See docs/performance.md for what the figures mean.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PG_URL = "postgres://postgres@127.0.0.1:5432/{db}"
REDIS_URL = "redis://127.0.0.1:6379/0"
SCENARIO = "senkaku-gray-zone"
FACILITATOR = "bench-facilitator"
TOKEN = "bench#"  # every text/body the benchmark sends starts with "bench#<n> "
FILLER = (
    "Coast guard reports two unidentified vessels 12 nm north-west of Uotsuri-shima, "
    "heading south-east at 14 kt; requesting guidance."
)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
START = time.monotonic()


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - START:7.1f}s] {message}", file=sys.stderr, flush=True)


class BenchError(RuntimeError):
    pass


# The server ------------------------------------------------------------------------------------


class Server:
    """One uvicorn server (and its database) for one mode; stop() kills its process group."""

    def __init__(self, mode: str, tmpdir: Path, args):
        self.mode = mode
        self.tmpdir = tmpdir
        self.args = args
        self.keep = args.keep
        self.workers = (args.workers or 2) if mode == "production" else 1
        self.port = _free_port()
        self.db_name = f"wargame_bench{os.environ.get('BENCH_DB_SUFFIX', '')}"
        self.sqlite_path = tmpdir / "bench.sqlite3"
        self.proc: subprocess.Popen | None = None
        self.log_path = tmpdir / f"server-{mode}.log"
        self.env = self._env()

    def _env(self) -> dict:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "REDIS_PREFIX", "DJANGO_SETTINGS_MODULE"}
        }
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

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

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

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "uvicorn", "wargame.asgi:application",
            "--workers", str(self.workers),
            "--ws", self.args.ws,
            "--host", HOST,
            "--port", str(self.port),
            "--log-level", "warning",
            "--no-access-log",
        ]  # fmt: skip

    def start(self, timeout: float = 60) -> None:
        log(f"starting uvicorn ({self.workers} worker(s)) on port {self.port}")
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() kills workers too
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"uvicorn exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                status, _, _ = http_request(self.port, "GET", "/", timeout=2)
                if status < 500:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise BenchError(f"uvicorn did not answer HTTP within {timeout}s:\n{self.log_tail()}")
        if self.workers > 1:  # let every worker finish importing before load arrives
            deadline = time.monotonic() + 30
            while len(self.pids()) < self.workers + 1 and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1.0)
        log(f"server up: pids {self.pids()}")

    def pids(self) -> list[int]:
        return process_tree(self.proc.pid) if self.proc else []

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            log("stopping uvicorn")
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# CPU accounting (read-only /proc) --------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return total / CLK_TCK


def machine_times() -> tuple[float, float]:
    """(busy, total) jiffies over all CPUs."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])
    return total - idle, total


# HTTP setup: joining and logging in -------------------------------------------------------------


def http_request(
    port: int,
    method: str,
    path: str,
    *,
    cookies: dict | None = None,
    form: dict | None = None,
    timeout: float = 30,
) -> tuple[int, dict, str]:
    """One request on a fresh connection; returns status, the cookies it set, and the body."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Host": f"{HOST}:{port}"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{port}{path}"
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
        jar = SimpleCookie()
        for header in resp.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return resp.status, {k: m.value for k, m in jar.items()}, text
    finally:
        conn.close()


def _form_session(port: int, path: str, fields: dict) -> str:
    """GET a form for its CSRF cookie and token, POST it, return the new sessionid."""
    status, cookies, page = http_request(port, "GET", path)
    token = CSRF_FIELD.search(page)
    if status != 200 or "csrftoken" not in cookies or token is None:
        raise BenchError(f"GET {path}: {status}, no CSRF cookie or token")
    status, set_cookies, page = http_request(
        port,
        "POST",
        path,
        cookies={"csrftoken": cookies["csrftoken"]},
        form={"csrfmiddlewaretoken": token.group(1), **fields},
    )
    if status != 302 or "sessionid" not in set_cookies:
        raise BenchError(f"POST {path}: {status} without a session cookie: {page[:300]}")
    return set_cookies["sessionid"]


def login(port: int, username: str, password: str) -> str:
    return _form_session(
        port, "/accounts/login/", {"username": username, "password": password, "next": ""}
    )


def join(port: int, join_code: str, name: str) -> str:
    return _form_session(port, f"/join/{join_code}/", {"name": name})


# The load --------------------------------------------------------------------------------------


class Sock:
    __slots__ = ("idx", "ex", "cookie", "role", "team", "control", "ws", "seen", "closed")

    def __init__(self, idx: int, ex: int, cookie: str):
        self.idx, self.ex, self.cookie = idx, ex, cookie
        self.role = self.team = self.ws = None
        self.control = False
        self.seen: set[int] = set()
        self.closed = False


class Stats:
    def __init__(self, capacity: int):
        self.send_t: list[float | None] = [None] * capacity
        self.send_wall: list[float] = [0.0] * capacity
        self.event_ex: list[int] = [0] * capacity
        self.audience: list[tuple | None] = [None] * capacity  # None: "all"
        self.expected: list[int] = [0] * capacity
        self.got: list[int] = [0] * capacity
        self.last_rx: list[float] = [0.0] * capacity
        self.ack_at: list[float] = [0.0] * capacity
        self.kind: list[str] = [""] * capacity
        self.latencies: list[float] = []
        self.ack_latencies: list[float] = []
        self.send_lag: list[float] = []
        self.sent = self.acked = self.duplicates = self.misdelivered = self.unknown = 0
        self.disconnects = 0
        self.errors: Counter = Counter()
        self.answered: set[int] = set()
        self.stopping = False

    def on_event(self, sock: Sock, tok: int, now: float) -> None:
        if tok >= len(self.send_t) or self.send_t[tok] is None:
            self.unknown += 1
            return
        audience = self.audience[tok]
        if self.event_ex[tok] != sock.ex or not (
            audience is None or sock.control or sock.team in audience
        ):
            self.misdelivered += 1
            return
        if tok in sock.seen:
            self.duplicates += 1
            return
        sock.seen.add(tok)
        self.got[tok] += 1
        self.last_rx[tok] = now
        self.latencies.append(now - self.send_t[tok])

    def on_answer(self, frame: dict, now: float) -> None:
        fid = frame.get("id") or ""
        tok = int(fid[1:]) if fid.startswith("b") and fid[1:].isdigit() else -1
        if frame["type"] == "ack":
            self.acked += 1
            if tok >= 0 and self.send_t[tok] is not None:
                self.ack_latencies.append(now - self.send_t[tok])
                self.ack_at[tok] = now
        else:
            self.errors[frame.get("code") or "?"] += 1
        if tok >= 0:
            self.answered.add(tok)


async def run_load(server: Server, plan: list[dict], args) -> dict:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    pc = time.perf_counter
    total = int(round(args.rate * args.duration))
    st = Stats(total)
    socks: list[Sock] = []
    per_ex: list[list[Sock]] = []
    for ei, ex in enumerate(plan):
        group = [Sock(len(socks) + k, ei, cookie) for k, cookie in enumerate(ex["cookies"])]
        socks.extend(group)
        per_ex.append(group)

    origin = f"http://{HOST}:{server.port}"
    gate = asyncio.Semaphore(16)

    async def open_sock(s: Sock) -> None:
        url = f"ws://{HOST}:{server.port}/ws/exercises/{plan[s.ex]['id']}/"
        async with gate:
            s.ws = await connect(
                url,
                origin=origin,
                additional_headers={"Cookie": f"sessionid={s.cookie}"},
                compression="deflate" if args.deflate else None,
                proxy=None,
                open_timeout=60,
                ping_interval=None,
                close_timeout=2,
                max_queue=None,
                user_agent_header=None,
            )
            welcome = json.loads(await asyncio.wait_for(s.ws.recv(), 60))
        if welcome.get("type") != "welcome":
            raise BenchError(f"first frame is not a welcome: {welcome}")
        s.role, s.team = welcome["you"]["role"], welcome["you"]["team"]
        s.control = s.role in ("facilitator", "observer")

    log(f"connecting {len(socks)} WebSockets")
    t = pc()
    await asyncio.gather(*(open_sock(s) for s in socks))
    connect_s = pc() - t
    log(f"all {len(socks)} welcomes received in {connect_s:.1f}s")

    loads = json.loads
    plen = len(TOKEN)

    async def reader(s: Sock) -> None:
        try:
            async for raw in s.ws:
                now = pc()
                frame = loads(raw)
                kind = frame["type"]
                if kind == "ack" or kind == "error":
                    st.on_answer(frame, now)
                    continue
                data = frame.get("data")
                text = data.get("text") or data.get("body") if data else None
                if text and text.startswith(TOKEN):
                    st.on_event(s, int(text[plen : text.index(" ", plen)]), now)
        except ConnectionClosed:
            pass
        finally:
            s.closed = True
            if not st.stopping:
                st.disconnects += 1

    readers = [asyncio.create_task(reader(s)) for s in socks]

    # Who sends what: per exercise, its facilitator (injects to all) and every (player, hotline)
    # pair the player's team is on (hotline messages), used in rotation.
    senders = []
    for group, ex in zip(per_ex, plan, strict=True):
        facilitator = next(s for s in group if s.role == "facilitator")
        pairs = [
            (s, h["id"], tuple(h["members"]))
            for s in group
            if s.role == "player"
            for h in ex["hotlines"]
            if s.team in h["members"]
        ]
        senders.append({"fac": facilitator, "pairs": pairs, "n": 0, "group": group})

    # How busy is the machine with nothing to do (other processes, e.g. a test run)?
    server_pids = server.pids()
    idle0 = (cpu_seconds(server_pids), time.process_time(), machine_times())
    await asyncio.sleep(1.0)
    idle1 = (cpu_seconds(server_pids), time.process_time(), machine_times())
    idle_busy = idle1[2][0] - idle0[2][0]
    idle_total = idle1[2][1] - idle0[2][1]
    ours = (idle1[0] - idle0[0]) + (idle1[1] - idle0[1])
    background_pct = (
        round(100 * max(0.0, idle_busy / CLK_TCK - ours) / (idle_total / CLK_TCK), 1)
        if idle_total
        else None
    )
    if background_pct and background_pct > 10:
        log(f"warning: the machine is {background_pct}% busy before the load starts")
    profiler = None
    if args.py_spy:  # sample the server during the send phase (costs some CPU itself)
        out = Path(args.py_spy_dir or server.tmpdir) / f"py-spy-{server.mode}-{os.getpid()}.txt"
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
    cpu0 = (cpu_seconds(server_pids), time.process_time(), machine_times())
    log(f"sending {total} events at {args.rate}/s for {args.duration}s (open loop)")
    t0 = pc() + 0.2
    wall0 = time.time() + 0.2
    dumps = json.dumps
    for i in range(total):
        target = t0 + i / args.rate
        delay = target - pc()
        if delay > 0:
            await asyncio.sleep(delay)
        ex_i = i % len(plan)
        sd = senders[ex_i]
        k = sd["n"]
        sd["n"] += 1
        text = f"{TOKEN}{i} {FILLER}"
        if k % 2 == 0 or not sd["pairs"]:
            sock, audience = sd["fac"], None
            frame = {
                "id": f"b{i}",
                "type": "inject.send",
                "data": {"to": "all", "title": f"Bench inject {i}", "body": text},
            }
            st.kind[i] = "inject"
        else:
            sock, hotline, audience = sd["pairs"][(k // 2) % len(sd["pairs"])]
            frame = {
                "id": f"b{i}",
                "type": "hotline.send",
                "data": {"hotline": hotline, "text": text},
            }
            st.kind[i] = "hotline"
        st.event_ex[i] = ex_i
        st.audience[i] = audience
        st.expected[i] = sum(
            1
            for s in sd["group"]
            if not s.closed and (audience is None or s.control or s.team in audience)
        )
        payload = dumps(frame)
        now = pc()
        st.send_lag.append(now - target)
        st.send_t[i] = now
        st.send_wall[i] = wall0 + (now - t0)
        try:
            await sock.ws.send(payload)
            st.sent += 1
        except ConnectionClosed:
            st.errors["send_on_closed_socket"] += 1
            st.expected[i] = 0
    send_end = pc()
    cpu1 = (cpu_seconds(server_pids), time.process_time(), machine_times())
    window_end = t0 + args.duration
    log(f"sent {st.sent} in {send_end - t0:.2f}s; draining up to {args.drain}s")

    expected_total = sum(st.expected)
    deadline = pc() + args.drain
    while pc() < deadline:
        if len(st.latencies) >= expected_total and len(st.answered) >= st.sent:
            break
        await asyncio.sleep(0.05)
    drain_s = pc() - send_end

    if profiler is not None:
        try:
            await asyncio.to_thread(profiler.wait, 30)
        except subprocess.TimeoutExpired:
            profiler.kill()
            profiler.wait()

    st.stopping = True
    await asyncio.gather(*(s.ws.close() for s in socks), return_exceptions=True)
    await asyncio.gather(*readers, return_exceptions=True)

    busy = cpu1[2][0] - cpu0[2][0]
    jiffies = cpu1[2][1] - cpu0[2][1]
    send_window = max(send_end - t0, 1e-9)
    completed_in_window = sum(
        1
        for i in range(total)
        if st.expected[i] and st.got[i] >= st.expected[i] and st.last_rx[i] <= window_end
    )
    return {
        "st": st,
        "total": total,
        "sockets": len(socks),
        "connect_s": connect_s,
        "drain_s": drain_s,
        "t0_wall": wall0,
        "window_end_wall": wall0 + args.duration,
        "send_window_s": send_window,
        "completed_in_window": completed_in_window,
        "cpu": {
            "server_s": round(cpu1[0] - cpu0[0], 2),
            "client_s": round(cpu1[1] - cpu0[1], 2),
            "machine_busy_pct": round(100 * busy / jiffies, 1) if jiffies else None,
            # Busy cores outside server + client: PostgreSQL, Redis, anything else running.
            "other_cores": round(
                busy / CLK_TCK / send_window
                - (cpu1[0] - cpu0[0] + cpu1[1] - cpu0[1]) / send_window,
                2,
            ),
            "background_busy_pct_before": background_pct,
            "server_cores": round((cpu1[0] - cpu0[0]) / send_window, 2),
            "client_cores": round((cpu1[1] - cpu0[1]) / send_window, 2),
        },
    }


def write_samples(path: str, mode: str, st: Stats, run: dict, persisted: dict) -> None:
    """Per event: when it was sent (s after the start), kind, exercise, ms to persist, to ack, to
    last delivery, and deliveries received/expected."""
    t0 = st.send_t[0] or 0.0
    with open(path, "a") as f:
        for i in range(run["total"]):
            if st.send_t[i] is None:
                continue
            f.write(
                json.dumps(
                    {
                        "mode": mode,
                        "i": i,
                        "t": round(st.send_t[i] - t0, 4),
                        "kind": st.kind[i],
                        "ex": st.event_ex[i],
                        "persist_ms": ms(persisted[i] - st.send_wall[i])
                        if i in persisted
                        else None,
                        "ack_ms": ms(st.ack_at[i] - st.send_t[i]) if st.ack_at[i] else None,
                        "last_ms": ms(st.last_rx[i] - st.send_t[i]) if st.last_rx[i] else None,
                        "got": st.got[i],
                        "expected": st.expected[i],
                    }
                )
                + "\n"
            )


def percentile(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 1)


# One mode end to end ---------------------------------------------------------------------------


def run_mode(mode: str, args) -> dict:
    tmpdir = Path(tempfile.mkdtemp(prefix=f"wargame-bench-{mode}-"))
    server = Server(mode, tmpdir, args)
    try:
        server.prepare()
        server.start()

        log(f"creating {args.exercises} exercises")

        def create(i: int) -> dict:
            out = server.manage("create_exercise", SCENARIO, "--json", "--name", f"Bench {i}")
            return json.loads(out.strip().splitlines()[-1])

        with ThreadPoolExecutor(2) as pool:
            exercises = list(pool.map(create, range(args.exercises)))

        password = secrets.token_urlsafe(18)
        server.manage(
            "shell",
            "-c",
            "import os\n"
            "from django.contrib.auth import get_user_model\n"
            f"u, _ = get_user_model().objects.get_or_create(username={FACILITATOR!r})\n"
            "u.is_staff = True\n"
            "u.set_password(os.environ['BENCH_FACILITATOR_PASSWORD'])\n"
            "u.save()\n",
            extra_env={"BENCH_FACILITATOR_PASSWORD": password},
        )
        facilitator_cookie = login(server.port, FACILITATOR, password)
        log("facilitator logged in")

        players = max(0, args.participants - 1)
        log(f"joining {players * len(exercises)} players over HTTP")
        jobs = [
            (ei, ex["teams"][k % len(ex["teams"])]["join_code"], f"Bench {ei}-{k}")
            for ei, ex in enumerate(exercises)
            for k in range(players)
        ]
        t = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            cookies = list(pool.map(lambda job: join(server.port, job[1], job[2]), jobs))
        join_s = time.perf_counter() - t
        plan = [
            {
                "id": ex["id"],
                "hotlines": ex["hotlines"],
                "cookies": [facilitator_cookie]
                + [c for (ei2, _, _), c in zip(jobs, cookies, strict=True) if ei2 == ei],
            }
            for ei, ex in enumerate(exercises)
        ]
        log(f"joined in {join_s:.1f}s")

        try:
            import uvloop

            loop_factory = uvloop.new_event_loop
        except ImportError:
            loop_factory = None
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            run = runner.run(run_load(server, plan, args))

        rows = server.bench_events()
        server_log = server.log_tail(20000)
    finally:
        server.stop()
        server.drop_database()
        if not args.keep:
            shutil.rmtree(tmpdir, ignore_errors=True)
        else:
            log(f"kept {tmpdir}")

    st: Stats = run["st"]
    lat = sorted(st.latencies)
    acks = sorted(st.ack_latencies)
    lags = sorted(st.send_lag)
    persisted = {}
    for client_id, at in rows:
        if client_id.startswith("b") and client_id[1:].isdigit():
            persisted[int(client_id[1:])] = at.timestamp()
    in_window = sum(
        1 for at in persisted.values() if run["t0_wall"] <= at <= run["window_end_wall"]
    )
    persist_delay = sorted(
        at - st.send_wall[tok]
        for tok, at in persisted.items()
        if tok < run["total"] and st.send_t[tok] is not None
    )
    if args.samples:
        write_samples(args.samples, mode, st, run, persisted)
    expected = sum(st.expected)
    received = len(st.latencies)
    kinds = Counter(st.kind[: run["total"]])
    server_errors = [
        line for line in server_log.splitlines() if "Traceback" in line or "ERROR" in line
    ]
    return {
        "mode": mode,
        "date": datetime.now(UTC).date().isoformat(),
        "exercises": len(plan),
        "participants": args.participants,
        "sockets": run["sockets"],
        "rate": args.rate,
        "duration_s": args.duration,
        "sent": st.sent,
        "sent_injects": kinds["inject"],
        "sent_hotline": kinds["hotline"],
        "acked": st.acked,
        "errors": sum(st.errors.values()),
        "error_codes": dict(st.errors),
        "unanswered": st.sent - len(st.answered),
        "deliveries_expected": expected,
        "deliveries_received": received,
        "lost": expected - received,
        "duplicates": st.duplicates,
        "misdelivered": st.misdelivered,
        "disconnects": st.disconnects,
        "p50_ms": ms(percentile(lat, 0.50)),
        "p90_ms": ms(percentile(lat, 0.90)),
        "p99_ms": ms(percentile(lat, 0.99)),
        "max_ms": ms(lat[-1] if lat else None),
        "ack_p50_ms": ms(percentile(acks, 0.50)),
        "ack_p99_ms": ms(percentile(acks, 0.99)),
        "persist_p50_ms": ms(percentile(persist_delay, 0.50)),
        "persist_p99_ms": ms(percentile(persist_delay, 0.99)),
        "send_lag_p99_ms": ms(percentile(lags, 0.99)),
        "send_lag_max_ms": ms(lags[-1] if lags else None),
        "persisted_events": len(persisted),
        "persisted_in_window": in_window,
        "persisted_events_per_s": round(in_window / args.duration, 1),
        "completed_events_per_s": round(run["completed_in_window"] / args.duration, 1),
        "drain_s": round(run["drain_s"], 2),
        "connect_s": round(run["connect_s"], 2),
        "join_s": round(join_s, 2),
        "cpu": run["cpu"],
        "server": {
            "uvicorn_workers": server.workers,
            "ws": args.ws,
            "permessage_deflate": bool(args.deflate),
            "database": "postgresql" if mode == "production" else "sqlite",
            "channel_layer": "redis-pubsub" if mode == "production" else "in-memory",
            "error_lines_in_log": len(server_errors),
            "experiments": server.experiments(),
        },
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("production", "embedded", "both"), default="both")
    parser.add_argument("--rate", type=float, default=20.0, help="events/s over all exercises")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of sending")
    parser.add_argument("--exercises", type=int, default=10)
    parser.add_argument(
        "--participants", type=int, default=25, help="sockets per exercise, 1 facilitator included"
    )
    parser.add_argument("--drain", type=float, default=5.0, help="max seconds to wait after")
    parser.add_argument(
        "--ws",
        choices=("websockets", "websockets-sansio"),
        default="websockets-sansio",
        help="uvicorn's WebSocket implementation (the same as `make run` by default)",
    )
    parser.add_argument("--deflate", action="store_true", help="negotiate permessage-deflate")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and database")
    parser.add_argument(
        "--switch-interval",
        type=float,
        metavar="S",
        help="experiment: sys.setswitchinterval(S) in the server (default: Python's 0.005)",
    )
    parser.add_argument(
        "--sqlite-conn-max-age",
        metavar="N|none",
        help="experiment: CONN_MAX_AGE for SQLite in embedded mode (the app uses 0)",
    )
    parser.add_argument(
        "--no-dispatch-close",
        action="store_true",
        help="experiment: skip channels' close_old_connections hop before every consumer message",
    )
    parser.add_argument("--samples", metavar="FILE", help="write one JSON line per event sent")
    parser.add_argument(
        "--workers", type=int, metavar="N", help="uvicorn workers in production mode (default 2)"
    )
    parser.add_argument("--py-spy", metavar="PATH", help="py-spy binary: profile the server")
    parser.add_argument("--py-spy-dir", metavar="DIR", help="where py-spy writes (default tmp)")
    args = parser.parse_args()
    if args.rate <= 0 or args.duration <= 0 or args.exercises < 1 or args.participants < 1:
        parser.error("--rate and --duration must be > 0, --exercises and --participants >= 1")
    if args.rate * args.duration > 200_000:
        parser.error("--rate × --duration is capped at 200,000 events")

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
            failed = True
        print(json.dumps(result, separators=(",", ":")), flush=True)
        if "error" not in result:
            log(
                f"{mode}: p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, "
                f"lost {result['lost']}, persisted {result['persisted_events_per_s']}/s"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
