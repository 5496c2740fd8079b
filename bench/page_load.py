#!/usr/bin/env python
"""Page-load benchmark: how long a long exercise takes to open in Chromium.

Builds an exercise of --events events (bench/build_log.py) in a fresh SQLite file, serves it
with uvicorn (the embedded default: one process, in-memory layer), and opens the facilitator
console and a team room (JPN: two hotlines) in Debian's Chromium (Playwright, never a
downloaded browser), --repeat times each, a fresh page each time. Prints one JSON line.

For each page, from the start of navigation (performance.timeOrigin):

- settled_ms: when the page is complete and responsive: the later of the end of the last
  WebSocket frame's handler and the end of the last stretch when the main thread was busy
  (a 10 ms heartbeat late by more than 30 ms), with nothing of either for --quiet seconds
  afterwards; capped at --timeout (then settled is false).
- complete: the newest event the seat may see is on the page (its data-seq is in the DOM).
- ws_bytes / http_bytes: received over the WebSocket (frame payloads) and over HTTP (encoded
  bytes, headers included), from Chromium's DevTools protocol.
- main_thread: Chromium's Performance.getMetrics totals for the page (task, script, layout,
  style-recalculation durations in ms and counts): where the time went.
- html_ms, dom_ready_ms, first_frame_ms: when the page's HTML had arrived, when its scripts had
  run (DOMContentLoaded), when the first WebSocket frame (the welcome) arrived.
- probe_ms: a requestAnimationFrame round trip once settled (the page responds).
- per_1000_frames: for each 1,000 WebSocket frames, ms spent in their handlers and ms between
  one handler's end and the next one's start (the browser rendering meanwhile): how the cost
  of one event grows with what is already on the page.

    PYTHONPATH=. .venv/bin/python bench/page_load.py                     # this checkout
    PYTHONPATH=. .venv/bin/python bench/page_load.py --code /tmp/before  # another checkout
    PYTHONPATH=. .venv/bin/python bench/page_load.py --events 1000 --repeat 3 --profile

--code serves another checkout (its templates, static files, Python and migrations) with the
same builder, e.g. `git archive main | tar -x -C /tmp/before`, to measure before and after.
--profile also prints the heaviest JavaScript functions (CPU profile) to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TEAM = "JPN"
METRICS = ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")
COUNTS = ("LayoutCount", "RecalcStyleCount", "Nodes")

# Runs in the page before its own scripts: counts WebSocket frames, notes when the last
# frame's handler returned, and keeps a 10 ms heartbeat to see when the main thread was busy.
INSTRUMENT = """
(() => {
  const b = window.__bench = {
    frames: 0, lastFrameEnd: 0, busyUntil: 0, busyMs: 0, firstFrame: 0, buckets: [],
  };
  const Native = window.WebSocket;
  // Each WebSocket frame's handler, timed; per 1,000 frames: time in the handlers, and time
  // between one handler's end and the next one's start (the browser's own work meanwhile).
  const timed = (fn) => (e) => {
    const start = performance.now();
    if (!b.frames) b.firstFrame = start;
    const bucket = b.buckets[Math.floor(b.frames / 1000)] ||= { handler_ms: 0, between_ms: 0 };
    if (b.frames % 1000) bucket.between_ms += start - b.lastFrameEnd;
    b.frames += 1;
    fn(e);
    b.lastFrameEnd = performance.now();
    bucket.handler_ms += b.lastFrameEnd - start;
  };
  class Counted extends Native {
    set onmessage(fn) { super.onmessage = timed(fn); }
    get onmessage() { return super.onmessage; }
    addEventListener(type, fn, options) {
      return super.addEventListener(type, type === "message" ? timed(fn) : fn, options);
    }
  }
  window.WebSocket = Counted;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last > 40) { b.busyUntil = now; b.busyMs += now - last - 10; }
    last = now;
  }, 10);
})();
"""


def log(message: str) -> None:
    print(f"[page_load] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to serve")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per page load")
    parser.add_argument("--quiet", type=float, default=2, help="seconds of calm that end it")
    parser.add_argument("--pages", default="console,room")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    code = args.code.resolve()
    tmp = Path(tempfile.mkdtemp(prefix="page-load-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(40),
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        PYTHONPATH=str(code),
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="wargame.settings",
    )
    server = None
    try:
        python = sys.executable
        subprocess.run(
            [python, "manage.py", "migrate", "--no-input", "-v0"], cwd=code, env=env, check=True
        )
        log(f"building {args.events} events with {code}")
        built = json.loads(
            subprocess.run(
                [python, str(ROOT / "bench" / "build_log.py"), "--events", str(args.events)],
                cwd=code,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [python, "-m", "uvicorn", "wargame.asgi:application", "--port", str(port)]
            + ["--ws", "websockets-sansio", "--log-level", "warning", "--no-access-log"],
            cwd=code,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        wait_for(f"{base}/healthz")
        result = {
            "bench": "page_load",
            "code": str(code),
            "events": built["events"],
            "build_seconds": built["build_seconds"],
            "pages": measure_pages(args, base, built),
        }
        print(json.dumps(result))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 (our own server)
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def measure_pages(args, base: str, built: dict) -> dict:
    from playwright.sync_api import sync_playwright

    exercise = built["exercise"]
    pages = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            if "console" in args.pages:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                login(context, base, built["facilitator"])
                runs = [
                    load(
                        context,
                        f"{base}/control/exercises/{exercise}/",
                        built["last_visible_seq"]["control"],
                        args,
                    )
                    for _ in range(args.repeat)
                ]
                pages["console"] = summarise(runs)
                context.close()
            if "room" in args.pages:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.add_cookies(
                    [{"name": "sessionid", "value": built["sessions"][TEAM], "url": base}]
                )
                runs = [
                    load(
                        context,
                        f"{base}/play/{exercise}/",
                        built["last_visible_seq"][TEAM],
                        args,
                    )
                    for _ in range(args.repeat)
                ]
                pages["room"] = summarise(runs)
                context.close()
        finally:
            browser.close()
    return pages


def login(context, base: str, facilitator: dict) -> None:
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", facilitator["username"])
    page.fill("#id_password", facilitator["password"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/control/")
    page.close()


def load(context, url: str, newest: int, args) -> dict:
    page = context.new_page()
    page.add_init_script(INSTRUMENT)
    cdp = context.new_cdp_session(page)
    received = {"http": 0, "ws": 0, "ws_frames": 0, "requests": 0}

    def on_http(event):
        received["http"] += int(event.get("encodedDataLength", 0))
        received["requests"] += 1

    def on_frame(event):
        received["ws"] += len(event["response"]["payloadData"].encode())
        received["ws_frames"] += 1

    cdp.on("Network.loadingFinished", on_http)
    cdp.on("Network.webSocketFrameReceived", on_frame)
    cdp.send("Network.enable")
    cdp.send("Performance.enable")
    if args.profile:
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 1000})
        cdp.send("Profiler.start")
    page.goto(url, wait_until="commit")
    started = time.monotonic()
    settled = False
    while time.monotonic() - started < args.timeout:
        page.wait_for_timeout(250)
        state = page.evaluate("() => ({...window.__bench, now: performance.now()})")
        last = max(state["lastFrameEnd"], state["busyUntil"])
        if state["frames"] and state["now"] - last >= args.quiet * 1000:
            settled = True
            break
    state = page.evaluate("() => ({...window.__bench, now: performance.now()})")
    navigation = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return {html_ms: n.responseEnd, dom_ready_ms: n.domContentLoadedEventEnd}; }"
    )
    probe = page.evaluate(
        "() => { const t = performance.now();"
        " return new Promise(r => requestAnimationFrame(() => r(performance.now() - t))); }"
    )
    complete = page.locator(f'#app [data-seq="{newest}"]').count() > 0
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    if args.profile:
        print_profile(url, cdp.send("Profiler.stop")["profile"])
    items = page.locator("#app [data-seq]").count()
    page.close()
    return {
        "settled": settled,
        "settled_ms": round(max(state["lastFrameEnd"], state["busyUntil"])),
        "html_ms": round(navigation["html_ms"]),
        "dom_ready_ms": round(navigation["dom_ready_ms"]),
        "first_frame_ms": round(state["firstFrame"]),
        "busy_ms": round(state["busyMs"]),
        "complete": complete,
        "items_on_page": items,
        "frames": received["ws_frames"],
        "ws_bytes": received["ws"],
        "http_bytes": received["http"],
        "http_requests": received["requests"],
        "probe_ms": round(probe, 1),
        "main_thread_ms": {m: round(metrics.get(m, 0) * 1000) for m in METRICS},
        "main_thread_counts": {m: int(metrics.get(m, 0)) for m in COUNTS},
        "per_1000_frames": [
            {k: round(v) for k, v in bucket.items()} for bucket in state["buckets"] if bucket
        ],
    }


def summarise(runs: list[dict]) -> dict:
    times = [r["settled_ms"] for r in runs]
    return {
        "settled_ms": {
            "min": min(times),
            "median": round(statistics.median(times)),
            "max": max(times),
        },
        "all_settled": all(r["settled"] for r in runs),
        "all_complete": all(r["complete"] for r in runs),
        "runs": runs,
    }


def print_profile(url: str, profile: dict, top: int = 12) -> None:
    """Self time per function from a CPU profile, heaviest first (stderr)."""
    interval = {}
    nodes = {n["id"]: n for n in profile["nodes"]}
    deltas = profile.get("timeDeltas", [])
    for sample, delta in zip(profile.get("samples", []), deltas, strict=False):
        frame = nodes[sample]["callFrame"]
        where = f"{frame['functionName'] or '(anonymous)'} {frame['url'].rsplit('/', 1)[-1]}"
        where += f":{frame['lineNumber'] + 1}" if frame["url"] else ""
        interval[where] = interval.get(where, 0) + delta / 1000
    total = sum(interval.values()) or 1
    log(f"CPU profile of {url}: {total:.0f} ms sampled")
    for where, ms in sorted(interval.items(), key=lambda kv: -kv[1])[:top]:
        log(f"  {ms:8.0f} ms {100 * ms / total:5.1f}%  {where}")


if __name__ == "__main__":
    main()
