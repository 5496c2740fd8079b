"""CPU accounting from /proc (read-only): a process tree's CPU time and the machine's."""

from __future__ import annotations

import asyncio
import os
import time

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


def snapshot(server_pids: list[int]) -> tuple[float, float, tuple[float, float]]:
    """(server CPU s, this process's CPU s, machine (busy, total) jiffies) at this moment."""
    return cpu_seconds(server_pids), time.process_time(), machine_times()


async def background_busy_pct(server_pids: list[int]) -> float | None:
    """How busy the machine is over one idle second, not counting the server and this client
    (other processes, e.g. a test run)."""
    before = snapshot(server_pids)
    await asyncio.sleep(1.0)
    after = snapshot(server_pids)
    busy = after[2][0] - before[2][0]
    total = after[2][1] - before[2][1]
    ours = (after[0] - before[0]) + (after[1] - before[1])
    if not total:
        return None
    return round(100 * max(0.0, busy / CLK_TCK - ours) / (total / CLK_TCK), 1)


def window_figures(before, after, background_pct: float | None, send_window: float) -> dict:
    """The `cpu` object of the JSON line: CPU used between two snapshots of the send window."""
    server_s = after[0] - before[0]
    client_s = after[1] - before[1]
    busy = after[2][0] - before[2][0]
    jiffies = after[2][1] - before[2][1]
    return {
        "server_s": round(server_s, 2),
        "client_s": round(client_s, 2),
        "machine_busy_pct": round(100 * busy / jiffies, 1) if jiffies else None,
        # Busy cores outside server + client: PostgreSQL, Redis, anything else running.
        "other_cores": round(busy / CLK_TCK / send_window - (server_s + client_s) / send_window, 2),
        "background_busy_pct_before": background_pct,
        "server_cores": round(server_s / send_window, 2),
        "client_cores": round(client_s / send_window, 2),
    }
