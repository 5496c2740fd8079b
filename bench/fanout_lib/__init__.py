"""The parts of the fan-out benchmark (`bench/fanout.py` is its entry point).

Not `bench/fanout/`: that package and the script `bench/fanout.py` would share the name
`fanout` in one directory (`import fanout` finds the package, never the script), and
`python bench/fanout.py` and `make bench` must keep working. Running the script puts `bench/`
first on the path, so it imports this package as `fanout_lib`; the modules here import each
other relatively.

- `cli`: flags and the loop over modes, one JSON line each.
- `modes`: one mode end to end: the project's load, then the chat baseline's (`--compare-chat`).
- Servers and processes: `uvicorn_server` (start, readiness, stop a process group),
  `project_server` (the app, its database and `manage.py`), `chat_server` (the baseline chat),
  `cpu` (CPU accounting from /proc).
- The client: `http_client` (HTTP login and join), `exercises` (exercises and sessions to load),
  `client` (WebSockets: connect, read, close), `recorder` (what arrived when).
- The load: `plan` (the timetable: which command to which room and socket, who should get it),
  `load` (connect, send on the timetable, drain, measure).
- `report`: the figures and the JSON line.
"""
