"""What the client records per event: when it was sent, who should get it, what arrived when."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .client import Sock


class Recorder:
    """Per-event arrays indexed by the event's number i (the `bench#<i>` token, command `b<i>`),
    filled by the send loop and by every socket's reader."""

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

    def completed_by(self, total: int, deadline: float) -> int:
        """Events whose every expected delivery had arrived by `deadline` (perf_counter)."""
        return sum(
            1
            for i in range(total)
            if self.expected[i] and self.got[i] >= self.expected[i] and self.last_rx[i] <= deadline
        )
