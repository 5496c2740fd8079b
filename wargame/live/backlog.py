"""What resuming sockets missed, read from the log once for all of them.

When a classroom's network comes back, every socket of an exercise resumes at once with about
the same `since`. Each used to read its own backlog (a query and a frame per event each); here
the first one reads the events after..upto of every audience, as broadcast messages, and the
others waiting for the same range share that read. The log is append-only, so a window read
once stays true; it is kept for a short while (memory, not correctness) and filtered per seat
by the same audience rule as live delivery."""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import Awaitable, Callable

KEEP_SECONDS = 30.0
MAX_MESSAGES = 20_000  # a longer backlog is read for its socket alone, not kept


class Window:
    __slots__ = ("after", "upto", "seqs", "messages", "read_at")

    def __init__(self, after: int, upto: int, messages: list[dict]):
        self.after, self.upto, self.messages = after, upto, messages
        self.seqs = [m["seq"] for m in messages]
        self.read_at = time.monotonic()

    def covers(self, after: int, upto: int) -> bool:
        return self.after <= after and upto <= self.upto

    def between(self, after: int, upto: int) -> list[dict]:
        lo = bisect.bisect_right(self.seqs, after)
        hi = bisect.bisect_right(self.seqs, upto)
        return self.messages[lo:hi]


class Backlog:
    def __init__(self, read: Callable[[int, int, int], Awaitable[list[dict]]]):
        self.read = read  # (exercise_id, after, upto) -> messages in seq order
        self.windows: dict[int, Window] = {}
        self.reading: dict[int, asyncio.Task] = {}

    async def messages(self, exercise_id: int, after: int, upto: int) -> list[dict]:
        """The broadcast messages of the events with after < seq <= upto, in seq order."""
        if upto <= after:
            return []
        self._forget_old()
        while True:
            window = self.windows.get(exercise_id)
            if window is not None and window.covers(after, upto):
                return window.between(after, upto)
            reading = self.reading.get(exercise_id)
            if reading is None:
                reading = asyncio.get_running_loop().create_task(
                    self._read(exercise_id, after, upto)
                )
                self.reading[exercise_id] = reading
                # The reader's own range: it is covered once the read is done.
            window = await asyncio.shield(reading)
            if window.covers(after, upto):
                return window.between(after, upto)
            # Another socket's read, of another range: read ours next (or share the next one).

    async def _read(self, exercise_id: int, after: int, upto: int) -> Window:
        try:
            window = Window(after, upto, await self.read(exercise_id, after, upto))
        finally:
            self.reading.pop(exercise_id, None)
        if len(window.messages) <= MAX_MESSAGES:
            current = self.windows.get(exercise_id)
            if current is None or not current.covers(after, upto):
                self.windows[exercise_id] = window
        return window

    def _forget_old(self) -> None:
        now = time.monotonic()
        for exercise_id, window in list(self.windows.items()):
            if now - window.read_at > KEEP_SECONDS:
                del self.windows[exercise_id]
