#!/usr/bin/env python
"""Fan-out benchmark: real uvicorn server(s), real HTTP joins, real WebSockets, open-loop load.

For each mode (production: PostgreSQL + Redis pub/sub, 2 uvicorn workers; embedded: SQLite +
in-memory channel layer, 1 worker) this starts a fresh server, creates exercises, joins
participants over HTTP, connects every participant over a WebSocket, then sends `inject.send`
and `hotline.send` commands on a fixed timetable and measures, per delivery, the time from send
to receive. With --compare-chat, the same load then runs on the bare Channels chat baseline
(../shared/bench/baseline_chat.py) with the same layer kind, and the mode's line gains its
figures. Progress goes to stderr; one JSON object per mode goes to stdout, one per line.

    .venv/bin/python bench/fanout.py                       # both modes, default scenario
    .venv/bin/python bench/fanout.py --mode production --rate 500 --participants 5
    .venv/bin/python bench/fanout.py --mode embedded --compare-chat

See docs/performance.md for what the figures mean. The parts live in bench/fanout_lib/ (its
docstring says why it is not bench/fanout/): run this file as a script, which puts bench/ on
the path.
"""

import sys

from fanout_lib.cli import main

if __name__ == "__main__":
    sys.exit(main())
