"""Game-time offsets ("1d 02:30") and the game clock arithmetic, free of Django."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

OFFSET_RE = re.compile(r"^(?:(?P<days>\d+)d\s+)?(?P<h>\d+):(?P<m>\d{2})(?::(?P<s>\d{2}))?$")


class BadOffset(ValueError):
    pass


def parse_offset(text: str) -> int:
    """Seconds after the scenario start for "H:MM", "H:MM:SS" or "Nd H:MM[:SS]"."""
    match = OFFSET_RE.match(text.strip())
    if not match:
        raise BadOffset(f"bad game time {text!r}: expected H:MM, H:MM:SS or Nd H:MM")
    minutes, seconds = int(match["m"]), int(match["s"] or 0)
    if minutes >= 60:
        raise BadOffset(f"bad game time {text!r}: minutes must be below 60")
    if seconds >= 60:
        raise BadOffset(f"bad game time {text!r}: seconds must be below 60")
    days = int(match["days"] or 0)
    return ((days * 24 + int(match["h"])) * 60 + minutes) * 60 + seconds


def format_offset(seconds: float) -> str:
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours}:{minutes:02d}" + (f":{secs:02d}" if secs else "")
    return f"{days}d {clock}" if days else clock


@dataclass(frozen=True)
class Clock:
    """The game clock: game_seconds = offset + (now - started_at) * compression while running.

    `offset` is the game time (seconds since the scenario start) banked at the last start,
    pause or change of compression; `started_at` is the wall time it has run from since.
    """

    running: bool = False
    offset: float = 0.0
    started_at: datetime | None = None
    compression: float = 1.0

    def game_seconds(self, now: datetime) -> float:
        if not self.running or self.started_at is None:
            return self.offset
        return self.offset + max(0.0, (now - self.started_at).total_seconds()) * self.compression

    def started(self, now: datetime) -> Clock:
        return Clock(True, self.offset, now, self.compression)

    def paused(self, now: datetime) -> Clock:
        return Clock(False, self.game_seconds(now), None, self.compression)

    def game_datetime(self, start: datetime, now: datetime) -> datetime:
        return start + timedelta(seconds=self.game_seconds(now))

    def wall_time_until(self, game_seconds: float, now: datetime) -> float | None:
        """Wall seconds until the clock reaches `game_seconds`; None while paused."""
        if not self.running:
            return None
        return max(0.0, (game_seconds - self.game_seconds(now)) / self.compression)
