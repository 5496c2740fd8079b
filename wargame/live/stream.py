"""One exercise's committed events in one process: put back in seq order, gaps read from the log
once, and each event handed to every local socket of the exercise.

Pub/sub delivers at most once and two processes (or threads) publish independently, so events
can arrive out of order, late, twice or not at all. A Stream turns that into the sequence the
consumers need: every seq once, in order, none missing. It keeps `cursor`, the last seq it
handed out; an event that arrives early waits up to `gap_wait` seconds for the ones before it,
which are then read from the log, once for all the exercise's sockets in this process (not once
per socket). The sweep (hub.py) tells it the exercise's last committed seq with `expect`, so an
event whose broadcast was lost is recovered even when no later event arrives.

Runs on the hub's event loop only; nothing here is thread-safe.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

# How long an event that arrived early waits for the broadcasts before it, before they are read
# from the log instead. Broadcasts from different processes and threads overtake each other by
# a few milliseconds under load; a lost one (Redis restarting) never comes.
GAP_WAIT_SECONDS = 0.2

ReadLog = Callable[[int, int, int], Awaitable[list[dict]]]


class Stream:
    def __init__(self, exercise_id: int, read_log: ReadLog, gap_wait: float | None):
        """`read_log(exercise_id, after, upto)` returns the event messages with
        after < seq <= upto, in seq order. `gap_wait` None: gaps are filled only when `fill` is
        called (tests drive it)."""
        self.exercise_id = exercise_id
        self.read_log = read_log
        self.gap_wait = gap_wait
        self.consumers: dict = {}  # consumer -> None, in the order they joined
        self.cursor: int | None = None  # unknown until the first consumer's welcome (start)
        self.known = 0  # the highest seq known to be committed
        self.early: dict[int, dict] = {}  # seq -> message that arrived before its predecessors
        self.timer: asyncio.TimerHandle | None = None
        self.filling: asyncio.Task | None = None

    # Consumers -----------------------------------------------------------------------------

    def add(self, consumer) -> None:
        self.consumers[consumer] = None

    def remove(self, consumer) -> None:
        self.consumers.pop(consumer, None)

    def start(self, welcome_seq: int) -> int:
        """A consumer sent a welcome as of `welcome_seq`; the stream's cursor, which the
        consumer must read up to from the log itself if it is ahead of its welcome.

        A new stream takes its cursor from its first welcome. A consumer that joined an
        existing stream cannot be behind it (it joined before reading its welcome, so every
        event handed out since reached it); one that joined a new stream concurrently with
        another can be, by the events committed between their two welcomes."""
        if self.cursor is not None:
            return self.cursor
        self.cursor = welcome_seq
        self.known = max(self.known, welcome_seq)
        for seq in [s for s in self.early if s <= welcome_seq]:
            del self.early[seq]
        self._advance()  # what arrived meanwhile: to the consumers, this one's held list too
        return welcome_seq

    # Events --------------------------------------------------------------------------------

    def offer(self, message: dict) -> None:
        """A committed event, from pub/sub, this process, or the log; duplicates are ignored."""
        seq = message["seq"]
        if self.cursor is not None and seq <= self.cursor:
            return
        self.early[seq] = message
        if seq > self.known:
            self.known = seq
        self._advance()

    def expect(self, last_seq: int) -> None:
        """The exercise's last committed seq, read by the sweep: anything up to it that has not
        arrived within `gap_wait` is read from the log."""
        if last_seq > self.known:
            self.known = last_seq
        self._advance()  # also re-arms the gap fill after a failed read

    def missing(self) -> tuple[int, int] | None:
        """(after, upto): the seqs known to be committed that have not been handed out."""
        if self.cursor is None or self.known <= self.cursor:
            return None
        return self.cursor, self.known

    def presence(self, message: dict) -> None:
        for consumer in list(self.consumers):
            consumer.take_presence(message)

    def _advance(self) -> None:
        if self.cursor is None:
            return
        early = self.early
        while early:
            message = early.pop(self.cursor + 1, None)
            if message is None:
                break
            self.cursor += 1
            for consumer in list(self.consumers):
                consumer.take(message)
        if self.known > self.cursor:
            if self.timer is None and self.filling is None and self.gap_wait is not None:
                self.timer = asyncio.get_running_loop().call_later(self.gap_wait, self._fill_soon)
        elif self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _fill_soon(self) -> None:
        self.timer = None
        self.filling = asyncio.get_running_loop().create_task(self.fill())

    async def fill(self) -> None:
        """Read what is missing from the log (one query for every socket) and hand it out."""
        done = False
        try:
            gap = self.missing()
            if gap is None:
                return
            after, upto = gap
            try:
                messages = await self.read_log(self.exercise_id, after, upto)
            except Exception:
                # Tried again when the next event or the next sweep finds the gap.
                log.exception("exercise %s: reading seq %s..%s failed", self, after + 1, upto)
                return
            for message in messages:
                self.offer(message)
            if self.cursor < upto:
                # A committed seq is never missing from the log; should one be, waiting for it
                # would stop this exercise's stream for good. Go on with what there is.
                log.error("exercise %s: seq %s..%s not in the log", self, self.cursor + 1, upto)
                self._jump_to(upto)
            done = True
        finally:
            if asyncio.current_task() is self.filling:
                self.filling = None
            if done:
                self._advance()  # more may have become known meanwhile

    def _jump_to(self, upto: int) -> None:
        for seq in range(self.cursor + 1, upto + 1):
            message = self.early.pop(seq, None)
            self.cursor = seq
            if message is not None:
                for consumer in list(self.consumers):
                    consumer.take(message)

    def close(self) -> asyncio.Task | None:
        """No more timed fills; a fill already reading the log is left to finish (its database
        work runs in a thread, which cancelling would not stop): returned for awaiting."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        return self.filling

    def __str__(self) -> str:
        return str(self.exercise_id)
