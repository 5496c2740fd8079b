"""The figures of a run and its one JSON line (fields: docs/performance.md, "Output")."""

from __future__ import annotations

import json
import math
import os
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from .load import LoadResult
from .project_server import ProjectServer
from .recorder import Recorder


@dataclass
class ServerRecord:
    """What a mode learnt outside the WebSockets: its set-up, the app's events, its log."""

    exercises: int
    join_s: float
    rows: list[tuple[str, datetime]]  # (client_id, at) of the benchmark's events
    server_log: str


def percentile(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 1)


def latency_ms(st: Recorder) -> dict:
    """Send → receive over every delivery received."""
    lat = sorted(st.latencies)
    return {
        "p50_ms": ms(percentile(lat, 0.50)),
        "p90_ms": ms(percentile(lat, 0.90)),
        "p99_ms": ms(percentile(lat, 0.99)),
        "max_ms": ms(lat[-1] if lat else None),
    }


def deliveries(st: Recorder) -> dict:
    expected = sum(st.expected)
    received = len(st.latencies)
    return {
        "deliveries_expected": expected,
        "deliveries_received": received,
        "lost": expected - received,
    }


def persisted_at(rows: list[tuple[str, datetime]]) -> dict[int, float]:
    """Event number → when the server appended it (epoch seconds), from the app's event rows."""
    return {
        int(client_id[1:]): at.timestamp()
        for client_id, at in rows
        if client_id.startswith("b") and client_id[1:].isdigit()
    }


def persist_figures(run: LoadResult, persisted: dict[int, float]) -> dict:
    st = run.st
    in_window = sum(1 for at in persisted.values() if run.t0_wall <= at <= run.window_end_wall)
    delay = sorted(
        at - st.send_wall[tok]
        for tok, at in persisted.items()
        if tok < run.total and st.send_t[tok] is not None
    )
    return {
        "persist_p50_ms": ms(percentile(delay, 0.50)),
        "persist_p99_ms": ms(percentile(delay, 0.99)),
        "in_window": in_window,
    }


def app_line(mode: str, args, server: ProjectServer, record: ServerRecord, run: LoadResult) -> dict:
    """The mode's JSON object (without the chat comparison)."""
    st = run.st
    acks = sorted(st.ack_latencies)
    lags = sorted(st.send_lag)
    persisted = persisted_at(record.rows)
    persist = persist_figures(run, persisted)
    kinds = Counter(st.kind[: run.total])
    server_errors = [
        line for line in record.server_log.splitlines() if "Traceback" in line or "ERROR" in line
    ]
    return {
        "mode": mode,
        "date": datetime.now(UTC).date().isoformat(),
        "exercises": record.exercises,
        "participants": args.participants,
        "sockets": run.sockets,
        "rate": args.rate,
        "duration_s": args.duration,
        "sent": st.sent,
        "sent_injects": kinds["inject"],
        "sent_hotline": kinds["hotline"],
        "acked": st.acked,
        "errors": sum(st.errors.values()),
        "error_codes": dict(st.errors),
        "unanswered": st.sent - len(st.answered),
        **deliveries(st),
        "duplicates": st.duplicates,
        "misdelivered": st.misdelivered,
        "disconnects": st.disconnects,
        **latency_ms(st),
        "ack_p50_ms": ms(percentile(acks, 0.50)),
        "ack_p99_ms": ms(percentile(acks, 0.99)),
        "persist_p50_ms": persist["persist_p50_ms"],
        "persist_p99_ms": persist["persist_p99_ms"],
        "send_lag_p99_ms": ms(percentile(lags, 0.99)),
        "send_lag_max_ms": ms(lags[-1] if lags else None),
        "persisted_events": len(persisted),
        "persisted_in_window": persist["in_window"],
        "persisted_events_per_s": round(persist["in_window"] / args.duration, 1),
        "completed_events_per_s": round(run.completed_in_window / args.duration, 1),
        "drain_s": round(run.drain_s, 2),
        "connect_s": round(run.connect_s, 2),
        "join_s": round(record.join_s, 2),
        "cpu": run.cpu,
        "server": server_figures(mode, args, server, len(server_errors)),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
    }


def server_figures(mode: str, args, server: ProjectServer, error_lines: int) -> dict:
    return {
        "uvicorn_workers": server.workers,
        "ws": args.ws,
        "permessage_deflate": bool(args.deflate),
        "database": "postgresql" if mode == "production" else "sqlite",
        "channel_layer": "redis-pubsub" if mode == "production" else "in-memory",
        "error_lines_in_log": error_lines,
        "experiments": server.experiments(),
    }


def chat_figures(run: LoadResult) -> dict:
    """The `chat` object: the baseline's latency and deliveries under the same load."""
    return {**latency_ms(run.st), **deliveries(run.st)}


def p99_ratio(app_p99_ms: float | None, chat_p99_ms: float | None) -> float | None:
    """`p99_vs_chat`: the app's p99 over the chat's, from the figures the line shows."""
    if not app_p99_ms or not chat_p99_ms:
        return None
    return round(app_p99_ms / chat_p99_ms, 2)


def write_samples(path: str, mode: str, run: LoadResult, persisted: dict[int, float]) -> None:
    """Per event: when it was sent (s after the start), kind, exercise, ms to persist, to ack, to
    last delivery, and deliveries received/expected."""
    st = run.st
    t0 = st.send_t[0] or 0.0
    with open(path, "a") as f:
        for i in range(run.total):
            if st.send_t[i] is None:
                continue
            sample = {
                "mode": mode,
                "i": i,
                "t": round(st.send_t[i] - t0, 4),
                "kind": st.kind[i],
                "ex": st.event_ex[i],
                "persist_ms": ms(persisted[i] - st.send_wall[i]) if i in persisted else None,
                "ack_ms": ms(st.ack_at[i] - st.send_t[i]) if st.ack_at[i] else None,
                "last_ms": ms(st.last_rx[i] - st.send_t[i]) if st.last_rx[i] else None,
                "got": st.got[i],
                "expected": st.expected[i],
            }
            f.write(json.dumps(sample) + "\n")
