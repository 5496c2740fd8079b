"""Settings for bench/fanout.py's opt-in experiments: the app's own settings, then changes that
test a suggested fix without editing the app. fanout.py uses this module only when given an
experiment flag (--no-dispatch-close, --switch-interval, --sqlite-conn-max-age); a plain run
uses wargame.settings unchanged. Results with an experiment are not the app as shipped: the JSON
names the experiments under server.experiments. See docs/performance.md.
"""

import os
import sys

from wargame.settings import *  # noqa: F403
from wargame.settings import DATABASES

if os.environ.get("BENCH_NO_DISPATCH_CLOSE", "").strip() == "1":
    # channels >= 4.2 runs close_old_connections() through sync_to_async (the one shared
    # database thread) before EVERY message a consumer handles, so each event delivered to each
    # socket queues behind the database work of every command in the process. The consumer's
    # own database calls go through database_sync_to_async, which closes old connections
    # itself, so skipping this hop is safe for ExerciseConsumer.
    import channels.consumer

    async def _no_close() -> None:
        return None

    channels.consumer.aclose_old_connections = _no_close

if _switch := os.environ.get("BENCH_SWITCH_INTERVAL", "").strip():
    # The GIL hand-over interval (Python's default is 5 ms): the database thread can wait up to
    # this long for the GIL after each query while the event loop thread is busy.
    sys.setswitchinterval(float(_switch))

if _age := os.environ.get("BENCH_SQLITE_CONN_MAX_AGE", "").strip():
    # Keep the SQLite connection open between consumer calls instead of reopening it (and
    # re-running the PRAGMAs) for every command. PostgreSQL uses a pool, which refuses this.
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        DATABASES["default"]["CONN_MAX_AGE"] = None if _age == "none" else int(_age)
